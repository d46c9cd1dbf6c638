"""The interface to NemID: check a password, then the key card code it asked for."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class KeyChallenge:
    """What NemID asks after a correct password: the code beside `key` on card `card_number`."""

    token: str
    key: str
    card_number: str
    expires_at: datetime


@dataclass(frozen=True)
class NemIDProof:
    """A completed NemID login: who the citizen is."""

    cpr: str
    nemid_user_id: str


class NemIDRefused(Exception):
    """NemID said no. `code` is one of REFUSAL_CODES; `locked_until` is set when locked."""

    REFUSAL_CODES = frozenset(
        {"invalid_credentials", "locked", "wrong_key_code", "key_code_used", "challenge_expired"}
    )

    def __init__(self, code: str, *, locked_until: datetime | None = None) -> None:
        assert code in self.REFUSAL_CODES, code
        super().__init__(code)
        self.code = code
        self.locked_until = locked_until


class NemIDProvider(Protocol):
    def check_password(self, *, user_id: str, password: str) -> KeyChallenge:
        """Check user-ID and password; raise NemIDRefused or return the key card challenge."""

    def check_key_code(self, *, token: str, code: str) -> NemIDProof:
        """Check the code typed for a challenge; raise NemIDRefused or return the proof."""


@cache
def get_provider() -> NemIDProvider:
    provider: NemIDProvider = import_string(settings.NEMID_PROVIDER)()
    return provider
