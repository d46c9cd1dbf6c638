"""A person's MitID: the identity (user-ID, status, level); authenticators join it later."""

import hashlib
import hmac
import secrets
import uuid
from binascii import unhexlify
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, DeviceManager, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from . import app_keys, webauthn


class IdDocument(models.TextChoices):
    """The ID documents staff accept in person: for level High, and at the desk."""

    PASSPORT = "passport", _("Passport")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    ID_CARD = "id_card", _("Identity card")
    RESIDENCE_CARD = "residence_card", _("Residence card")


class AssuranceLevel(models.TextChoices):
    LOW = "low", _("Low")
    SUBSTANTIAL = "substantial", _("Substantial")
    HIGH = "high", _("High")


class Identity(models.Model):  # type: ignore[django-manager-missing]  # django-otp is untyped
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
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # For people who cannot scan: the app shows a 4-digit code to type in the browser instead.
    typed_codes = models.BooleanField(_("types a code instead of scanning"), default=False)
    # A switch asked for in self-service takes effect only at `typed_codes_change_at` (a thief
    # with a session cannot change how the next login works at once); until then `typed_codes`
    # holds. Read the setting in force with `uses_typed_codes()` or `typed_codes_q()`.
    typed_codes_requested = models.BooleanField(null=True, blank=True, editable=False)
    typed_codes_change_at = models.DateTimeField(null=True, blank=True, editable=False)
    notify_on_use = models.BooleanField(_("told of every use"), default=False)
    # The in-person ID check behind level High: the document seen, never its whole number.
    level_document = models.CharField(
        _("ID document seen"), max_length=20, choices=IdDocument.choices, blank=True
    )
    level_document_last4 = models.CharField(_("its number ends in"), max_length=4, blank=True)
    level_checked_at = models.DateTimeField(_("ID checked"), null=True, blank=True)
    # Confirmed contact details, where MitID tells the citizen about their MitID. Empty
    # `contact_set_at`: never set here, read from the latest enrollment (one still under way).
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_set_at = models.DateTimeField(_("contact details confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # django-otp devices belong to a Django user (named `account` here, as `user_id` is the
    # MitID user-ID); the identity gets one when it first needs one.
    account = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="identity"
    )

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

    def uses_typed_codes(self, now: datetime | None = None) -> bool:
        """Whether the app shows a code to type instead of the QR code, at `now`."""
        change_at = self.typed_codes_change_at
        if change_at is not None and change_at <= (now or timezone.now()):
            return bool(self.typed_codes_requested)
        return self.typed_codes

    def typed_codes_switch_at(self, now: datetime | None = None) -> datetime | None:
        """When a switch the citizen asked for takes effect, while it still waits."""
        change_at = self.typed_codes_change_at
        return change_at if change_at is not None and change_at > (now or timezone.now()) else None

    def wants_typed_codes(self, now: datetime | None = None) -> bool:
        """What the citizen last chose: a switch still waiting, or the setting in force."""
        if self.typed_codes_switch_at(now) is not None:
            return bool(self.typed_codes_requested)
        return self.uses_typed_codes(now)

    def ensure_user(self) -> User:
        """The Django user the identity's devices belong to, made on first need."""
        if self.account is None:
            self.account = User.objects.create_user(username=f"mitid-{self.pk}", password=None)
            self.save(update_fields=["account"])
        return self.account


def typed_codes_q(prefix: str = "", now: datetime | None = None) -> Q:
    """`Identity.uses_typed_codes` as a query, for the identity at `prefix` ("identity__")."""
    now = now or timezone.now()
    due = Q(**{f"{prefix}typed_codes_change_at__lte": now})
    return (due & Q(**{f"{prefix}typed_codes_requested": True})) | (
        ~due & Q(**{f"{prefix}typed_codes": True})
    )


class AuthenticatorStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")
    REVOKED = "revoked", _("Revoked")


class AuthenticatorKind(models.TextChoices):
    APP = "app", _("MitID app")
    CODE_DISPLAY = "kodeviser", _("MitID code display")
    CODE_READER = "kodeoplaeser", _("MitID code reader")
    CHIP = "chip", _("MitID chip")


class Authenticator(models.Model):
    """What every kind of authenticator has: an owner, a status and an assurance level."""

    identity = models.ForeignKey(
        Identity, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("identity")
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=AuthenticatorStatus.choices,
        default=AuthenticatorStatus.PENDING,
    )
    level = models.CharField(
        _("assurance level"),
        max_length=12,
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.SUBSTANTIAL,
    )
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)

    class Meta:
        abstract = True

    # From django-otp's ThrottlingMixin, which every concrete kind also inherits.
    throttling_failure_count: int
    throttling_failure_timestamp: datetime | None
    # What a failure changes (django-otp's throttling), and a use: saved alone.
    THROTTLE_FIELDS = ("throttling_failure_timestamp", "throttling_failure_count")
    USED_FIELDS = (*THROTTLE_FIELDS, "last_used_at")
    # What `services.verify` reads with the locked row: the identity, for its notices.
    VERIFY_RELATED: tuple[str, ...] = ("identity",)

    @property
    def kind_label(self) -> str:
        return str(self._meta.verbose_name)

    @property
    def own_name(self) -> str:
        """What tells it from others of its kind: the name the citizen or the phone gave it."""
        name: str = getattr(self, "name", "")
        return "" if not name or name.casefold() == self.kind_label.casefold() else name

    @property
    def label(self) -> str:
        """How the citizen knows it: the kind, and (apart from it) the name it was given."""
        return f"{self.kind_label} ({self.own_name})" if self.own_name else self.kind_label

    @property
    def is_usable(self) -> bool:
        """Only an active authenticator may ever complete a login or an approval."""
        return self.status == AuthenticatorStatus.ACTIVE

    @property
    def can_be_blocked(self) -> bool:
        """Not blocked or revoked already (what `lifecycle.block_device` refuses)."""
        return self.status not in (AuthenticatorStatus.BLOCKED, AuthenticatorStatus.REVOKED)

    def get_throttle_factor(self) -> int:
        return settings.AUTHENTICATOR_THROTTLE_FACTOR

    def verify_is_allowed(self) -> tuple[bool, dict[str, Any] | None]:
        """Blocked or revoked devices never verify; three failures in a row lock a device.

        A pending device verifies: that is how its first code is checked at activation.
        """
        if self.status in (AuthenticatorStatus.BLOCKED, AuthenticatorStatus.REVOKED):
            return False, {"reason": "not_active", "status": self.status}
        if self.throttling_failure_count >= settings.AUTHENTICATOR_MAX_FAILURES and (
            self.throttling_failure_timestamp is not None
        ):
            until = self.throttling_failure_timestamp + timedelta(
                minutes=settings.AUTHENTICATOR_LOCK_MINUTES
            )
            if until > timezone.now():
                return False, {"reason": "locked", "locked_until": until}
        allowed, info = super().verify_is_allowed()  # type: ignore[misc]
        return bool(allowed), info

    def throttle_increment(self, commit: bool = True) -> None:
        """django-otp's count of a failure, saving only the count (its own saves every
        column)."""
        super().throttle_increment(commit=False)  # type: ignore[misc]
        if commit:
            self.save(update_fields=self.THROTTLE_FIELDS)

    def throttle_reset(self, commit: bool = True) -> None:
        """django-otp's reset of the count (staff's unblock), saving only the count."""
        super().throttle_reset(commit=False)  # type: ignore[misc]
        if commit:
            self.save(update_fields=self.THROTTLE_FIELDS)


class HardwareToken(models.Model):
    """A code display or code reader as it leaves the factory: a serial and a TOTP key."""

    serial = models.CharField(_("serial number"), max_length=12, unique=True)
    kind = models.CharField(
        _("device"),
        max_length=12,
        choices=[
            (k.value, k.label)
            for k in (AuthenticatorKind.CODE_DISPLAY, AuthenticatorKind.CODE_READER)
        ],
    )
    key = models.CharField(max_length=80, default=default_key, editable=False)
    assigned_to = models.ForeignKey(
        Identity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hardware_tokens",
        verbose_name=_("assigned to"),
    )

    class Meta:
        verbose_name = _("code device in stock")
        verbose_name_plural = _("code devices in stock")
        ordering = ["serial"]

    def __str__(self) -> str:
        return self.serial

    def current_code(self) -> str:
        """What the display shows when its button is pressed now."""
        return f"{TOTP(unhexlify(self.key.encode()), step=30, digits=6).token():06d}"


class CodeDevice(Authenticator, TOTPDevice):
    """A registered code display or code reader, verified as TOTP by django-otp."""

    token = models.OneToOneField(
        HardwareToken, on_delete=models.PROTECT, related_name="device", verbose_name=_("device")
    )

    # django-otp's DeviceManager, typed for mypy (django-otp ships no type hints).
    objects: "ClassVar[models.Manager[CodeDevice]]" = DeviceManager()

    class Meta:
        verbose_name = _("code device")
        verbose_name_plural = _("code devices")
        constraints = [
            # A person holds at most one code display or code reader.
            models.UniqueConstraint(
                fields=["identity"],
                condition=~Q(status="revoked"),
                name="one_code_device_per_identity",
            )
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        """While `verify_token` runs, django-otp's plain `save()` writes only a use's columns."""
        if self._saving_only is not None and not args and "update_fields" not in kwargs:
            kwargs["update_fields"] = self._saving_only
        super().save(*args, **kwargs)

    @property
    def kind_label(self) -> str:
        return str(self.token.get_kind_display())

    @property
    def own_name(self) -> str:
        return gettext("Serial number %(serial)s") % {"serial": self.token.serial}

    @property
    def label(self) -> str:
        return f"{self.token.get_kind_display()} {self.token.serial}"

    KNOWLEDGE = "password"
    VERIFY_RELATED = ("identity__account",)  # the password is the account's
    # While django-otp's TOTP check runs: the columns its one `save()` may write.
    _saving_only: tuple[str, ...] | None = None

    def verify_token(self, token: str) -> bool:
        """django-otp's TOTP check (each time step once, the drift followed), its save of a
        use writing only what a use changes (it would write every column of both tables; a
        failure's count is saved alone already, `throttle_increment`)."""
        self._saving_only = (*self.USED_FIELDS, "last_t", "drift")
        try:
            return bool(super().verify_token(token))
        finally:
            self._saving_only = None

    def check_knowledge(self, password: str) -> bool:
        """A code device is used with the MitID password made when it was activated."""
        account = self.identity.account
        return account is not None and account.check_password(password)


class AppDevice(Authenticator, TimestampMixin, ThrottlingMixin, Device):
    """A MitID app installation holding one user-ID: it proves itself by signing challenges.

    The phone keeps the private key; the portal keeps the public key. An approval is a
    signature over the challenge the portal issued, which is used up by the first answer.
    """

    installation_id = models.UUIDField(_("installation"))
    # Names the key in the app's signed requests; the app learns it when it registers the key.
    key_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    public_key = models.TextField(_("public key"), help_text="base64 DER, P-256")
    pin_hash = models.CharField(max_length=128, blank=True)
    temporary_pin_hash = models.CharField(max_length=128, blank=True)
    temporary_pin_expires_at = models.DateTimeField(null=True, blank=True)
    # A number given on the passport road that is not the MitID's (a new MitID, or one with
    # another number or none): the temporary PIN goes there, and it becomes the MitID's only
    # when the PIN is typed (`activation.services.confirm_app_activation`); until then the
    # MitID's own number, if any, keeps its notices.
    mobile_to_prove = models.CharField(max_length=20, blank=True)
    notifications_accepted = models.BooleanField(_("notifications accepted"), default=False)
    biometrics = models.BooleanField(_("biometrics"), default=False)
    challenge = models.TextField(blank=True)
    challenge_expires_at = models.DateTimeField(null=True, blank=True)

    objects: "ClassVar[models.Manager[AppDevice]]" = DeviceManager()

    class Meta:
        verbose_name = _("MitID app")
        verbose_name_plural = _("MitID apps")
        constraints = [
            # One installation may hold several user-IDs, each once.
            models.UniqueConstraint(
                fields=["installation_id", "identity"],
                condition=~Q(status="revoked"),
                name="one_app_per_installation_and_id",
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.installation_id)

    def generate_challenge(self) -> str:
        """A fresh challenge for the app to sign; an earlier unanswered one stops working."""
        return self.expect_signature_over(
            secrets.token_urlsafe(32),
            until=timezone.now() + timedelta(seconds=settings.APP_CHALLENGE_SECONDS),
        )

    def expect_signature_over(self, message: str, *, until: datetime) -> str:
        """The next token must be the app's signature over `message` (a transaction)."""
        self.challenge = message
        self.challenge_expires_at = until
        self.save(update_fields=["challenge", "challenge_expires_at"])
        return message

    def issue_temporary_pin(self) -> str:
        """A new temporary PIN, kept hashed and valid for a while; the caller sends it."""
        pin = f"{secrets.randbelow(1_000_000):06d}"
        self.temporary_pin_hash = make_password(pin)
        self.temporary_pin_expires_at = timezone.now() + timedelta(
            minutes=settings.APP_TEMPORARY_PIN_MINUTES
        )
        self.save(update_fields=["temporary_pin_hash", "temporary_pin_expires_at"])
        return pin

    def check_temporary_pin(self, pin: str) -> bool:
        fresh = (
            self.temporary_pin_expires_at is not None
            and self.temporary_pin_expires_at > timezone.now()
        )
        return fresh and check_password(pin, self.temporary_pin_hash)

    KNOWLEDGE = "pin"

    def set_pin(self, pin: str) -> None:
        """Keep the PIN as a keyed hash: without the key (a setting, never in the database) a
        stolen hash cannot be tried against the million possible PINs, and checking one costs
        microseconds, not the 100 ms of a password hash, at every approval."""
        self.pin_hash = "hmac$" + self._pin_digest(pin)

    def _pin_digest(self, pin: str) -> str:
        return salted_hmac(
            "mitid.app-pin",
            f"{self.key_id}:{pin}",
            secret=settings.PIN_HASH_KEY,
            algorithm="sha256",
        ).hexdigest()

    def check_knowledge(self, pin: str) -> bool:
        """Each user-ID on a phone has its own PIN."""
        if self.pin_hash.startswith("hmac$"):
            return constant_time_compare(self.pin_hash[5:], self._pin_digest(pin))
        return bool(self.pin_hash) and check_password(pin, self.pin_hash)

    def verify_token(self, token: str) -> bool:
        """`token` is the app's signature over the current challenge, which it uses up."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        fresh = bool(self.challenge) and (
            self.challenge_expires_at is not None and self.challenge_expires_at > timezone.now()
        )
        if fresh and app_keys.verify_signature(self.public_key, self.challenge.encode(), token):
            self.challenge = ""
            self.challenge_expires_at = None
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save(update_fields=[*self.USED_FIELDS, "challenge", "challenge_expires_at"])
            return True
        self.throttle_increment(commit=True)
        return False


class ChipDevice(Authenticator, TimestampMixin, ThrottlingMixin, Device):
    """A MitID chip: a FIDO2 security key registered with WebAuthn.

    It is registered in one step and confirmed, with the key, in a second step no sooner than
    `confirm_after`; the wait gives the citizen time to hear of a chip they did not add.
    """

    credential_id = models.TextField(unique=True, help_text="websafe base64")
    credential_data = models.TextField(help_text="websafe base64 of the attested credential")
    sign_count = models.PositiveBigIntegerField(default=0)
    confirm_after = models.DateTimeField(_("can be confirmed from"))
    challenge = models.CharField(max_length=128, blank=True)
    challenge_expires_at = models.DateTimeField(null=True, blank=True)

    objects: "ClassVar[models.Manager[ChipDevice]]" = DeviceManager()

    class Meta:
        verbose_name = _("MitID chip")
        verbose_name_plural = _("MitID chips")

    def __str__(self) -> str:
        return self.name or str(_("MitID chip"))

    # The chip checks its own PIN (user verification); the portal never sees a secret to check.
    KNOWLEDGE = ""

    def check_knowledge(self, value: str) -> bool:
        return False

    def generate_challenge(self) -> dict[str, Any]:
        """Options for `navigator.credentials.get`; their challenge is this device's next."""
        options, state = webauthn.assertion_options([self.credential])
        self.expect_assertion(
            state["challenge"],
            until=timezone.now() + timedelta(seconds=settings.APP_CHALLENGE_SECONDS),
        )
        return options

    def expect_assertion(self, challenge: str, *, until: datetime) -> None:
        """The next token must answer `challenge` (issued to a browser, kept in its session)."""
        self.challenge = challenge
        self.challenge_expires_at = until
        self.save(update_fields=["challenge", "challenge_expires_at"])

    @property
    def credential(self) -> webauthn.Credential:
        return webauthn.credential_from_text(self.credential_data)

    def signed(self, challenge: str, token: str) -> bool:
        """Whether `token` is this chip's answer to `challenge`, signed with its PIN and with a
        counter past its last use: the chip is at hand. Nothing is used up or written, as no
        login follows (a whole MitID blocked)."""
        return self._moves_on(webauthn.verify_assertion(challenge, self.credential, token))

    def _moves_on(self, counter: int | None) -> bool:
        """Whether an answer's signature counter goes past the chip's last use (or both are 0,
        a key that keeps none): one that does not is a replayed answer or a cloned key."""
        return counter is not None and (
            counter > self.sign_count or counter == self.sign_count == 0
        )

    def verify_token(self, token: str) -> bool:
        """`token` is the browser's assertion (JSON) over the current challenge, used up here."""
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        fresh = bool(self.challenge) and (
            self.challenge_expires_at is not None and self.challenge_expires_at > timezone.now()
        )
        counter = (
            webauthn.verify_assertion(self.challenge, self.credential, token) if fresh else None
        )
        if counter is not None and self._moves_on(counter):
            self.sign_count = counter
            self.challenge = ""
            self.challenge_expires_at = None
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save(
                update_fields=[*self.USED_FIELDS, "sign_count", "challenge", "challenge_expires_at"]
            )
            return True
        self.throttle_increment(commit=True)
        return False


class AuthenticatorEvent(models.Model):
    """The history of an identity's authenticators: changes of status, and every use."""

    class Kind(models.TextChoices):
        ACTIVATED = "activated", _("Activated")
        VERIFIED = "verified", _("Used")
        REFUSED = "refused", _("Refused")
        # The citizen said no in the app: a login or transaction someone else may have started.
        REJECTED = "rejected", _("Rejected in the app")
        BLOCKED = "blocked", _("Blocked")
        UNBLOCKED = "unblocked", _("Unblocked")
        REVOKED = "revoked", _("Revoked")
        # Events of the whole MitID: `device` is empty.
        IDENTITY_BLOCKED = "identity_blocked", _("MitID blocked")
        IDENTITY_UNBLOCKED = "identity_unblocked", _("MitID block lifted")
        LEVEL_RAISED = "level_raised", _("Assurance level raised")
        # Changes the citizen made in self-service.
        USER_ID_CHANGED = "user_id_changed", _("User-ID changed")
        CONTACT_CHANGED = "contact_changed", _("Contact details changed")
        SETTING_CHANGED = "setting_changed", _("Setting changed")

    # The kinds that are uses of an authenticator: the history of use.
    USES = (Kind.VERIFIED, Kind.REFUSED, Kind.REJECTED)
    # The detail of a use refused because the device is blocked, revoked or not yet active;
    # and because the whole MitID is blocked (the device may be active). Here, where both the
    # services that record them and the notices that tell them read them.
    BLOCKED_USE = "not_active"
    MITID_BLOCKED_USE = "mitid_blocked"

    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="events")
    device = models.CharField(max_length=64, blank=True, help_text="django-otp persistent id")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    # For a use: the service the citizen logged in to or approved for (e.g. "MitID.dk").
    service = models.CharField(_("service"), max_length=100, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("authenticator event")
        verbose_name_plural = _("authenticator events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        # As the audit log's entries read: when, and what (the device is a django-otp id).
        at = date_format(timezone.localtime(self.at), "DATETIME_FORMAT")
        return f"{at} {self.get_kind_display()}"


class AppLogin(models.Model):
    """A login waiting for the MitID app: shown as a live QR code, or opened on the same phone.

    The token is public (it is in every QR frame); the secret keys the frames' auth codes and
    never leaves the server. The nonce makes each approval's signed text unique.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the app")
        SCANNED = "scanned", _("Waiting for approval in the app")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        # A blocked or revoked app of the person scanned or tried to approve: the browser says so.
        BLOCKED = "blocked", _("Refused: the app is blocked")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Logged in")
        # Not stored: a waiting or scanned login past `expires_at`.
        EXPIRED = "expired", _("Expired")

    OPEN = (Status.WAITING, Status.SCANNED)

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    secret = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    nonce = models.CharField(max_length=64, default=secrets.token_urlsafe, editable=False)
    identity = models.ForeignKey(
        Identity, on_delete=models.CASCADE, null=True, related_name="app_logins"
    )
    # What the citizen typed: an unknown user-ID gets a login too, which can never be approved.
    typed_user_id = models.CharField(max_length=48)
    # The same as compared (`normalise_user_id`): a new login for an unknown user-ID replaces
    # the one before it, as a person's new login replaces theirs, so that which of the two a
    # login was cannot be told from whether a later one cancelled it.
    typed_key = models.CharField(max_length=48, blank=True, editable=False)
    service = models.CharField(_("service"), max_length=100)
    # A relying party's "<party>: <text>" (a name of up to 100 and a text of up to 250).
    text = models.CharField(_("text"), max_length=400)
    same_device = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.WAITING
    )
    device = models.ForeignKey(
        AppDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="logins"
    )
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    typed_code_failures = models.PositiveSmallIntegerField(default=0)
    # The app's signature over `signing_input` that approved it: evidence of what was approved.
    signature = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("app login")
        verbose_name_plural = _("app logins")
        constraints = [
            # One identity has at most one open app login: a new one cancels the old.
            models.UniqueConstraint(
                fields=["identity"],
                condition=Q(status__in=["waiting", "scanned"]),
                name="one_open_app_login_per_identity",
            ),
            # The same for a user-ID that is nobody's, by what was typed: two starts at the
            # same instant cannot both stay open (`login.app_logins.start`).
            models.UniqueConstraint(
                fields=["typed_key"],
                condition=Q(identity__isnull=True, status__in=["waiting", "scanned"])
                & ~Q(typed_key=""),
                name="one_open_unknown_app_login_per_typed_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.typed_user_id} {self.started_at:%Y-%m-%d %H:%M:%S}"

    def current_status(self, now: datetime | None = None) -> str:
        if self.status in self.OPEN and (now or timezone.now()) >= self.expires_at:
            return self.Status.EXPIRED
        return self.status

    def seconds_since_start(self, now: datetime | None = None) -> int:
        return int(((now or timezone.now()) - self.started_at).total_seconds())

    def seconds_left(self, now: datetime | None = None) -> int:
        """Seconds until the login expires; 0 once it has."""
        return max(0, int((self.expires_at - (now or timezone.now())).total_seconds()))

    @property
    def too_many_typed_codes(self) -> bool:
        return self.typed_code_failures >= settings.AUTHENTICATOR_MAX_FAILURES

    @property
    def autostart(self) -> str:
        """What the browser hands the app on the same phone (a link opening the app), in place
        of a scan: it proves the app was opened from the screen that started the login."""
        return hmac.new(self.secret.encode(), b"autostart", hashlib.sha256).hexdigest()[:32]

    @property
    def typed_code(self) -> str:
        """The 4 digits the app shows, for someone who cannot scan, to type in the browser."""
        digest = hmac.new(self.secret.encode(), b"typed-code", hashlib.sha256).hexdigest()
        return f"{int(digest, 16) % 10_000:04d}"

    @property
    def signing_input(self) -> str:
        """What the app signs to approve: this login, its nonce, and the text it shows."""
        return "\n".join(["MitID approval", str(self.token), self.nonce, self.service, self.text])
