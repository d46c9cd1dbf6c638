"""The App API that the MitID app calls: JSON under /api/app/v1/, no cookies.

Requests are authenticated by what the phone holds: the activation code at first, then a
signature with its device key on every request (see `app_api.auth`).
"""

import json
import logging
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from activation import services as activation
from authenticators.models import AppDevice, AppLogin
from authenticators.services import Refused
from login import app_logins
from pages import outages
from pages.clients import client_address

from . import auth as api_auth
from .openapi import OPENAPI

logger = logging.getLogger(__name__)

# HTTP status for each refusal code; the codes are the API's stable contract.
STATUS = {
    # Refused by Django before any view: a Host the portal does not serve.
    "bad_request": 400,
    "unsupported_media_type": 415,
    "payload_too_large": 413,
    "malformed_json": 400,
    "missing_field": 400,
    "invalid_pin": 400,
    # Well-formed JSON that the schema allows, whose content cannot be taken: a key not on the
    # curve, text with a NUL or half a surrogate pair, notifications declined, a QR text that
    # is not one of ours.
    "invalid_frame": 422,
    "invalid_text": 422,
    "invalid_key": 422,
    "notifications_required": 422,
    "invalid_activation_code": 401,
    "wrong_temporary_pin": 401,
    "bad_signature": 401,
    "unauthenticated": 401,
    "stale_request": 401,
    "replayed_request": 401,
    "wrong_pin": 401,
    "device_not_active": 403,
    "installation_not_proven": 403,
    "not_for_this_app": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "already_active": 409,
    "no_mobile": 409,
    "not_pending": 409,
    "too_many_apps": 409,
    "login_not_open": 409,
    "scan_first": 409,
    "stale_frame": 410,
    "login_expired": 410,
    "too_many_attempts": 429,
    "too_many_sms": 429,
    "server_error": 500,
    "service_unavailable": 503,
    # The roads without NemID: the passport in the app, and copying the app by QR code.
    "terms_not_accepted": 422,
    "person_number_missing": 422,
    "person_number_invalid": 422,
    "invalid_mobile": 422,
    "invalid_kind": 422,
    "copy_code_invalid": 422,
    "identity_blocked": 403,
    "cannot_help_yourself": 403,
    "enrollment_not_found": 404,
    "wrong_step": 409,
    "enrollment_closed": 409,
    "user_id_taken": 409,
    "copy_code_used": 409,
    "copy_not_scanned": 409,
    "order_exists": 409,
    "no_address": 409,
    "enrollment_expired": 410,
    "copy_code_expired": 410,
    "copy_replaced": 410,
    "mrz_invalid": 422,
    "mrz_check_digit": 422,
    "not_a_passport": 422,
    "passport_expired": 422,
    "chip_malformed": 422,
    "chip_data_altered": 422,
    "chip_signature_invalid": 422,
    "chip_signer_untrusted": 422,
    "chip_mrz_mismatch": 422,
    "face_mismatch": 422,
    "face_not_live": 422,
    "face_unreadable": 422,
    "passport_mismatch": 422,
    "user_id_invalid": 422,
    "not_your_user_id": 422,
}


def error(code: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code}}, status=STATUS.get(code, 400))


def _has_bad_text(value: Any) -> bool:
    """Text no database or client can hold: a NUL, or half of a UTF-16 surrogate pair (JSON's
    `\\ud800` escapes decode to such strings). Walked with a list, not by recursion: JSON
    nested some hundreds deep parses, and recursion here ran out (a 500, found by a review)."""
    waiting = [value]
    while waiting:
        item = waiting.pop()
        if isinstance(item, str):
            if "\x00" in item or any("\ud800" <= ch <= "\udfff" for ch in item):
                return True
        elif isinstance(item, dict):
            waiting.extend(item.keys())
            waiting.extend(item.values())
        elif isinstance(item, list):
            waiting.extend(item)
    return False


def _read_body(request: HttpRequest, fields: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """The JSON object of a POST, or the code of what is wrong with it."""
    if request.content_type != "application/json":
        return {}, "unsupported_media_type"
    try:
        body = json.loads(request.body)
    except RequestDataTooBig:
        return {}, "payload_too_large"
    except (ValueError, RecursionError):
        # Not JSON, not UTF-8 (both ValueErrors), nested past the parser's depth, or a number
        # of more digits than Python turns into an integer (4,300: a probe's was a 500).
        return {}, "malformed_json"
    if not isinstance(body, dict):
        return {}, "malformed_json"
    if _has_bad_text(body):
        return {}, "invalid_text"
    if any(not isinstance(body.get(field), str) or not body[field] for field in fields):
        return {}, "missing_field"
    return body, ""


def json_endpoint(
    *fields: str,
    signed: bool = False,
    method: str = "POST",
    when_blocked: Callable[..., None] | None = None,
) -> Callable[[Callable[..., JsonResponse]], Callable[..., Any]]:
    """JSON in and out, with the listed fields required (non-empty strings).

    A signed endpoint checks the signature first: a request that does not prove which app sent
    it learns nothing else. It gets the app installation that signed as its `signer`. When that
    app is blocked or revoked, the request is refused; `when_blocked(device, body, **url
    parameters)` first lets the login it was meant for say so to the browser.
    """

    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., Any]:
        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != method:
                response = error("method_not_allowed")
                response["Allow"] = method
                return response
            body, problem = _read_body(request, fields) if method == "POST" else ({}, "")
            try:
                if signed:
                    kwargs["signer"] = api_auth.authenticate(request)
                if problem:
                    return error(problem)
                return view(request, body, *args, **kwargs)
            except api_auth.DeviceNotActive as refusal:
                if when_blocked is not None and not problem:
                    when_blocked(refusal.device, body, **kwargs)
                return error(refusal.code)
            except Refused as refusal:
                return error(refusal.code)
            except RequestDataTooBig:
                # The signature's check reads the body too: a body over the limit is said so,
                # whatever else is wrong with it (a probe's signed 3 MB body was a 500).
                return error("payload_too_large")
            except Exception as failure:
                if outages.is_outage(failure):  # Redis: the nonces, the lock-outs
                    outages.log_outage(request, failure)
                    return outages.retry_later(error("service_unavailable"))
                # A phone gets JSON even when the portal fails; the log keeps the details.
                logger.exception("App API %s failed", request.path)
                return error("server_error")

        return wrapper

    return decorate


# Activation ------------------------------------------------------------------------------


@json_endpoint("user_id", "activation_code", "public_key", "installation_id")
def start_activation(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    # A phone that already holds a user-ID signs, to add another to the same installation.
    signer = api_auth.authenticate(request) if "Authorization" in request.headers else None
    device = activation.start_app_activation(
        user_id=body["user_id"],
        activation_code=body["activation_code"],
        public_key=body["public_key"],
        installation_id=body["installation_id"],
        name=str(body.get("device_name") or "MitID app"),
        signer=signer,
        client=client_address(request),
    )
    return JsonResponse(
        {
            "status": "temporary_pin_sent",
            "challenge": device.generate_challenge(),
            "key_id": str(device.key_id),
        },
        status=201,
    )


@json_endpoint("user_id", "temporary_pin", "pin", "signature")
def confirm_activation(
    request: HttpRequest, body: dict[str, Any], installation_id: uuid.UUID
) -> JsonResponse:
    device = activation.app_to_confirm(installation_id=installation_id, user_id=body["user_id"])
    if device is None:
        return error("not_found")
    device = activation.confirm_app_activation(
        device=device,
        temporary_pin=body["temporary_pin"],
        pin=body["pin"],
        signature=body["signature"],
        notifications_accepted=body.get("notifications_accepted") is True,
        biometrics=body.get("biometrics") is True,
    )
    # The user-ID as registered: the phone shows it, not as it was typed ("jonas jensen").
    return JsonResponse(
        {"status": device.status, "level": device.level, "user_id": device.identity.user_id}
    )


# Logins to approve -----------------------------------------------------------------------


def describe(login: AppLogin, signer: AppDevice) -> dict[str, Any]:
    """A login as the app shows it, and what it must sign to approve it."""
    account = app_logins.account_on_installation(signer, login)
    person = login.identity  # the account's person, loaded with the login
    assert person is not None  # `account_on_installation` refuses a login for nobody
    typed = (
        person.uses_typed_codes()
        and login.status == AppLogin.Status.WAITING
        and not login.same_device
    )
    return {
        **({"code": login.typed_code} if typed else {}),
        "token": str(login.token),
        "status": login.current_status(),
        "service": login.service,
        "text": login.text,
        "user_id": person.user_id,
        "key_id": str(account.key_id),
        "signing_input": login.signing_input,
        "expires_at": login.expires_at.isoformat(),
    }


def _blocked_scan(device: AppDevice, body: dict[str, Any]) -> None:
    app_logins.refuse_blocked_app(device=device, frame_text=body["frame"])


def _blocked_approval(device: AppDevice, body: dict[str, Any], token: uuid.UUID) -> None:
    app_logins.refuse_blocked_app(device=device, token=str(token))


@json_endpoint("frame", signed=True, when_blocked=_blocked_scan)
def scan(request: HttpRequest, body: dict[str, Any], signer: AppDevice) -> JsonResponse:
    login = app_logins.scan(signer=signer, frame_text=body["frame"])
    return JsonResponse(describe(login, signer))


@json_endpoint(signed=True, method="GET")
def pending(request: HttpRequest, body: dict[str, Any], signer: AppDevice) -> JsonResponse:
    return JsonResponse(
        {"logins": [describe(login, signer) for login in app_logins.pending(signer)]}
    )


@json_endpoint("signature", "pin", signed=True, when_blocked=_blocked_approval)
def approve(
    request: HttpRequest, body: dict[str, Any], signer: AppDevice, token: uuid.UUID
) -> JsonResponse:
    login = app_logins.approve(
        signer=signer, token=str(token), signature=body["signature"], pin=body["pin"]
    )
    return JsonResponse({"status": login.status})


@json_endpoint("token", "autostart", signed=True)
def open_on_phone(request: HttpRequest, body: dict[str, Any], signer: AppDevice) -> JsonResponse:
    login = app_logins.open_on_phone(
        signer=signer, token=body["token"], autostart=body["autostart"]
    )
    return JsonResponse(describe(login, signer))


@csrf_exempt
@never_cache
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other path under the API, with any method: JSON, as a phone expects."""
    return error("not_found")


@json_endpoint(signed=True)
def reject(
    request: HttpRequest, body: dict[str, Any], signer: AppDevice, token: uuid.UUID
) -> JsonResponse:
    login = app_logins.reject(signer=signer, token=str(token))
    return JsonResponse({"status": login.status})


@csrf_exempt
def openapi(request: HttpRequest) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        response = error("method_not_allowed")
        response["Allow"] = "GET, HEAD"
        return response
    return JsonResponse(OPENAPI)
