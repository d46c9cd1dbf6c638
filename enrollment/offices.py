"""Borgerservice offices for a pick-up: opening hours in the reader's language, free days.

An office's opening hours are kept as data, one range of days and hours per part:
"mon-wed 10:00-15:00; thu 10:00-17:30; fri 10:00-13:00". They are written out in the language
of the page ("Monday to Wednesday 10:00-15:00" in English, with the dash of `Hours`); text that
does not follow the form is shown as it is.
"""

import re
from datetime import date, time

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pages.support import Hours

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES: tuple[Promise, ...] = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<opens>\d{1,2}):(?P<opens_m>\d\d)-(?P<closes>\d{1,2}):(?P<closes_m>\d\d)$"
)


def weekday_name(day: date) -> str:
    return str(DAY_NAMES[day.weekday()])


def _parts(text: str) -> list[tuple[int, int, time, time]] | None:
    """Each part as (first day, last day, opens, closes), days counted from Monday = 0; None
    when the text is not data (free text staff typed, or an hour such as 25:00)."""
    parts = []
    for part in filter(None, (piece.strip().lower() for piece in text.split(";"))):
        match = PART.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            return None
        first = DAYS.index(match["first"])
        try:
            opens = time(int(match["opens"]), int(match["opens_m"]))
            closes = time(int(match["closes"]), int(match["closes_m"]))
        except ValueError:
            return None
        parts.append((first, DAYS.index(match["last"]) if match["last"] else first, opens, closes))
    return parts


def hours_on(text: str, day: date) -> tuple[time, time] | None:
    """When the office is open on `day` by its opening hours (data as above); None when it is
    closed then, or its hours are not data."""
    for first, last, opens, closes in _parts(text) or []:
        if first <= day.weekday() <= last:
            return opens, closes
    return None


def opening_hours(text: str) -> list[str]:
    """Each part of `text` in the active language; the text itself if it is not data."""
    parts = _parts(text)
    if parts is None:
        return [text] if text else []
    shown = []
    for first, last, opens, closes in parts:
        days = (
            gettext("%(first)s to %(last)s") % {"first": DAY_NAMES[first], "last": DAY_NAMES[last]}
            if last != first
            else str(DAY_NAMES[first])
        )
        shown.append(f"{days} {Hours(opens, closes)}")
    return shown
