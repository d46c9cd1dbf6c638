"""Messages the portal sends, and the outbox where the simulated gateways deliver them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Message(models.Model):
    """A message the portal has queued for delivery; delivered once by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"


class OutboxMessage(models.Model):
    """What the simulated SMS and e-mail gateways delivered: the demo's phones and inboxes."""

    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    sender = models.CharField(_("sender"), max_length=254)
    recipient = models.CharField(_("recipient"), max_length=254, db_index=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    delivered_at = models.DateTimeField(_("delivered"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-delivered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"

    def as_dict(self) -> dict[str, str]:
        return {
            "channel": self.channel,
            "from": self.sender,
            "to": self.recipient,
            "subject": self.subject,
            "body": self.body,
            "delivered_at": self.delivered_at.isoformat(),
        }
