"""Passwords are hashed with Argon2id at OWASP's minimum cost; older hashes are upgraded."""

from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.contrib.auth.models import User

from mitid_portal.hashers import PortalArgon2PasswordHasher
from mitid_portal.settings import base
from nemid.models import NemIDAccount
from nemid.provider import get_provider
from tests.factories import NemIDAccountFactory

OURS = "argon2$argon2id$v=19$m=19456,t=2,p=1$"
DJANGOS_DEFAULT = "argon2$argon2id$v=19$m=102400,t=2,p=8$"


@pytest.fixture
def real_hashers(settings: Any) -> None:
    # tests/conftest.py swaps in MD5 for speed; these tests are about the real list.
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def old_hash(password: str) -> str:
    return Argon2PasswordHasher().encode(password, Argon2PasswordHasher().salt())


def test_the_portals_hasher_comes_first() -> None:
    assert base.PASSWORD_HASHERS[0] == "mitid_portal.hashers.PortalArgon2PasswordHasher"
    hasher = PortalArgon2PasswordHasher()
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19 * 1024, 2, 1)


def test_new_passwords_get_the_deliberate_cost(real_hashers: None) -> None:
    assert make_password("Staff-pass-2026").startswith(OURS)


@pytest.mark.django_db
def test_a_hash_with_djangos_default_cost_still_verifies_and_is_upgraded(
    real_hashers: None,
) -> None:
    user = User.objects.create(username="birgit", password=old_hash("Staff-pass-2026"))
    assert user.password.startswith(DJANGOS_DEFAULT)

    assert user.check_password("Staff-pass-2026")

    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith(OURS)
    assert User.objects.get(pk=user.pk).check_password("Staff-pass-2026")


@pytest.mark.django_db
def test_a_wrong_password_changes_no_hash(real_hashers: None) -> None:
    user = User.objects.create(username="birgit", password=old_hash("Staff-pass-2026"))
    assert not user.check_password("wrong")
    assert User.objects.get(pk=user.pk).password.startswith(DJANGOS_DEFAULT)


@pytest.mark.django_db
def test_the_nemid_simulator_hashes_with_the_same_parameters(real_hashers: None) -> None:
    account = NemIDAccountFactory(user_id="Jonas1983")
    account.set_password("correct-password")
    account.save()
    assert NemIDAccount.objects.get(pk=account.pk).password.startswith(OURS)


@pytest.mark.django_db
def test_an_old_nemid_hash_is_upgraded_at_the_next_right_password(real_hashers: None) -> None:
    account = NemIDAccountFactory(user_id="Jonas1983")
    NemIDAccount.objects.filter(pk=account.pk).update(password=old_hash("correct-password"))

    get_provider().check_password(user_id="Jonas1983", password="correct-password")

    assert NemIDAccount.objects.get(pk=account.pk).password.startswith(OURS)
