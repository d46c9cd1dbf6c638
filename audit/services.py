"""Writing to the audit log; the only way entries are made."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.utils import translation

from .actors import CITIZEN, SYSTEM, UNKNOWN_USER
from .models import AuditEntry

__all__ = ["CITIZEN", "SYSTEM", "UNKNOWN_USER", "record"]


def record(
    action: str,
    *,
    by: User | AnonymousUser | None,
    identity: Model | None = None,  # the MitID (authenticators.Identity) it concerns
    target: str | Callable[[], str] = "",
    reason: str = "",
    detail: str = "",
    unless_staff: str = CITIZEN,
) -> AuditEntry:
    """Append an entry. `by` is the staff member; without one, `unless_staff` names who acted:
    the citizen on their own MitID, or the system. A `target` whose words are translated (a
    device's kind) is given as a function, and written in the portal's language
    (LANGUAGE_CODE), whoever acted in whichever language: one device reads the same in every
    entry (a walk found a citizen's Danish "kodeviser" beside a staff member's English)."""
    if callable(target):
        with translation.override(settings.LANGUAGE_CODE):
            target = target()
    staff = by if by is not None and by.is_authenticated else None
    return AuditEntry.objects.create(
        action=action,
        actor=staff,
        actor_name=staff.get_username() if staff is not None else unless_staff,
        identity_id=identity.pk if identity is not None else None,
        target=target[:200],
        reason=reason[:200],
        detail=detail[:200],
    )
