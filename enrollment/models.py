"""The saved enrollment: cases, contact codes, activation codes, offices and device orders."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from authenticators.models import AssuranceLevel, AuthenticatorKind, Identity

from . import offices
from .flow import Channel, Method

# The enrollment methods are the authenticator kinds one can start with (not the chip).
METHOD_CHOICES = [(method.value, AuthenticatorKind(method.value).label) for method in Method]
CHANNEL_CHOICES = [(Channel.MITID.value, "MitID.dk"), (Channel.BANK.value, _("Online bank"))]


class EnrollmentCase(models.Model):
    """One citizen's way through the steps; saved so it can be resumed days later."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Waiting for activation")
        COMPLETED = "completed", _("Completed")
        EXPIRED = "expired", _("Expired")

    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="cases")
    nemid_user_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=5, choices=CHANNEL_CHOICES)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.OPEN
    )
    started_at = models.DateTimeField(null=True, blank=True)
    postponed_at = models.DateTimeField(null=True, blank=True)
    terms_version = models.CharField(_("terms version"), max_length=20, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)
    method = models.CharField(_("authenticator"), max_length=12, choices=METHOD_CHOICES, blank=True)
    contact_method = models.CharField(max_length=12, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    mobile_confirmed_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    delivery_method = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["identity"],
                condition=Q(status__in=["open", "submitted"]),
                name="one_live_enrollment_per_identity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.identity} ({self.get_status_display()})"


class ReservedUserId(models.Model):
    """A user-ID kept for one person: their NemID user-ID, carried over to MitID."""

    user_id_key = models.CharField(max_length=64, unique=True)
    cpr = models.CharField(max_length=10, db_index=True)

    class Meta:
        verbose_name = _("reserved user-ID")
        verbose_name_plural = _("reserved user-IDs")

    def __str__(self) -> str:
        return self.user_id_key


class ContactChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class AddressCode(models.Model):
    """The code that confirms a mobile number or e-mail address; only its hash is kept.

    Enrollment's codes belong to a case, self-service's to the identity; `services.renew_code`
    and `services.check_code` serve both.
    """

    channel = models.CharField(max_length=5, choices=ContactChannel.choices)
    address = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.channel} {self.address}"

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at <= now


class AddressCodeSend(models.Model):
    """When a code was sent: resends are limited per minute and per hour
    (`services.check_send_limits`)."""

    channel = models.CharField(max_length=5, choices=ContactChannel.choices)
    address = models.CharField(max_length=254)
    sent_at = models.DateTimeField(db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.channel} {self.sent_at:%Y-%m-%d %H:%M}"


class ContactCode(AddressCode):
    case = models.ForeignKey(EnrollmentCase, on_delete=models.CASCADE, related_name="codes")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "channel"], name="one_code_per_channel")
        ]


class CodeSend(AddressCodeSend):
    case = models.ForeignKey(EnrollmentCase, on_delete=models.CASCADE, related_name="sends")


class AppActivationCode(models.Model):
    """The code a citizen types into the MitID app; valid for minutes, used once.

    With an `order`, it is the code in the letter that comes with that order's code device,
    and activates that device (for someone without NemID), never an app.
    """

    identity = models.ForeignKey(
        Identity, on_delete=models.CASCADE, related_name="activation_codes"
    )
    order = models.ForeignKey(
        "DeviceOrder",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="letter_codes",
    )
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    # The level of the app it activates: High for a code handed out at Borgerservice after an
    # in-person check for High, as a code device set up there is.
    level = models.CharField(
        max_length=12, choices=AssuranceLevel.choices, default=AssuranceLevel.SUBSTANTIAL
    )

    def __str__(self) -> str:
        return f"{self.identity} {self.created_at:%Y-%m-%d %H:%M}"

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.replaced_at is None and self.expires_at > now


class Office(models.Model):
    """A Borgerservice office where code devices can be picked up."""

    name = models.CharField(_("name"), max_length=100)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("city"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)

    class Meta:
        verbose_name = _("Borgerservice office")
        verbose_name_plural = _("Borgerservice offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def opening_hours_shown(self) -> list[str]:
        """The opening hours in the active language (see `offices`)."""
        return offices.opening_hours(self.opening_hours)


class AppointmentSlot(models.Model):
    """A time at an office, managed by staff; booked by at most `capacity` citizens."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("appointment time")
        verbose_name_plural = _("appointment times")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            )
        ]

    def __str__(self) -> str:
        # In the staff member's language, as the admin shows times elsewhere.
        starts = date_format(timezone.localtime(self.starts_at), "SHORT_DATETIME_FORMAT")
        return f"{self.office} {starts}"


class DeviceOrder(models.Model):
    """An order for a code display or code reader, by post or for pick-up."""

    class Delivery(models.TextChoices):
        POST = "post", _("By post")
        PICKUP = "pickup", _("Pick up at Borgerservice")

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        COLLECTED = "collected", _("Collected")
        ACTIVATED = "activated", _("Activated")
        CANCELLED = "cancelled", _("Cancelled")
        # Lost in the post: a word of its own in Danish ("bortkommet"), unlike a lost phone.
        LOST = "lost", pgettext_lazy("device order", "Lost")

    identity = models.ForeignKey(
        Identity, on_delete=models.CASCADE, related_name="orders", verbose_name=_("identity")
    )
    case = models.ForeignKey(
        EnrollmentCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("enrollment"),
    )
    kind = models.CharField(_("device"), max_length=12, choices=METHOD_CHOICES[1:])
    delivery = models.CharField(_("delivery"), max_length=6, choices=Delivery.choices)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.ORDERED
    )
    address = models.TextField(_("address"), blank=True)
    slot = models.ForeignKey(
        AppointmentSlot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("appointment time"),
    )
    token = models.OneToOneField(
        "authenticators.HardwareToken",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order",
        verbose_name=_("serial number"),
    )
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    # When the status last changed: the post's delivery time and the reminders count from it.
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("device order")
        verbose_name_plural = _("device orders")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(case__isnull=False), name="one_order_per_case"
            ),
            models.UniqueConstraint(
                fields=["identity", "kind"],
                condition=Q(status__in=["ordered", "sent", "delivered", "collected"]),
                name="one_open_order_per_device_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.identity}"

    @property
    def expected_delivery(self) -> datetime:
        """When a device sent by post should have arrived, as the citizen is told."""
        return self.created_at + timedelta(days=settings.POST_DELIVERY_DAYS)
