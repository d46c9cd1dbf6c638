"""A change of contact details waiting for its code, and when codes were sent.

The same shape as enrollment's ContactCode and CodeSend, so that enrollment's code machinery
(`renew_code`, `check_code`, `check_send_limits`) serves both; these belong to the identity,
not to an enrollment case.
"""

from datetime import datetime

from django.db import models

from authenticators.models import Identity
from enrollment.models import ContactChannel


class ContactChange(models.Model):
    """A new mobile number or e-mail address, used only once its code is typed."""

    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="contact_changes")
    channel = models.CharField(max_length=5, choices=ContactChannel.choices)
    address = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["identity", "channel"], name="one_contact_change_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}"

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at <= now


class ContactChangeSend(models.Model):
    """When a code was sent: resends are limited per minute and per hour."""

    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=5, choices=ContactChannel.choices)
    address = models.CharField(max_length=254)
    sent_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.channel} {self.sent_at:%Y-%m-%d %H:%M}"
