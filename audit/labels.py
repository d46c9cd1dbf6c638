"""Words for the codes other apps write in the audit log's reason, so the log reads in the
staff member's language. The app that owns the codes registers them (the audit log sits below
every app and imports none of them).

A code can mean one thing for every action (a block's reason, "lost") or be an action's own
("no_code" is a desk's "no code was sent yet" and a staff login's "no code from the code
device"): an
action's own words come first. A label is a string or a lazy translation (a Promise).
"""

from collections.abc import Mapping

from django.utils.functional import Promise

REASONS: "dict[str, str | Promise]" = {}
ACTION_REASONS: "dict[tuple[str, str], str | Promise]" = {}


def register_reasons(labels: "Mapping[str, str | Promise]", *, action: str = "") -> None:
    """`labels` by code; with `action`, only for entries of that action."""
    for code, label in labels.items():
        if action:
            ACTION_REASONS[(action, code)] = label
        else:
            REASONS[code] = label


def _words(action: str, code: str) -> "str | Promise | None":
    if (action, code) in ACTION_REASONS:
        return ACTION_REASONS[(action, code)]
    return REASONS.get(code)


def reason_label(code: str, action: str = "") -> str:
    """The reason in words; free text (a staff member's note) stays as it was written.

    Some entries give more than one code, comma-separated (why a staff login failed): each is
    put in words when all of them are codes.
    """
    words = [_words(action, part) for part in code.split(",")]
    if not code or any(word is None for word in words):
        return code
    return ", ".join(str(word) for word in words)
