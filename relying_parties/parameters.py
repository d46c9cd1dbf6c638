"""What a party may ask for beyond OAuth itself, checked: the level, a transaction's text and
the citizen's language. A refusal names the error the specifications give it."""

import itertools
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import QueryDict

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
# Unicode's default-ignorable code points that are not format characters (those are refused
# with the controls): marks and selectors that draw nothing, so two texts that look the same
# differ in what is signed (DerivedCoreProperties.txt, Default_Ignorable_Code_Point).
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors
    (0xFE00, 0xFE0F),  # variation selectors
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
# Dashes as wide as two and three letters, which in a run push the rest out of sight.
_WIDE = {"\u2e3a", "\u2e3b"}
# Right-to-left letters (Hebrew, Arabic) turn the order in which the digits and signs next to
# them are shown, without any control character ("konto <alef> 1234 5678" reads "konto 5678
# 1234 <alef>"), while the text signed keeps its order; Arabic-Indic digits do so by themselves.
_RIGHT_TO_LEFT = {"R", "AL"}
_MAX_MARKS = 3
# Scripts with letters that look like one another's or like digits (Unicode's confusables:
# a, U+0430, U+03B1; I, U+A4F2; 0, U+041E), by the first word of the letters' names.
_LOOKALIKE_SCRIPTS = {
    *("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC"),
    *("LISU", "TIFINAGH", "CANADIAN", "OSAGE", "VAI"),
}
# Latin letters drawn like digits: O and o like 0, I and l like 1, and letters no Danish text
# holds: the dental click like 1, the tone letters like 5, 2 and 6, ezh and yogh like 3, ou
# like 8 (Unicode's confusables).
_DIGIT_LIKE = {
    *"OoIl",
    *("\u01c0", "\u01bc", "\u01bd", "\u01a7", "\u01a8", "\u0184", "\u0185"),
    *("\u01b7", "\u0292", "\u021c", "\u021d", "\u0222", "\u0223"),
}
# Compatibility forms that draw a letter or digit in another width or font.
_OTHER_DRAWINGS = {"<wide>", "<narrow>", "<font>"}
# A word or number: letters, their marks and digits, between spaces, signs and punctuation.
_ALPHANUMERIC_RUN = re.compile(r"[^\W_]+")
# Spaces: the plain one, and the no-break spaces that amounts are written with ("200 kr.").
_SPACES = {" ", "\u00a0", "\u202f"}


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


# RFC 7636 section 4.2: with S256, the only method served, the challenge is
# BASE64URL(SHA256(verifier)) without padding: 43 characters of the URL-safe alphabet.
_CODE_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")


def once_each(query: QueryDict, *, but: Iterable[str] = ()) -> None:
    """Every parameter at most once (RFC 6749 sections 3.1 and 3.2): of a repeated one, which
    would count, the text the citizen saw or the one the party meant? `but` may repeat."""
    repeated = sorted(name for name, values in query.lists() if len(values) > 1 and name not in but)
    if repeated:
        raise BadRequest("invalid_request", f"Repeated parameters: {' '.join(repeated)}")


# What a login keeps of the party's nonce (PartyLogin.nonce) and gives back in the ID token.
MAX_NONCE = 255


# Unicode's control characters (category Cc), all of them: C0, DEL and C1. One search a value,
# where a look-up of each character's category cost a fifth of the authorization request's
# own work.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain_values(query: QueryDict) -> None:
    """No control characters in any parameter (each is one line of text; a NUL cannot even be
    stored in PostgreSQL): refused here rather than failing when the login is written, after
    the citizen has approved."""
    bad = sorted(name for name, values in query.lists() if any(map(_CONTROL.search, values)))
    if bad:
        raise BadRequest("invalid_request", f"Control characters in: {' '.join(bad)}")


def nonce(value: str | None) -> None:
    if value is not None and len(value) > MAX_NONCE:
        raise BadRequest("invalid_request", f"nonce is longer than {MAX_NONCE} characters")


def max_age(value: str | None) -> None:
    """OpenID Connect Core 3.1.2.1: seconds, a non-negative integer. Every login is fresh, so
    any age is met; one that is not a number is a request the party did not mean."""
    if value and not (value.isascii() and value.isdigit()):  # empty: omitted (RFC 6749 3.1)
        raise BadRequest("invalid_request", "max_age must be a number of seconds")


def _not_a_json_number(text: str) -> float:
    raise ValueError(f"{text} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    return number if math.isfinite(number) else _not_a_json_number(text)


def claims(value: str | None) -> None:
    """The `claims` request (OpenID Connect Core 5.5; oauthlib reads it, and it is kept with
    the login): a JSON object that the database keeps as it is. Refused here, where the party
    can be told, what would fail only when the login is written, after the citizen approved:
    NaN, Infinity, a number too large for a float, a lone surrogate, a control character."""
    if not value:
        return
    try:
        request = json.loads(
            value,
            parse_constant=_not_a_json_number,
            parse_float=_finite,
        )
    except (ValueError, RecursionError):
        raise BadRequest("invalid_request", "claims is not a JSON object") from None
    if not isinstance(request, dict):
        raise BadRequest("invalid_request", "claims is not a JSON object")

    def texts(node: Any) -> Iterable[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for key, item in node.items():
                yield key
                yield from texts(item)
        elif isinstance(node, list):
            for item in node:
                yield from texts(item)

    try:
        bad = any(unicodedata.category(c) in ("Cc", "Cs") for text in texts(request) for c in text)
    except RecursionError:
        raise BadRequest("invalid_request", "claims is nested past reading") from None
    if bad:
        raise BadRequest("invalid_request", "Control characters in: claims")
    if any(_acr_required(request.get(member)) for member in ("id_token", "userinfo")):
        # OpenID Connect Core 5.5.1.1: an essential acr not met fails the login. The claims
        # request is not served (discovery: claims_parameter_supported false), and the level
        # has one way to be asked for; ignored, it would pass a login below it (a probe's).
        raise BadRequest(
            "invalid_request", "Ask for the level with acr_values, not in the claims parameter"
        )


def _acr_required(member: Any) -> bool:
    """Whether a claims request's member asks for `acr` as essential or with values."""
    acr = member.get("acr") if isinstance(member, dict) else None
    return isinstance(acr, dict) and any(key in acr for key in ("essential", "value", "values"))


def query_response_mode(response_mode: str | None) -> None:
    """The code comes back in the query: the only response mode served, and the default of
    the code flow. Another one asked for is refused rather than ignored."""
    if response_mode not in (None, "query"):
        raise BadRequest("invalid_request", "The only response_mode supported is query")


def code_challenge(challenge: str) -> None:
    if not _CODE_CHALLENGE.fullmatch(challenge):
        raise BadRequest(
            "invalid_request", "code_challenge must be BASE64URL(SHA256(verifier)) (RFC 7636)"
        )


# RFC 7636 section 4.1: 43 to 128 unreserved characters, high-entropy.
_CODE_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def code_verifier(verifier: str | None) -> None:
    """A verifier as RFC 7636 section 4.1 makes it: a short one could be guessed, however
    its challenge looked (a probe found `k` in eleven tries)."""
    if verifier is not None and not _CODE_VERIFIER.fullmatch(verifier):
        raise BadRequest(
            "invalid_request", "code_verifier must be 43 to 128 unreserved characters (RFC 7636)"
        )


# OpenID Connect Core 3.1.2.6: request objects and dynamic registration are not served.
UNSERVED = {
    "request": "request_not_supported",
    "request_uri": "request_uri_not_supported",
    "registration": "registration_not_supported",
}


def nothing_unserved(query: QueryDict) -> None:
    """A request object, a reference to one, or registration data: refused with the error
    OpenID Connect names, not ignored (what they hold would be left unchecked)."""
    for name, value in query.items():
        if name in UNSERVED and value:  # an empty parameter is one left out (RFC 6749 3.1)
            raise BadRequest(UNSERVED[name], f"{name} is not supported")


# RFC 8252 section 7.3: a native app's loopback address takes whatever port it got.
_LOOPBACK = {"127.0.0.1", "::1"}


def registered_address(uri: str, registered: str, *, any_loopback_port: bool) -> bool:
    """`uri` is one of the `registered` addresses (separated by spaces) character for
    character (OpenID Connect Core 3.1.2.1, RFC 9700 section 4.1.3), but, where
    `any_loopback_port` (a native app: a public client), for the port of an http loopback
    address, which RFC 8252 section 7.3 lets vary for native apps (and RFC 9700 section 2.1
    keeps); a party's server registers the one it listens on."""
    addresses = registered.split()
    if uri in addresses:
        return True
    if not any_loopback_port:
        return False
    asked = _loopback_without_port(uri)
    return asked is not None and any(
        _loopback_without_port(address) == asked for address in addresses
    )


def _loopback_without_port(uri: str) -> tuple[str, str, str, str, str] | None:
    """An http loopback address but its port, as parsed (its host, not whatever its text
    begins with: `http://127.0.0.1:80@evil.example/` is evil.example's); None for any other,
    and for one with credentials or a port that is no number."""
    parts = urlsplit(uri)
    try:
        if parts.port == 0:  # no port one can listen on
            return None
    except ValueError:  # a port that is no number
        return None
    if not uri.startswith("http://") or parts.hostname not in _LOOPBACK or "@" in parts.netloc:
        return None
    return (parts.scheme, parts.hostname, parts.path, parts.query, parts.fragment)


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
    if (
        _INVISIBLE.intersection(text)
        or _WIDE.intersection(text)
        or _ignorable(text)
        or _stacked(text)
        or _odd_spaces(text)
    ):
        raise BadRequest(
            "invalid_authorization_details", "The text has characters that show nothing"
        )
    if _numbers_turned(text):
        raise BadRequest(
            "invalid_authorization_details",
            "The text has numbers next to right-to-left letters, or Arabic-Indic digits, "
            "which are shown in another order than they are written",
        )
    if _lookalikes(text):
        raise BadRequest(
            "invalid_authorization_details",
            "The text has letters or digits made to look like others: another script's inside a "
            "word, or full-width, mathematical or other compatibility forms",
        )
    return Approval(text=text, details=[{"type": APPROVAL_TYPE, "text": text}])


def _lookalikes(text: str) -> bool:
    """A letter or digit drawn in another width or font (full-width, half-width, mathematical
    bold or sans: Unicode decomposes them `<wide>`, `<narrow>`, `<font>`), or a run of letters
    and digits mixing scripts whose letters look alike (a Cyrillic o, U+043E, in "konto" or
    among the digits of an account number, which count as Latin), a digit of another script
    than ours, or a number with Latin letters drawn like digits in it: the citizen reads one
    text, and another is signed and kept. A whole word in another script is welcome, as any
    language is, and so are superscripts, fractions and the like ("120 m²", "1½ time", "5 µm",
    "ﬁ")."""
    for character in text:
        if unicodedata.decomposition(character).split(" ", 1)[0] in _OTHER_DRAWINGS:
            return True
        if unicodedata.category(character) == "Nd" and not "0" <= character <= "9":
            return True  # another script's digit: Myanmar's 0 and Bengali's 4 look like 0 and 8
    for run in _ALPHANUMERIC_RUN.findall(text):
        if _digits_with_letters_like_digits(run):
            return True
        scripts = {
            "LATIN" if "0" <= character <= "9" else unicodedata.name(character, "").split(" ")[0]
            for character in run
            if character.isalpha() or "0" <= character <= "9"
        }
        if len(scripts & _LOOKALIKE_SCRIPTS) > 1:
            return True
    return False


def _digits_with_letters_like_digits(run: str) -> bool:
    """A number with letters drawn like digits in it, and no other letter: "1234-56789O",
    "1O0 kr." ("iOS 17", "PO12345" and "12B" hold other letters, or none like a digit)."""
    digits = sum("0" <= character <= "9" for character in run)
    return 0 < digits < len(run) and all(
        "0" <= character <= "9" or character in _DIGIT_LIKE for character in run
    )


def _stacked(text: str) -> bool:
    """More than a few marks (combining, enclosing) on one character."""
    run = 0
    for character in text:
        run = run + 1 if unicodedata.category(character).startswith("M") else 0
        if run > _MAX_MARKS:
            return True
    return False


def _numbers_turned(text: str) -> bool:
    """Digits that the Unicode bidirectional algorithm may show in another order: Arabic-Indic
    ones and right-to-left ones (NKo, Adlam) anywhere, and any between a right-to-left letter
    and the next letter (or the text's end) with only spaces, signs and digits between. A text
    in Hebrew or Arabic is welcome; its numbers need a left-to-right word beside them ("200
    kr.")."""
    before: str | None = None  # no letter yet
    digits = False
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "AN" or (kind in _RIGHT_TO_LEFT and unicodedata.category(character) == "Nd"):
            return True  # digits of their own direction: NKo's and Adlam's are right-to-left
        if kind == "EN":
            digits = True
        elif kind in {"L", *_RIGHT_TO_LEFT}:
            # After a Latin letter, digits take its direction (the bidi rule W7), whatever
            # follows them; before any letter, the first letter decides the paragraph's
            # direction where a display takes it from the text (dir="auto", phones).
            if digits and (before in _RIGHT_TO_LEFT or (before is None and kind != "L")):
                return True
            before, digits = kind, False
    return digits and before in _RIGHT_TO_LEFT


def _ignorable(text: str) -> bool:
    return any(
        low <= ord(character) <= high for character in text for low, high in _IGNORABLE_RANGES
    )


def _odd_spaces(text: str) -> bool:
    """A space other than the plain and no-break ones (wide, ideographic), or two spaces in a
    row, which a page shows as one and an app may not: either can push the rest of the text
    out of sight."""
    return any(
        unicodedata.category(character) == "Zs" and character not in _SPACES for character in text
    ) or any(a in _SPACES and b in _SPACES for a, b in itertools.pairwise(text))


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
