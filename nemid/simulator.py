"""A NemID simulator: accounts, key cards and lockout kept in the portal's database."""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from pages import attempts

from .models import Challenge, NemIDAccount, UsedKey
from .provider import KeyChallenge, NemIDProof, NemIDRefused

logger = logging.getLogger(__name__)


class SimulatedNemID:
    def check_password(self, *, user_id: str, password: str) -> KeyChallenge:
        now = timezone.now()
        with transaction.atomic():
            account = (
                NemIDAccount.objects.select_for_update()
                .filter(user_id__iexact=user_id.strip())
                .first()
            )
            if account is None:
                refusal = self._unknown(user_id, password, now)
            elif account.is_locked(now):
                refusal = NemIDRefused("locked", locked_until=account.locked_until)
            elif not account.check_password(password):
                refusal = self._fail(account, now, NemIDRefused("invalid_credentials"))
            else:
                return self._issue_challenge(account, now)
        raise refusal

    def check_key_code(self, *, token: str, code: str) -> NemIDProof:
        now = timezone.now()
        with transaction.atomic():
            challenge = (
                Challenge.objects.select_for_update()
                .select_related("account")
                .filter(token=token)
                .first()
            )
            if challenge is None or challenge.answered_at is not None:
                refusal = NemIDRefused("key_code_used")
            elif challenge.expires_at <= now:
                refusal = NemIDRefused("challenge_expired")
            else:
                account = NemIDAccount.objects.select_for_update().get(pk=challenge.account_id)
                if account.is_locked(now):
                    refusal = NemIDRefused("locked", locked_until=account.locked_until)
                elif not constant_time_compare(code.strip(), account.code_for(challenge.key)):
                    refusal = self._fail(account, now, NemIDRefused("wrong_key_code"))
                else:
                    UsedKey.objects.create(account=account, key=challenge.key, used_at=now)
                    challenge.answered_at = now
                    challenge.save(update_fields=["answered_at"])
                    account.register_success()
                    account.save(update_fields=["failed_attempts", "locked_until"])
                    return NemIDProof(cpr=account.cpr, nemid_user_id=account.user_id)
        raise refusal

    def _issue_challenge(self, account: NemIDAccount, now: datetime) -> KeyChallenge:
        unused = account.unused_keys()
        if not unused:
            # A used-up card is replaced, as NemID sent a new card before the last code.
            account.keycard_secret = secrets.token_hex(32)
            account.save(update_fields=["keycard_secret"])
            account.used_keys.all().delete()
            unused = account.unused_keys()
        challenge = Challenge.objects.create(
            token=secrets.token_urlsafe(32),
            account=account,
            key=secrets.choice(unused),
            expires_at=now + timedelta(minutes=settings.NEMID_CHALLENGE_MINUTES),
        )
        return KeyChallenge(
            token=challenge.token,
            key=challenge.key,
            card_number=account.keycard_number,
            expires_at=challenge.expires_at,
        )

    def _unknown(self, user_id: str, password: str, now: datetime) -> NemIDRefused:
        """A user-ID nobody has answers as one with a wrong password: the same work (a hash,
        unless locked), the same count of failures, and the same lock after as many, so
        neither the answer nor its time tells who has NemID (Poul's user-ID is his CPR
        number)."""
        subject = user_id.strip().lower()
        until = attempts.locked_until("nemid-unknown", subject)
        if until is not None:
            return NemIDRefused("locked", locked_until=until)
        make_password(password)
        attempts.count_failure(
            "nemid-unknown",
            subject,
            limit=settings.NEMID_MAX_FAILURES,
            minutes=settings.NEMID_LOCKOUT_MINUTES,
        )
        until = attempts.locked_until("nemid-unknown", subject)
        if until is not None:
            return NemIDRefused("locked", locked_until=until)
        return NemIDRefused("invalid_credentials")

    def _fail(self, account: NemIDAccount, now: datetime, refusal: NemIDRefused) -> NemIDRefused:
        account.register_failure(now)
        account.save(update_fields=["failed_attempts", "locked_until"])
        if account.is_locked(now):
            logger.warning(
                "NemID account %s locked until %s after repeated failures",
                account.pk,
                account.locked_until.isoformat() if account.locked_until else "?",
            )
            return NemIDRefused("locked", locked_until=account.locked_until)
        return refusal
