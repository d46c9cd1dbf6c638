"""The App API that the MitID app calls: JSON under /api/app/v1/, no cookies.

Requests are authenticated by what the phone holds: the activation code at first, then a
signature with its device key over a challenge the portal issued.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from enrollment.user_ids import normalise_user_id

from . import services
from .models import AppDevice, AuthenticatorStatus
from .openapi import OPENAPI

# HTTP status for each refusal code; the codes are the API's stable contract.
STATUS = {
    "unsupported_media_type": 415,
    "malformed_json": 400,
    "missing_field": 400,
    "invalid_key": 400,
    "invalid_pin": 400,
    "notifications_required": 400,
    "invalid_activation_code": 401,
    "wrong_temporary_pin": 401,
    "bad_signature": 401,
    "not_found": 404,
    "not_pending": 409,
    "too_many_apps": 409,
    "too_many_attempts": 429,
}

JsonView = Callable[[HttpRequest, dict[str, Any]], JsonResponse]


def error(code: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code}}, status=STATUS[code])


def json_endpoint(*fields: str) -> Callable[[Callable[..., JsonResponse]], Callable[..., Any]]:
    """POST-only, JSON in and out, with the listed fields required."""

    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., Any]:
        @csrf_exempt
        @never_cache
        @require_POST
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.content_type != "application/json":
                return error("unsupported_media_type")
            try:
                body = json.loads(request.body)
            except (json.JSONDecodeError, UnicodeDecodeError):
                return error("malformed_json")
            if not isinstance(body, dict):
                return error("malformed_json")
            if any(not isinstance(body.get(field), str) or not body[field] for field in fields):
                return error("missing_field")
            try:
                return view(request, body, *args, **kwargs)
            except services.ActivationRefused as refusal:
                return error(refusal.code)

        return wrapper

    return decorate


@json_endpoint("user_id", "activation_code", "public_key", "installation_id")
def start_activation(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    device = services.start_app_activation(
        user_id=body["user_id"],
        activation_code=body["activation_code"],
        public_key=body["public_key"],
        installation_id=body["installation_id"],
        name=str(body.get("device_name") or "MitID app"),
    )
    return JsonResponse(
        {"status": "temporary_pin_sent", "challenge": device.generate_challenge()}, status=201
    )


@json_endpoint("user_id", "temporary_pin", "pin", "signature")
def confirm_activation(
    request: HttpRequest, body: dict[str, Any], installation_id: str
) -> JsonResponse:
    device = (
        AppDevice.objects.filter(
            installation_id=installation_id,
            identity__user_id_key=normalise_user_id(body["user_id"]),
        )
        .exclude(status=AuthenticatorStatus.REVOKED)
        .select_related("identity")
        .first()
    )
    if device is None:
        return error("not_found")
    device = services.confirm_app_activation(
        device=device,
        temporary_pin=body["temporary_pin"],
        pin=body["pin"],
        signature=body["signature"],
        notifications_accepted=body.get("notifications_accepted") is True,
        biometrics=body.get("biometrics") is True,
    )
    return JsonResponse({"status": device.status, "level": device.level})


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(OPENAPI)
