"""Shared fixtures: fast password hashing, the configured-interface caches, demo people."""

import pytest
from django.conf import LazySettings

from cpr.registry import get_registry
from messaging.backends import get_sms_backend
from nemid.provider import get_provider


@pytest.fixture(autouse=True)
def _fast_hashing(settings: LazySettings) -> None:
    # Argon2 is deliberately slow; the tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _outbox_email(settings: LazySettings) -> None:
    # pytest-django swaps in the locmem e-mail backend; the tests read the outbox, as the demo does.
    settings.EMAIL_BACKEND = "messaging.backends.OutboxEmailBackend"


@pytest.fixture(autouse=True)
def _fresh_interfaces() -> None:
    for cached in (get_registry, get_provider, get_sms_backend):
        cached.cache_clear()


@pytest.fixture
def demo_people(db: None) -> None:
    from nemid.demo import seed_demo_people

    seed_demo_people()
