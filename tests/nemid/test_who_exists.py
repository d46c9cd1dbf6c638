"""NemID tells nobody who has NemID: an unknown user-ID is answered, locked and timed like a
known one with a wrong password; one connection's failures stop it before any hash."""

import re
from datetime import datetime
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/en/nemid/login/"


class CountingHasher(MD5PasswordHasher):
    """Counts every hash computed, made or checked (a check hashes once, by `encode`): the
    work a guess costs the portal."""

    uses = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.uses += 1
        return super().encode(password, salt)


def answers(user_id: str, tries: int) -> list[tuple[int, str]]:
    """Status and error text of `tries` wrong passwords, each from a browser of its own."""
    seen = []
    for _ in range(tries):
        response = Client().post(LOGIN, {"user_id": user_id, "password": "guess-123"}, follow=True)
        html = response.content.decode()
        error = re.search(r'class="sr-only">[^<]*</span>(.*?)</span>', html, re.DOTALL)
        assert error, html
        seen.append((response.status_code, " ".join(error.group(1).split())))
    return seen


def test_an_unknown_user_id_is_answered_like_poul_whose_user_id_is_his_cpr_number(
    demo_people: None, settings
) -> None:
    settings.NEMID_MAX_FAILURES = 5
    fixed = timezone.make_aware(datetime(2026, 12, 2, 14, 0))
    with mock.patch("django.utils.timezone.now", return_value=fixed):
        known = answers("1107481109", 6)  # Poul: his NemID user-ID is his CPR number
        unknown = answers("0101010101", 6)
    assert known == unknown
    assert "locked" in known[-1][1] and "locked" not in known[0][1]


def test_the_same_work_for_a_known_and_an_unknown_user_id(demo_people: None, settings) -> None:
    settings.PASSWORD_HASHERS = ["tests.nemid.test_who_exists.CountingHasher"]
    uses = []
    for user_id in ("Jonas1983", "nobody-1983"):
        CountingHasher.uses = 0
        Client().post(LOGIN, {"user_id": user_id, "password": "guess-123"})
        uses.append(CountingHasher.uses)
    assert uses == [1, 1]


def test_one_connection_that_fails_too_often_waits_before_any_hash(
    demo_people: None, settings
) -> None:
    settings.CLIENT_FAILURES_PER_WINDOW = 3
    settings.NEMID_MAX_FAILURES = 100
    settings.PASSWORD_HASHERS = ["tests.nemid.test_who_exists.CountingHasher"]
    flood = Client(REMOTE_ADDR="203.0.113.7")
    for user_id in ("a-user", "b-user", "c-user"):
        flood.post(LOGIN, {"user_id": user_id, "password": "guess-123"})
    CountingHasher.uses = 0
    html = flood.post(
        LOGIN, {"user_id": "Jonas1983", "password": "guess-123"}, follow=True
    ).content.decode()
    assert "Too many failed logins from your connection." in html
    assert CountingHasher.uses == 0
    # Another connection is not touched.
    other = Client(REMOTE_ADDR="198.51.100.9")
    html = other.post(
        LOGIN, {"user_id": "Jonas1983", "password": "guess-123"}, follow=True
    ).content.decode()
    assert "The user-ID or the password is wrong." in html
