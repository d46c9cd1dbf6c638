"""Writing to the audit log; the only way entries are made."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model

from .actors import CITIZEN, SYSTEM, UNKNOWN_USER
from .models import AuditEntry

__all__ = ["CITIZEN", "SYSTEM", "UNKNOWN_USER", "record"]


def record(
    action: str,
    *,
    by: User | AnonymousUser | None,
    identity: Model | None = None,  # the MitID (authenticators.Identity) it concerns
    target: str = "",
    reason: str = "",
    detail: str = "",
    unless_staff: str = CITIZEN,
) -> AuditEntry:
    """Append an entry. `by` is the staff member; without one, `unless_staff` names who acted:
    the citizen on their own MitID, or the system."""
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
