"""Words for the codes other apps write in the audit log's reason, so the log reads in the
staff member's language. The app that owns the codes registers them (the audit log sits below
every app and imports none of them)."""

from django.utils.functional import Promise

REASONS: dict[str, "str | Promise"] = {}


def register_reasons(labels: "dict[str, str | Promise]") -> None:
    REASONS.update(labels)


def reason_label(code: str) -> str:
    """The reason in words; free text (a staff member's note) stays as it was written."""
    return str(REASONS.get(code, code))
