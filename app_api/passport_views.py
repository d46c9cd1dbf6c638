"""The App API of the roads that need no NemID: the passport in the app (also run by a
helper's app for someone else), and copying the app to a new phone by QR code."""

from typing import Any

from django.http import HttpRequest, JsonResponse

from activation import copy as app_copy
from activation import passport
from authenticators.models import AppDevice
from pages.clients import client_address

from . import auth as api_auth
from .views import STATUS, json_endpoint


def _optional_signer(request: HttpRequest) -> AppDevice | None:
    """A helper's app signs every step of the road it runs for someone else."""
    return api_auth.authenticate(request) if "Authorization" in request.headers else None


def _user_id_refused(refusal: passport.UserIdRefused) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": refusal.code, **refusal.details}}, status=STATUS[refusal.code]
    )


def _step(next_step: str, **more: Any) -> JsonResponse:
    return JsonResponse({"next": next_step, **more})


# The passport road ---------------------------------------------------------------------------


@json_endpoint("terms_version")
def start(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    enrollment, token = passport.start(
        client=client_address(request),
        terms_accepted=body.get("terms_accepted") is True,
        terms_version=body["terms_version"],
        cpr=str(body.get("cpr") or ""),
        p_code=str(body.get("p_code") or ""),
        language=str(body.get("language") or ""),
        helper=_optional_signer(request),
    )
    return JsonResponse(
        {
            "enrollment_token": token,
            "next": "mrz",
            "expires_at": enrollment.expires_at.isoformat(),
        },
        status=201,
    )


@json_endpoint("enrollment_token", "mrz")
def mrz(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    enrollment = passport.read_mrz(
        token=body["enrollment_token"], mrz=body["mrz"], helper=_optional_signer(request)
    )
    return _step("chip", document_number=enrollment.document_number)


@json_endpoint("enrollment_token", "dg1", "dg2", "sod")
def chip(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    passport.read_chip(
        token=body["enrollment_token"],
        dg1=body["dg1"],
        dg2=body["dg2"],
        sod=body["sod"],
        helper=_optional_signer(request),
    )
    return _step("face")


@json_endpoint("enrollment_token", "picture")
def face(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    enrollment = passport.match_face(
        token=body["enrollment_token"], picture=body["picture"], helper=_optional_signer(request)
    )
    # Said only now that the passport is the person's and their face its portrait's.
    identity = enrollment.identity
    return _step("user_id", has_mitid=identity is not None and bool(identity.user_id))


@json_endpoint("enrollment_token", "user_id")
def user_id(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    helper = _optional_signer(request)
    try:
        passport.choose_user_id(
            token=body["enrollment_token"], user_id=body["user_id"], helper=helper
        )
    except passport.UserIdRefused as refusal:
        return _user_id_refused(refusal)
    return _step("copy_or_order" if helper is not None else "app")


@json_endpoint("enrollment_token", "mobile", "public_key", "installation_id")
def app(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    try:
        device = passport.start_app(
            token=body["enrollment_token"],
            mobile=body["mobile"],
            public_key=body["public_key"],
            installation_id=body["installation_id"],
            device_name=str(body.get("device_name") or "MitID app"),
            signer=_optional_signer(request),
        )
    except passport.UserIdRefused as refusal:
        return _user_id_refused(refusal)
    return JsonResponse(
        {
            "status": "temporary_pin_sent",
            "challenge": passport.long_challenge(device),
            "key_id": str(device.key_id),
            "user_id": device.identity.user_id,
        },
        status=201,
    )


@json_endpoint("enrollment_token", "mobile", signed=True)
def copy_for_helped(request: HttpRequest, body: dict[str, Any], signer: AppDevice) -> JsonResponse:
    try:
        copy, qr = passport.copy_for_helped(
            token=body["enrollment_token"], mobile=body["mobile"], helper=signer
        )
    except passport.UserIdRefused as refusal:
        return _user_id_refused(refusal)
    return JsonResponse(
        {"qr": qr, "copy_id": str(copy.public_id), "expires_at": copy.expires_at.isoformat()},
        status=201,
    )


@json_endpoint("enrollment_token", "kind", "mobile", signed=True)
def order(request: HttpRequest, body: dict[str, Any], signer: AppDevice) -> JsonResponse:
    try:
        placed = passport.order_code_device(
            token=body["enrollment_token"], kind=body["kind"], mobile=body["mobile"], helper=signer
        )
    except passport.UserIdRefused as refusal:
        return _user_id_refused(refusal)
    return JsonResponse({"status": placed.status, "kind": placed.kind}, status=201)


# Copying the app to a new phone ----------------------------------------------------------------


@json_endpoint(signed=True)
def show_copy(request: HttpRequest, body: dict[str, Any], signer: AppDevice) -> JsonResponse:
    copy, qr = app_copy.show_copy_code(source=signer)
    return JsonResponse(
        {"qr": qr, "copy_id": str(copy.public_id), "expires_at": copy.expires_at.isoformat()},
        status=201,
    )


@json_endpoint("qr")
def check_copy(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    copy = app_copy.check_copy_code(qr=body["qr"])
    return JsonResponse({"status": "shown", "expires_at": copy.expires_at.isoformat()})


@json_endpoint("qr", "user_id", "public_key", "installation_id")
def scan_copy(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    copy, device = app_copy.scan_copy_code(
        qr=body["qr"],
        user_id=body["user_id"],
        public_key=body["public_key"],
        installation_id=body["installation_id"],
        device_name=str(body.get("device_name") or "MitID app"),
    )
    approved = copy.state == copy.State.APPROVED
    waiting = {
        "match_code": copy.match_code,
        "confirm_by": app_copy.confirm_by(copy).isoformat(),
    }
    return JsonResponse(
        {
            "status": "temporary_pin_sent" if approved else "waiting_for_old_app",
            **({} if approved else waiting),
            "challenge": passport.long_challenge(device),
            "key_id": str(device.key_id),
        },
        status=201,
    )


@json_endpoint("key_id")
def new_phone_copy(request: HttpRequest, body: dict[str, Any]) -> JsonResponse:
    """The new phone asks after the copy it scanned, while it waits for the old app: its app
    is pending, so it cannot sign yet; the key ID the scan gave it says which copy."""
    copy = app_copy.copy_for_new_phone(key_id=body["key_id"], client=client_address(request))
    if copy.state == copy.State.APPROVED:
        return JsonResponse({"status": "temporary_pin_sent"})
    return JsonResponse(
        {"status": "waiting_for_old_app", "confirm_by": app_copy.confirm_by(copy).isoformat()}
    )


@json_endpoint(signed=True)
def scanned_copy(
    request: HttpRequest, body: dict[str, Any], signer: AppDevice, copy_id: Any
) -> JsonResponse:
    """The old phone asks which phone scanned its code, before the citizen confirms."""
    copy = app_copy.scanned_copy(source=signer, copy_id=str(copy_id))
    assert copy.new_device is not None and copy.scanned_at is not None
    return JsonResponse(
        {
            "status": copy.state,
            "device_name": copy.new_device.name,
            "scanned_at": copy.scanned_at.isoformat(),
            "confirm_by": app_copy.confirm_by(copy).isoformat(),
            "match_code": copy.match_code,
            "signing_input": copy.signing_input,
        }
    )


@json_endpoint("pin", "signature", signed=True)
def approve_copy(
    request: HttpRequest, body: dict[str, Any], signer: AppDevice, copy_id: Any
) -> JsonResponse:
    copy = app_copy.approve_copy(
        source=signer, copy_id=str(copy_id), pin=body["pin"], signature=body["signature"]
    )
    return JsonResponse({"status": copy.state})
