"""The animated QR code of an app login: one frame a second, each proving its own age.

The scheme is Swedish BankID's: a frame is `mitid.<start token>.<seconds>.<auth code>`, where
the auth code is HMAC-SHA256 over the whole seconds since the login started, keyed with a
per-login secret that never leaves the server. A photo of the screen passed on to someone else
goes stale within seconds, so the phone that approves must be in front of the screen.
"""

import hmac
import re
import uuid
from dataclasses import dataclass

PREFIX = "mitid"
_FRAME = re.compile(r"^mitid\.([0-9a-f-]{36})\.(\d{1,6})\.([0-9a-f]{64})$")


class InvalidFrame(ValueError):
    """The text is not a frame of ours."""


@dataclass(frozen=True)
class Frame:
    token: str
    seconds: int
    auth_code: str

    def is_authentic(self, secret: str) -> bool:
        return hmac.compare_digest(self.auth_code, auth_code(secret, self.seconds))


def auth_code(secret: str, seconds: int) -> str:
    # One-shot: a server process makes thousands a second, one per waiting browser.
    return hmac.digest(secret.encode(), str(seconds).encode(), "sha256").hex()


def frame_text(token: str, secret: str, seconds: int) -> str:
    return f"{PREFIX}.{token}.{seconds}.{auth_code(secret, seconds)}"


def parse(text: str) -> Frame:
    match = _FRAME.match(text.strip())
    if match is None:
        raise InvalidFrame(text[:80])
    token, seconds, code = match.groups()
    try:
        token = str(uuid.UUID(token))
    except ValueError as error:
        raise InvalidFrame(text[:80]) from error
    return Frame(token, int(seconds), code)
