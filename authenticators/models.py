"""A person's MitID: the identity (user-ID, status, level); authenticators join it later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AssuranceLevel(models.TextChoices):
    LOW = "low", _("Low")
    SUBSTANTIAL = "substantial", _("Substantial")
    HIGH = "high", _("High")


class Identity(models.Model):
    """One per person (CPR number). The user-ID is unique whatever its case."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being set up")
        ACTIVE = "active", _("Active")
        BLOCKED = "blocked", _("Blocked")

    cpr = models.CharField(_("CPR number"), max_length=10, unique=True)
    user_id = models.CharField(_("user-ID"), max_length=48, blank=True)
    # The user-ID in lower case, made in Python so that æ, ø and å fold the same way on every
    # database; a unique constraint on it keeps two people from holding the same user-ID.
    user_id_key = models.CharField(max_length=48, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    level = models.CharField(
        _("assurance level"),
        max_length=12,
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.SUBSTANTIAL,
    )
    language = models.CharField(_("language"), max_length=5, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.UniqueConstraint(
                fields=["user_id_key"], condition=~Q(user_id_key=""), name="user_id_unique_ci"
            )
        ]

    def __str__(self) -> str:
        return self.user_id or f"({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
