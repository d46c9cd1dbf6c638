"""The only reader and writer of the MitID login in the citizen's session.

A login in progress remembers the typed user-ID, where to go afterwards and the app login the
browser is waiting on. Once logged in, Django's own auth session holds the identity's user,
and this module adds how the citizen logged in and at which assurance level.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import auth
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device

from authenticators.models import AssuranceLevel, AuthenticatorStatus, Identity

PENDING_KEY = "mitid_login_pending"
LOGGED_IN_KEY = "mitid_login"
LEVELS: list[str] = [AssuranceLevel.LOW, AssuranceLevel.SUBSTANTIAL, AssuranceLevel.HIGH]


@dataclass(frozen=True)
class Pending:
    user_id: str
    next_url: str
    app_login: str = ""


def begin(request: HttpRequest, *, user_id: str, next_url: str) -> None:
    request.session[PENDING_KEY] = {"user_id": user_id, "next_url": next_url, "app_login": ""}


def pending(request: HttpRequest) -> Pending | None:
    data = request.session.get(PENDING_KEY)
    return Pending(**data) if data else None


def wait_for_app_login(request: HttpRequest, token: str) -> None:
    data = request.session[PENDING_KEY]
    request.session[PENDING_KEY] = {**data, "app_login": token}


@dataclass(frozen=True)
class LoggedIn:
    identity: Identity
    method: str
    authenticator: str
    level: str
    at: datetime
    device: str = ""  # django-otp persistent id of the device logged in with


def log_in(
    request: HttpRequest,
    *,
    identity: Identity,
    method: str,
    authenticator: str,
    level: str,
    device: str,
) -> None:
    """Log the citizen in: a new session key, at the lower of the identity's and device's level.

    `device` is the django-otp persistent id of the device used: blocking it ends the session.
    """
    request.session.pop(PENDING_KEY, None)
    auth.login(request, identity.ensure_user(), backend="django.contrib.auth.backends.ModelBackend")
    request.session[LOGGED_IN_KEY] = {
        "identity": identity.pk,
        "method": method,
        "authenticator": authenticator,
        "level": min(identity.level, level, key=LEVELS.index),
        "device": device,
        "at": timezone.now().isoformat(),
    }


def current(request: HttpRequest) -> LoggedIn | None:
    """Who is logged in with MitID, if anyone; a blocked identity or device ends it."""
    data = request.session.get(LOGGED_IN_KEY)
    if not data or not request.user.is_authenticated:
        return None
    identity = Identity.objects.filter(
        pk=data["identity"], account=request.user, status=Identity.Status.ACTIVE
    ).first()
    if identity is None:
        return None
    device = Device.from_persistent_id(data.get("device", ""))
    if device is None or getattr(device, "status", None) != AuthenticatorStatus.ACTIVE:
        return None  # the device used was blocked or revoked since: log in again
    return LoggedIn(
        identity=identity,
        method=data["method"],
        authenticator=data["authenticator"],
        level=data["level"],
        at=datetime.fromisoformat(data["at"]),
        device=data.get("device", ""),
    )


def log_out(request: HttpRequest) -> None:
    auth.logout(request)
