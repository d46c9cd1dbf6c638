"""Phone numbers, dates and times as readers of each language expect them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import formats, translation

from enrollment.demo import seed_offices
from enrollment.forms import SlotChoiceField, open_slots
from enrollment.models import AppointmentSlot
from pages.phones import readable_phone_number
from pages.support import MITID_SUPPORT

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("number", "language", "shown"),
    [
        ("+4520304050", "da", "20 30 40 50"),
        ("+4520304050", "en", "20 30 40 50"),
        ("+4520304050", "kl", "+45 20 30 40 50"),  # from Greenland, Denmark is abroad
        ("+299551234", "kl", "55 12 34"),
        ("+299551234", "da", "+299 55 12 34"),
        ("+46701234567", "da", "+46 70 123 45 67"),
        ("karen@example.dk", "da", "karen@example.dk"),
        ("", "da", ""),
    ],
)
def test_phone_numbers_are_grouped_and_foreign_ones_keep_their_code(
    number: str, language: str, shown: str
) -> None:
    assert readable_phone_number(number, language=language) == shown


def test_the_filter_follows_the_active_language() -> None:
    template = Template("{% load phone_numbers %}{{ number|phone_number }}")
    with translation.override("kl"):
        assert template.render(Context({"number": "+4520304050"})) == "+45 20 30 40 50"
    with translation.override("da"):
        assert template.render(Context({"number": "+4520304050"})) == "20 30 40 50"


@pytest.mark.parametrize(
    ("language", "date", "time", "datetime_"),
    [
        ("da", "21. november 2026", "14.05", "21. november 2026 kl. 14.05"),
        ("en", "21 November 2026", "14:05", "21 November 2026 at 14:05"),
        # Numeric in Greenlandic: Django has no Greenlandic month names.
        ("kl", "21.11.2026", "14:05", "21.11.2026 14:05"),
    ],
)
def test_dates_and_times_per_language(language: str, date: str, time: str, datetime_: str) -> None:
    when = datetime(2026, 11, 21, 14, 5, tzinfo=COPENHAGEN)
    with translation.override(language):
        assert formats.date_format(when, "DATE_FORMAT") == date
        assert formats.time_format(when, "TIME_FORMAT") == time
        assert formats.date_format(when, "DATETIME_FORMAT") == datetime_


@pytest.mark.parametrize(
    ("language", "short"),
    [("da", "02.12.2026 kl. 14.05"), ("en", "2 Dec 2026, 14:05"), ("kl", "02.12.2026 14:05")],
)
def test_a_short_date_is_never_read_month_first(language: str, short: str) -> None:
    """The history's dates: 02/12/2026 is 12 February to many English readers."""
    when = datetime(2026, 12, 2, 14, 5, tzinfo=COPENHAGEN)
    with translation.override(language):
        assert formats.date_format(when, "SHORT_DATETIME_FORMAT") == short


def test_english_sentences_read_on_a_date_at_a_time() -> None:
    when = datetime(2026, 12, 2, 14, 47, tzinfo=COPENHAGEN)
    template = Template(
        "{% load i18n %}{% blocktranslate with method='app' when=when|date:'DATETIME_FORMAT' %}"
        "You logged in with your {{ method }} on {{ when }}.{% endblocktranslate %}"
    )
    with translation.override("en"):
        shown = template.render(Context({"when": when}))
    assert shown == "You logged in with your app on 2 December 2026 at 14:47."


def test_a_text_message_writes_a_date_as_the_page_does() -> None:
    """The order's SMS (and its e-mail, which includes it) and the receipt page agree."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    by = datetime(2026, 12, 2, 12, 0, tzinfo=COPENHAGEN)
    order = SimpleNamespace(delivery="post", get_kind_display="code display")
    with translation.override("en"):
        sms = render_to_string(
            "enrollment/messages/order_sms.txt", {"order": order, "delivery_by": by}
        )
    assert "by 2 December 2026." in sms


@pytest.mark.django_db
def test_a_pick_up_time_is_written_the_way_of_the_language() -> None:
    seed_offices()
    slot = AppointmentSlot.objects.select_related("office").first()
    assert slot is not None
    field = SlotChoiceField(queryset=open_slots())
    local = slot.starts_at.astimezone(COPENHAGEN)
    with translation.override("da"):
        assert field.label_from_instance(slot).endswith(f"{local:%H.%M}")
    with translation.override("en"):
        assert field.label_from_instance(slot).endswith(f"{local:%H:%M}")


@pytest.mark.parametrize(
    ("language", "weekdays"), [("da", "08.00–20.00"), ("en", "08:00–20:00"), ("kl", "08:00–20:00")]
)
def test_support_hours_follow_the_language(language: str, weekdays: str) -> None:
    with translation.override(language):
        assert str(MITID_SUPPORT.hours[0][1]) == weekdays
        # In the layout, the same times with the dash as an entity.
        assert MITID_SUPPORT.hours[0][1].as_html() == weekdays.replace("–", "&ndash;")


@pytest.mark.django_db
def test_the_danish_help_page_writes_hours_the_danish_way(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/da/help/").content.decode()
    assert "08.00–20.00" in html
    assert "08:00" not in html


@pytest.mark.parametrize(
    ("language", "number"),
    [("da", "33 98 00 10"), ("en", "33 98 00 10"), ("kl", "+45 33 98 00 10")],
)
def test_the_support_line_is_written_as_the_reader_dials_it(
    client: Client, language: str, number: str
) -> None:
    """From Greenland a Danish number needs +45, the citizen's own and support's alike."""
    with translation.override(language):
        assert MITID_SUPPORT.phone == number
    assert f">{number}</a>" in client.get(f"/{language}/").content.decode()  # the footer
