"""The NemID simulator's own records: accounts, their key cards, and challenges issued."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from . import keycard


def new_keycard_secret() -> str:
    return secrets.token_hex(32)


def new_keycard_number() -> str:
    return f"{secrets.randbelow(10**9):09d}"


class NemIDAccount(models.Model):
    user_id = models.CharField(_("NemID user-ID"), max_length=64)
    password = models.CharField(_("password"), max_length=128)
    cpr = models.CharField(_("CPR number"), max_length=10, unique=True)
    keycard_number = models.CharField(
        _("key card number"), max_length=9, default=new_keycard_number
    )
    keycard_secret = models.CharField(max_length=64, default=new_keycard_secret, editable=False)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("NemID account")
        verbose_name_plural = _("NemID accounts")
        constraints = [
            models.UniqueConstraint(Lower("user_id"), name="nemid_account_user_id_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.user_id

    def set_password(self, raw_password: str) -> None:
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        """The same hasher as staff passwords (the first of PASSWORD_HASHERS); a hash made
        with older parameters is replaced by one with the current ones on a right password."""

        def upgrade(raw: str) -> None:
            self.set_password(raw)
            if self.pk is not None:
                self.save(update_fields=["password"])

        return check_password(raw_password, self.password, setter=upgrade)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def register_failure(self, now: datetime) -> None:
        """Count a failed password or code; lock the account when the limit is reached."""
        self.failed_attempts += 1
        if self.failed_attempts >= settings.NEMID_MAX_FAILURES:
            self.locked_until = now + timedelta(minutes=settings.NEMID_LOCKOUT_MINUTES)
            self.failed_attempts = 0

    def register_success(self) -> None:
        self.failed_attempts = 0
        self.locked_until = None

    def unused_keys(self) -> list[str]:
        used = set(self.used_keys.values_list("key", flat=True))
        return [key for key in keycard.card_keys(self.keycard_secret) if key not in used]

    def code_for(self, key: str) -> str:
        return keycard.code_for(self.keycard_secret, key)


class UsedKey(models.Model):
    """A key card code that has been used; the database keeps each from being used twice."""

    account = models.ForeignKey(NemIDAccount, on_delete=models.CASCADE, related_name="used_keys")
    key = models.CharField(max_length=4)
    used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="nemid_key_used_once"),
        ]

    def __str__(self) -> str:
        return f"{self.account} key {self.key}"


class Challenge(models.Model):
    """A key card challenge issued after a correct password, answered at most once."""

    token = models.CharField(max_length=64, unique=True)
    account = models.ForeignKey(NemIDAccount, on_delete=models.CASCADE, related_name="challenges")
    key = models.CharField(max_length=4)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.account} key {self.key}"
