from datetime import timedelta

import pytest
from django.utils import timezone

from nemid.models import Challenge, NemIDAccount
from nemid.provider import KeyChallenge, NemIDRefused, get_provider
from tests.factories import NemIDAccountFactory

pytestmark = pytest.mark.django_db


def refusal_code(call: object, **kwargs: str) -> str:
    with pytest.raises(NemIDRefused) as refused:
        call(**kwargs)  # type: ignore[operator]
    return refused.value.code


def challenge_for(account: NemIDAccount) -> KeyChallenge:
    return get_provider().check_password(user_id=account.user_id, password="correct-password")


def test_correct_password_and_code_prove_the_cpr() -> None:
    account = NemIDAccountFactory(user_id="Jonas1983")
    challenge = get_provider().check_password(user_id="jonas1983", password="correct-password")
    assert challenge.key in account.unused_keys()
    assert challenge.card_number == account.keycard_number

    proof = get_provider().check_key_code(
        token=challenge.token, code=account.code_for(challenge.key)
    )

    assert (proof.cpr, proof.nemid_user_id) == (account.cpr, "Jonas1983")


def test_unknown_user_and_wrong_password_are_refused_alike() -> None:
    NemIDAccountFactory(user_id="karen.h")
    provider = get_provider()
    assert (
        refusal_code(provider.check_password, user_id="nobody", password="x")
        == (refusal_code(provider.check_password, user_id="karen.h", password="wrong"))
        == "invalid_credentials"
    )


def test_five_failures_lock_the_account_even_for_the_right_password(settings) -> None:
    settings.NEMID_MAX_FAILURES = 5
    account = NemIDAccountFactory()
    provider = get_provider()
    codes = [
        refusal_code(provider.check_password, user_id=account.user_id, password="wrong")
        for _ in range(5)
    ]
    assert codes == ["invalid_credentials"] * 4 + ["locked"]
    with pytest.raises(NemIDRefused) as refused:
        challenge_for(account)
    assert refused.value.code == "locked"
    assert refused.value.locked_until is not None


def test_the_lock_lifts_after_the_lockout_period(settings) -> None:
    account = NemIDAccountFactory(locked_until=timezone.now() - timedelta(seconds=1))
    assert challenge_for(account).key


def test_wrong_key_codes_count_towards_the_lock(settings) -> None:
    settings.NEMID_MAX_FAILURES = 3
    account = NemIDAccountFactory()
    challenge = challenge_for(account)
    provider = get_provider()
    codes = [
        refusal_code(provider.check_key_code, token=challenge.token, code="000000")
        for _ in range(3)
    ]
    assert codes == ["wrong_key_code", "wrong_key_code", "locked"]
    right = account.code_for(challenge.key)
    assert refusal_code(provider.check_key_code, token=challenge.token, code=right) == "locked"


def test_a_key_code_works_once() -> None:
    account = NemIDAccountFactory()
    challenge = challenge_for(account)
    code = account.code_for(challenge.key)
    get_provider().check_key_code(token=challenge.token, code=code)

    again = refusal_code(get_provider().check_key_code, token=challenge.token, code=code)

    assert again == "key_code_used"
    assert challenge.key not in NemIDAccount.objects.get(pk=account.pk).unused_keys()


def test_a_used_key_is_never_asked_for_again() -> None:
    account = NemIDAccountFactory()
    asked = set()
    for _ in range(20):
        challenge = challenge_for(account)
        assert challenge.key not in asked
        asked.add(challenge.key)
        get_provider().check_key_code(token=challenge.token, code=account.code_for(challenge.key))


def test_an_expired_challenge_is_refused() -> None:
    account = NemIDAccountFactory()
    challenge = challenge_for(account)
    Challenge.objects.filter(token=challenge.token).update(expires_at=timezone.now())
    code = account.code_for(challenge.key)
    assert refusal_code(get_provider().check_key_code, token=challenge.token, code=code) == (
        "challenge_expired"
    )


def test_an_unknown_challenge_token_is_refused() -> None:
    assert refusal_code(get_provider().check_key_code, token="forged", code="123456") == (
        "key_code_used"
    )


def test_success_resets_the_failure_count() -> None:
    account = NemIDAccountFactory()
    for _ in range(3):
        refusal_code(get_provider().check_password, user_id=account.user_id, password="wrong")
    challenge = challenge_for(account)
    get_provider().check_key_code(token=challenge.token, code=account.code_for(challenge.key))
    assert NemIDAccount.objects.get(pk=account.pk).failed_attempts == 0


def test_a_used_up_card_is_replaced_by_a_new_one() -> None:
    account = NemIDAccountFactory()
    old_secret = account.keycard_secret
    now = timezone.now()
    account.used_keys.bulk_create(
        account.used_keys.model(account=account, key=key, used_at=now)
        for key in account.unused_keys()
    )
    challenge = challenge_for(account)
    account.refresh_from_db()
    assert account.keycard_secret != old_secret
    assert challenge.key in account.unused_keys()


def test_the_beat_deletes_key_card_challenges_long_run_out() -> None:
    from nemid import tasks

    account = NemIDAccountFactory(user_id="Jonas1983")
    old, recent = challenge_for(account), challenge_for(account)
    Challenge.objects.filter(token=old.token).update(expires_at=timezone.now() - timedelta(days=8))
    assert tasks.clean_up() == 1
    assert list(Challenge.objects.values_list("token", flat=True)) == [recent.token]
