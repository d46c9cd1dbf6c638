"""Who acted, when it was not a staff member (whose username is the name kept): the names the
audit log keeps, and the words staff read for them. No model here, so that `audit.labels`
needs none."""

from django.utils.translation import gettext_lazy as _

CITIZEN = "citizen"
# The portal itself, on Celery beat's schedule (the post's delivery, reminders).
SYSTEM = "system"
# A failed staff login for a username that is no account.
UNKNOWN_USER = "unknown user"

ACTORS = {
    CITIZEN: _("the citizen"),
    SYSTEM: _("the portal (scheduled)"),
    UNKNOWN_USER: _("unknown username"),
}


def actor_label(name: str) -> str:
    return str(ACTORS.get(name, name))
