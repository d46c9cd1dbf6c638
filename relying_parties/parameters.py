"""What a party may ask for beyond OAuth itself, checked: the level, a transaction's text and
the citizen's language. A refusal names the error the specifications give it."""

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from authenticators.models import AssuranceLevel

from . import levels

APPROVAL_TYPE = "mitid_approval"
MAX_TEXT = 250
# Control characters, and format characters such as right-to-left overrides, which could make
# the text the citizen reads differ from the text that is signed.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Letters that show nothing (Hangul fillers, the blank Braille pattern), and combining marks
# stacked past what any language writes, which draw over the text around them.
_INVISIBLE = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
_MAX_MARKS = 3


class BadRequest(Exception):
    """`error` is the OAuth error code the party receives; `description` says why, in English."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Approval:
    text: str
    details: list[dict[str, Any]]


# RFC 7636 section 4.2: BASE64URL(SHA256(verifier)) is 43 characters; 43 to 128 unreserved ones.
_CODE_CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def once_each(names: Iterable[str], values_of: Any) -> None:
    """Every parameter at most once (RFC 6749 section 3.1): of a repeated one, which would
    count, the text the citizen saw or the one the party meant?"""
    repeated = sorted({name for name in names if len(values_of(name)) > 1})
    if repeated:
        raise BadRequest("invalid_request", f"Repeated parameters: {' '.join(repeated)}")


def query_response_mode(response_mode: str | None) -> None:
    """The code comes back in the query: the only response mode served, and the default of
    the code flow. Another one asked for is refused rather than ignored."""
    if response_mode not in (None, "query"):
        raise BadRequest("invalid_request", "The only response_mode supported is query")


def code_challenge(challenge: str) -> None:
    if not _CODE_CHALLENGE.fullmatch(challenge):
        raise BadRequest(
            "invalid_request", "code_challenge must be 43 to 128 unreserved characters (RFC 7636)"
        )


# OpenID Connect Core 3.1.2.6: request objects and dynamic registration are not served.
UNSERVED = {
    "request": "request_not_supported",
    "request_uri": "request_uri_not_supported",
    "registration": "registration_not_supported",
}


def nothing_unserved(names: Iterable[str]) -> None:
    """A request object, a reference to one, or registration data: refused with the error
    OpenID Connect names, not ignored (what they hold would be left unchecked)."""
    for name in names:
        if name in UNSERVED:
            raise BadRequest(UNSERVED[name], f"{name} is not supported")


def no_resource(resource: list[str]) -> None:
    """RFC 8707 resource indicators: this provider serves no resource servers of its own but
    userinfo, which every access token reaches, so an audience asked for is one it cannot
    restrict a token to. Refused, as the RFC says, rather than ignored; an empty value is
    none (as django-oauth-toolkit reads it)."""
    if any(value.strip() for value in resource):
        raise BadRequest(
            "invalid_target", "This provider issues tokens for no resource indicators (RFC 8707)"
        )


def requested_level(acr_values: str) -> str:
    """The level the party asks for at least: the lowest of the `acr_values` it accepts
    (OpenID Connect lists the values acceptable to it), Low when it names none."""
    values = acr_values.split()
    unknown = [value for value in values if value not in levels.LEVEL_OF_ACR]
    if unknown:
        raise BadRequest("invalid_request", f"Unknown acr_values: {' '.join(unknown)}")
    asked = [levels.LEVEL_OF_ACR[value] for value in values]
    return min(asked, key=levels.ORDER.index) if asked else AssuranceLevel.LOW


def approval(authorization_details: str | None) -> Approval | None:
    """A transaction to approve (RFC 9396): one `{"type": "mitid_approval", "text": ...}`."""
    if authorization_details is None or authorization_details == "":
        return None
    try:
        details = json.loads(authorization_details, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deep to read
        raise BadRequest(
            "invalid_authorization_details", "authorization_details is not JSON of one object"
        ) from error
    if not (isinstance(details, list) and len(details) == 1 and isinstance(details[0], dict)):
        raise BadRequest(
            "invalid_authorization_details",
            "authorization_details is an array of one object (RFC 9396 section 2)",
        )
    (detail,) = details
    if detail.get("type") != APPROVAL_TYPE:
        raise BadRequest(
            "invalid_authorization_details", f"The only type understood is {APPROVAL_TYPE}"
        )
    if set(detail) != {"type", "text"} or not isinstance(detail["text"], str):
        raise BadRequest(
            "invalid_authorization_details", f"{APPROVAL_TYPE} has a text and nothing else"
        )
    text = detail["text"]
    if not text.strip() or text != text.strip():
        raise BadRequest("invalid_authorization_details", "The text is empty or padded")
    if len(text) > MAX_TEXT:
        raise BadRequest("invalid_authorization_details", f"The text is over {MAX_TEXT} characters")
    if any(unicodedata.category(character) in _FORBIDDEN_CATEGORIES for character in text):
        raise BadRequest("invalid_authorization_details", "The text has control characters")
    if _INVISIBLE.intersection(text) or _stacked(text):
        raise BadRequest(
            "invalid_authorization_details", "The text has characters that show nothing"
        )
    return Approval(text=text, details=[{"type": APPROVAL_TYPE, "text": text}])


def _stacked(text: str) -> bool:
    """More than a few combining marks on one character."""
    run = 0
    for character in text:
        run = run + 1 if unicodedata.combining(character) else 0
        if run > _MAX_MARKS:
            return True
    return False


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused if it names a member twice (RFC 8259 leaves the meaning open:
    the text the citizen approves must be the only one)."""
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ValueError("a member named twice")
    return members


def language(ui_locales: str, default: str) -> str:
    """The first of the citizen's preferred languages (`ui_locales`) that the portal speaks."""
    spoken = {code for code, _name in settings.LANGUAGES}
    for tag in ui_locales.split():
        code = tag.split("-")[0].lower()
        if code in spoken:
            return code
    return default if default in spoken else settings.LANGUAGE_CODE
