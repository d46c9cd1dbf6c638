"""What activation keeps while it runs: a passport enrollment in the app, and an app copy."""

import hashlib
import hmac
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authenticators.models import AppDevice, IdDocument, Identity
from enrollment.models import AddressCode, AddressCodeSend


def token_hash(token: str) -> str:
    """Only a hash of an app's bearer token is kept: a database leak gives no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


class PassportEnrollment(models.Model):
    """The passport road in the app, step by step (the steps are `activation.passport.STEPS`).

    The MitID itself (identity, user-ID, app) is made only at the last step, so a refusal
    anywhere before leaves nothing half-created.
    """

    class State(models.TextChoices):
        STARTED = "started", _("Terms accepted")
        MRZ_READ = "mrz_read", _("Passport read")
        CHIP_READ = "chip_read", _("Chip read")
        FACE_MATCHED = "face_matched", _("Face matched")
        USER_ID_CHOSEN = "user_id_chosen", _("User-ID chosen")
        APP_STARTED = "app_started", _("App waiting for its PIN")
        DEVICE_ORDERED = "device_ordered", _("Code device ordered")
        CLOSED = "closed", _("Closed")

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The person's CPR number, or their P-code.
    number = models.CharField(_("CPR number or P-code"), max_length=10)
    language = models.CharField(_("language"), max_length=5)
    terms_version = models.CharField(_("terms version"), max_length=20)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    mrz = models.CharField(max_length=89, blank=True)
    document_number = models.CharField(_("passport number"), max_length=9, blank=True)
    # The chip's portrait, kept only until the face picture is matched against it.
    portrait = models.BinaryField(blank=True, default=b"")
    face_score = models.FloatField(null=True, blank=True)
    user_id = models.CharField(_("user-ID"), max_length=48, blank=True)
    identity = models.ForeignKey(
        Identity, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Someone helping with their own active app (seed 004); they never learn the user-ID.
    helper = models.ForeignKey(
        AppDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusals = models.PositiveSmallIntegerField(default=0)
    last_refusal = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("passport enrollment")
        verbose_name_plural = _("passport enrollments")

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class AppCopy(models.Model):
    """An active app shows a QR code; a new phone scans it; the old app confirms with its PIN."""

    class State(models.TextChoices):
        SHOWN = "shown", _("QR code shown")
        SCANNED = "scanned", _("Scanned by the new phone")
        APPROVED = "approved", _("Approved by the old app")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    source = models.ForeignKey(AppDevice, on_delete=models.CASCADE, related_name="+")
    # For someone being helped: the identity the new app gets (not the helper's own).
    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="+")
    new_device = models.ForeignKey(
        AppDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=9, choices=State.choices)
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    scanned_at = models.DateTimeField(null=True, blank=True)
    # The key the new phone scanned with, kept when the copy is dropped with that phone's app:
    # the phone still asks after its copy by it (`copy.copy_for_new_phone`), and learns why it
    # is over.
    new_key_id = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    # For someone helped, a number that is not their MitID's: the new phone's, to be proven by
    # its temporary PIN (`AppDevice.mobile_to_prove`, which the scan hands it to; forgotten
    # here then, or once the code's time is over unscanned).
    mobile_to_prove = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("app copy")
        verbose_name_plural = _("app copies")

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def signing_input(self) -> str:
        """What the old app signs to let the new phone have the MitID: once scanned, that
        phone's key, so that a confirmation is of the phone the old app was shown."""
        key = str(self.new_device.key_id) if self.new_device else ""
        return "\n".join(["MitID copy", str(self.public_id), self.nonce, key])

    @property
    def match_code(self) -> str:
        """Four digits both phones show once the new one has scanned: the citizen confirms on
        the old phone only if their new phone shows the same. Someone who scanned the code
        first (a glance at the screen) holds another key, so another code, which the
        citizen's own new phone does not show."""
        if self.new_device is None:
            return ""
        digest = hmac.new(
            self.nonce.encode(), self.new_device.public_key.encode(), hashlib.sha256
        ).hexdigest()
        return f"{int(digest, 16) % 10_000:04d}"


class DeskEnrollment(AddressCode):
    """MitID made at a Borgerservice desk by staff, step by step (`activation.desk.STEPS`).

    The inherited address code is the mobile number or e-mail the citizen confirms by reading
    out the code sent to it. The MitID (identity, user-ID, device) is made at the last step.
    """

    class State(models.TextChoices):
        USER_ID = "user_id", _("Choose the user-ID")
        CONTACT = "contact", _("Confirm a mobile number or e-mail")
        METHOD = "method", _("Hand out a code device or give an app activation code")
        PASSWORD = "password", _("The citizen types a password at the desk")
        DONE = "done", _("MitID created")

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cpr = models.CharField(_("CPR number"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    document = models.CharField(_("ID document seen"), max_length=20, choices=IdDocument.choices)
    document_last4 = models.CharField(_("its number ends in"), max_length=4)
    level = models.CharField(_("assurance level"), max_length=12)
    state = models.CharField(_("step"), max_length=8, choices=State.choices)
    user_id = models.CharField(_("user-ID"), max_length=48, blank=True)
    identity = models.ForeignKey(
        Identity, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    serial = models.CharField(_("serial number"), max_length=12, blank=True)
    # App activation codes given for the case: the first, and new ones (a few, `activation.desk`).
    app_codes = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        verbose_name = _("MitID at the desk")
        verbose_name_plural = _("MitID at the desk")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"

    @property
    def document_seen(self) -> str:
        """The ID document staff checked, as the audit log keeps it: its kind and last 4."""
        return f"{self.document} …{self.document_last4}"


class DeskCodeSend(AddressCodeSend):
    """When the desk sent a code: resends are limited as enrollment's are (`activation.desk`)."""

    desk = models.ForeignKey(DeskEnrollment, on_delete=models.CASCADE, related_name="sends")
