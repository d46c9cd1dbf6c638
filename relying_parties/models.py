"""A relying party (on django-oauth-toolkit's application), the citizen's pseudonym, each login
for a party from its code to its tokens, and the evidence of each approved transaction."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from authenticators import app_keys
from authenticators.models import AuthenticatorEvent, Identity

# Scopes a party may be allowed; `openid` always, `cpr` only with `may_receive_cpr`.
PROFILE_SCOPES = ("openid", "profile")


class RelyingParty(models.Model):
    """What MitID adds to the OAuth client (django-oauth-toolkit's application, which holds the
    client ID, the hashed secret, the redirect URIs and the name shown to citizens)."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="relying_party",
        verbose_name=_("client"),
    )
    scopes = models.CharField(
        _("allowed scopes"),
        max_length=200,
        default="openid profile",
        help_text=_("Separated by spaces: openid, profile. The CPR number needs the box below."),
    )
    may_receive_cpr = models.BooleanField(_("may receive the CPR number"), default=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("relying party")
        verbose_name_plural = _("relying parties")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name citizens see on the login pages, in the app and in their history."""
        return str(self.application.name)

    def allowed_scopes(self) -> set[str]:
        allowed = {"openid"} | (set(self.scopes.split()) & set(PROFILE_SCOPES))
        return allowed | {"cpr"} if self.may_receive_cpr else allowed


class Subject(models.Model):
    """The `sub` every party gets for a person: random, stable, neither CPR number nor user-ID
    (a user-ID can change, and both identify the person outside MitID)."""

    identity = models.OneToOneField(Identity, on_delete=models.CASCADE, related_name="oidc_subject")
    sub = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return str(self.sub)


class PartyLogin(models.Model):
    """A MitID login a party asked for: the code it was given (as a hash) and what the party
    asked with it, what the ID token says about the login, and the tokens the code was swapped
    for (revoked if it comes back).

    It is the code's only record: django-oauth-toolkit's Grant, which would keep the code in
    plain text beside this row and be deleted when swapped, is not used (validators.py)."""

    party = models.ForeignKey(RelyingParty, on_delete=models.CASCADE, related_name="logins")
    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="party_logins")
    code_hash = models.CharField(max_length=64, unique=True)
    # What the authorization request asked, which the token request must match or carries on.
    code_expires = models.DateTimeField(default=timezone.now)
    redirect_uri = models.TextField(blank=True)
    scope = models.TextField(blank=True)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    nonce = models.CharField(max_length=255, blank=True)
    claims = models.JSONField(null=True, blank=True)  # OpenID Connect's `claims` request
    method = models.CharField(max_length=20)
    # django-otp's persistent id of the device logged in with: blocking it (a stolen phone)
    # ends what the tokens of this login can read (`MitIDValidator.validate_bearer_token`).
    device = models.CharField(max_length=64, blank=True)
    level = models.CharField(max_length=12)
    authenticated_at = models.DateTimeField()
    transaction_id = models.UUIDField(null=True, blank=True)
    authorization_details = models.JSONField(null=True, blank=True)
    # The language the citizen finished the login in: the ID token's `locale`, so that the
    # party can go on in it (the citizen may have changed the one it asked for).
    language = models.CharField(max_length=5, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    access_token = models.ForeignKey(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    id_token = models.ForeignKey(
        oauth2_settings.ID_TOKEN_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Blocking a device ends the codes of its logins not yet swapped
            # (`services.end_codes_of_device`): those alone, found by device and expiry.
            models.Index(
                fields=["device", "code_expires"],
                condition=Q(redeemed_at=None),
                name="party_login_open_code_device",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.created_at:%Y-%m-%d %H:%M:%S}"

    def code_expired(self) -> bool:
        return timezone.now() >= self.code_expires


class Approval(models.Model):
    """Evidence that a device approved exactly this text for this party: the text, what the
    app signed (which includes the text), its signature and the public key that checks it.

    A code device or chip approves by its code or assertion, which does not sign the text:
    then only the text, the way in and the device are kept."""

    transaction_id = models.UUIDField(_("transaction"), unique=True, editable=False)
    party = models.ForeignKey(
        RelyingParty, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("party")
    )
    identity = models.ForeignKey(
        Identity, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("identity")
    )
    # The use in the citizen's history that this approval was.
    event = models.ForeignKey(
        AuthenticatorEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("text approved"), max_length=250)
    method = models.CharField(_("way in"), max_length=20)
    device = models.CharField(_("device"), max_length=64, help_text="django-otp persistent id")
    public_key = models.TextField(_("public key"), blank=True)
    signed_text = models.TextField(_("signed text"), blank=True)
    signature = models.TextField(_("signature"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("approved transaction")
        verbose_name_plural = _("approved transactions")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.transaction_id}"

    def signature_is_valid(self) -> bool:
        """Whether the kept signature checks against the kept key and signed text, today."""
        return bool(self.signature) and app_keys.verify_signature(
            self.public_key, self.signed_text.encode(), self.signature
        )
