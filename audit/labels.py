"""Words for the codes other apps write as a reason in the audit log (and as the detail of a
line of a person's history), so staff read them in their language. The app that owns the codes
registers them (the audit log sits below every app and imports none of them).

Words belong to an action (or a history line's kind): a code means one thing for one action
("no_code" is a desk's "no code was sent yet" and a staff login's "no code from the code
device"), and where an action's reason is free text (a party's transaction, a staff member's
note) no word that happens to be a code is touched. A label is a string or a lazy translation
(a Promise).
"""

from collections.abc import Mapping

from django.utils.functional import Promise

from .actors import actor_label

__all__ = ["actor_label", "detail_label", "reason_label", "register_details", "register_reasons"]

WORDS: "dict[tuple[str, str], str | Promise]" = {}


def register_reasons(labels: "Mapping[str, str | Promise]", *, action: str) -> None:
    """`labels` by code, for entries of `action` (an audit action or a history kind)."""
    for code, label in labels.items():
        WORDS[(action, code)] = label


# A detail may begin with a code and go on in free text ("passport …4081", "client
# 192.0.2.7"): words for such first words, by action (elsewhere a detail is a staff note).
DETAIL_WORDS: "dict[tuple[str, str], str | Promise]" = {}


def register_details(labels: "Mapping[str, str | Promise]", *, actions: "tuple[str, ...]") -> None:
    """`labels` for the first word of the detail of entries of `actions`."""
    for action in actions:
        for code, label in labels.items():
            DETAIL_WORDS[(action, code)] = label


def detail_label(detail: str, action: str) -> str:
    """The detail with its first word in words when that word is a code of the action's."""
    first, space, rest = detail.partition(" ")
    words = DETAIL_WORDS.get((action, first))
    return f"{words}{space}{rest}" if words is not None and rest else detail


def reason_label(code: str, action: str) -> str:
    """The reason in words; free text stays as it was written.

    Some entries give more than one code, comma-separated (why a staff login failed): each is
    put in words when all of them are codes.
    """
    words = [WORDS.get((action, part)) for part in code.split(",")]
    if not code or any(word is None for word in words):
        return code
    return ", ".join(str(word) for word in words)
