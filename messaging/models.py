"""Messages the portal sends, and the outbox where the simulated gateways deliver them."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def first_sweep() -> datetime:
    """A message not delivered by then is handed to Celery again by the sweep."""
    return timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS)


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Letter")


class Message(models.Model):
    """The transactional outbox: a message written in the same transaction as the change that
    causes it, handed to Celery after the commit, and swept up again by Celery beat until it is
    delivered. The gateway gets `key` with it, so a delivery tried twice reaches the citizen
    once."""

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
    # The idempotency key the gateway is given with every try of this message.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # When the sweep may hand it to Celery again: a lease while a try is under way.
    next_attempt_at = models.DateTimeField(default=first_sweep, db_index=True)
    # The text holds a secret (a code, a temporary PIN): it is blanked once delivered.
    sensitive = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [
            # /health/delivery/ asks for the oldest message still queued: the queued alone,
            # by age, so the answer is the index's first entry however many were sent.
            models.Index(
                fields=["created_at"],
                condition=Q(status="queued"),
                name="message_queued_by_age",
            )
        ]

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
    # The sender's idempotency key: the simulated gateway, like a real one, takes a message
    # with the same key and recipient once.
    key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-delivered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient"], condition=~Q(key=""), name="outbox_once_per_key"
            )
        ]

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
