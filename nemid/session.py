"""The only reader and writer of NemID state in the citizen's session."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from pages import redirects

from .provider import KeyChallenge, NemIDProof

CHALLENGE_KEY = "nemid_challenge"
PROOF_KEY = "nemid_proof"


@dataclass(frozen=True)
class PendingChallenge:
    token: str
    key: str
    card_number: str
    next_url: str


def start_challenge(request: HttpRequest, challenge: KeyChallenge, *, next_url: str) -> None:
    request.session[CHALLENGE_KEY] = {
        "token": challenge.token,
        "key": challenge.key,
        "card_number": challenge.card_number,
        "next_url": next_url,
    }
    redirects.forget_errors(request)  # a new key: a wrong code for the last one is not its


def pending_challenge(request: HttpRequest) -> PendingChallenge | None:
    data = request.session.get(CHALLENGE_KEY)
    return PendingChallenge(**data) if data else None


def forget_challenge(request: HttpRequest) -> None:
    request.session.pop(CHALLENGE_KEY, None)


def remember_proof(request: HttpRequest, proof: NemIDProof) -> None:
    """Log the citizen in with NemID: a new session key, then the proven identity."""
    forget_challenge(request)
    request.session.cycle_key()
    request.session[PROOF_KEY] = {
        "cpr": proof.cpr,
        "nemid_user_id": proof.nemid_user_id,
        "proven_at": timezone.now().isoformat(),
    }


@dataclass(frozen=True)
class SessionProof:
    cpr: str
    nemid_user_id: str
    proven_at: datetime


def proof(request: HttpRequest) -> SessionProof | None:
    """The NemID proof in this session, if it is still fresh."""
    data = request.session.get(PROOF_KEY)
    if not data or _proof_seconds_left(data) <= 0:
        return None
    return SessionProof(
        data["cpr"], data["nemid_user_id"], datetime.fromisoformat(data["proven_at"])
    )


def _proof_seconds_left(data: dict[str, str]) -> int:
    # A proof lasts NEMID_PROOF_MINUTES from when it was given, or renewed at the citizen's
    # request before it ran out (`renew`).
    since = datetime.fromisoformat(data.get("renewed_at") or data["proven_at"])
    until = since + timedelta(minutes=settings.NEMID_PROOF_MINUTES)
    return int((until - timezone.now()).total_seconds())


def proof_seconds_left(request: HttpRequest) -> int | None:
    """Seconds until the session's NemID proof runs out; None without a fresh proof."""
    data = request.session.get(PROOF_KEY)
    if not data:
        return None
    left = _proof_seconds_left(data)
    return left if left > 0 else None


def renew(request: HttpRequest) -> None:
    """More time for a proof that is still fresh: the citizen asked for it (WCAG 2.2.1)."""
    if proof(request) is not None:
        request.session[PROOF_KEY] = {
            **request.session[PROOF_KEY],
            "renewed_at": timezone.now().isoformat(),
        }


def log_out(request: HttpRequest) -> None:
    request.session.flush()


def redirect_to_login(request: HttpRequest, why: str = "") -> HttpResponse:
    """Send a citizen who has not proven who they are to the NemID login, and back here;
    `why` says what for (getting MitID unless told)."""
    messages.info(request, why or gettext("Log in with NemID to get MitID."))
    return redirect(f"{reverse('nemid:login')}?{urlencode({'next': request.get_full_path()})}")
