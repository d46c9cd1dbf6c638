"""The audit log: who did what to whose MitID, when and why. Written once, never changed."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .actors import actor_label


class AppendOnly(Exception):
    """An audit entry was about to be changed or deleted."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit entries are never changed")

    def delete(self) -> NoReturn:
        raise AppendOnly("audit entries are never deleted")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        DEVICE_BLOCKED = "device_blocked", _("Authenticator blocked")
        DEVICE_UNBLOCKED = "device_unblocked", _("Authenticator unblocked")
        DEVICE_REVOKED = "device_revoked", _("Authenticator revoked")
        IDENTITY_BLOCKED = "identity_blocked", _("MitID blocked")
        IDENTITY_UNBLOCKED = "identity_unblocked", _("MitID block lifted")
        LEVEL_RAISED = "level_raised", _("Assurance level raised")
        ORDER_CHANGED = "order_changed", _("Device order changed")
        USER_ID_CHANGED = "user_id_changed", _("User-ID changed")
        CONTACT_CHANGED = "contact_changed", _("Contact details changed")
        SETTING_CHANGED = "setting_changed", _("Setting changed")
        PERMISSION_DENIED = "permission_denied", _("Refused: no permission")
        STAFF_LOGIN = "staff_login", _("Staff login")
        STAFF_LOGIN_FAILED = "staff_login_failed", _("Staff login failed")
        STAFF_TOTP_ENROLLED = "staff_totp_enrolled", _("Staff authenticator app enrolled")
        DESK_CREATED = "desk_created", _("MitID created at Borgerservice")
        DESK_REFUSED = "desk_refused", _("Refused at Borgerservice")
        DESK_NEW_APP_CODE = "desk_new_app_code", _("New app activation code at Borgerservice")
        TRANSACTION_APPROVED = "transaction_approved", _("Transaction approved for a party")
        CODE_REUSED = "oidc_code_reused", _("Refused: a party's login code used twice")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    # Null when the citizen acted on their own MitID; `actor_name` keeps the name even if a
    # staff account is later removed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    actor_name = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    identity = models.ForeignKey(
        "authenticators.Identity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("identity"),
    )
    target = models.CharField(_("what"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        # In local time, in the language's format, as the entry's own field shows it; who
        # acted, in words when it was not a staff member.
        at = date_format(timezone.localtime(self.at), "DATETIME_FORMAT")
        return f"{at} {self.who}: {self.get_action_display()}"

    @property
    def who(self) -> str:
        """Who acted: a staff member by username, else the citizen or the portal in words (a
        staff account that happens to be called "system" keeps its name)."""
        return self.actor_name if self.actor_id is not None else actor_label(self.actor_name)
