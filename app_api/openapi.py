"""The OpenAPI 3 description of the App API; the tests check the API against it."""

from typing import Any

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code"],
            "properties": {
                "code": {"type": "string"},
                "reasons": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "user_id_invalid: the rules it breaks (too_short, ...)",
                },
                "suggestions": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "user_id_taken: free user-IDs close to the wish",
                },
            },
        }
    },
}


def errors(*codes_by_status: tuple[int, tuple[str, ...]]) -> dict[str, Any]:
    return {
        str(status): {
            "description": "Refused: " + ", ".join(codes),
            "content": {"application/json": {"schema": ERROR}},
            "x-error-codes": list(codes),
        }
        for status, codes in codes_by_status
    }


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def obj(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties}
    return {**schema, "required": required} if required else schema


STRING: dict[str, Any] = {"type": "string", "minLength": 1}
DEVICE_NAME: dict[str, Any] = {
    "type": "string",
    "description": (
        "How the phone names itself, kept as one line of plain text: control and format"
        " characters and other spaces become a space, at most 40 characters"
        ' ("MitID app" if none is left)'
    ),
}
SIGNED: list[dict[str, list[str]]] = [{"deviceSignature": []}]
# Any operation may answer these: a wrong method, a Host the portal does not serve, the
# portal failing (still as JSON), or a part it stands on not answering (with Retry-After).
COMMON_ERRORS = (
    (400, ("bad_request",)),
    (422, ("invalid_text",)),
    (404, ("not_found",)),
    (405, ("method_not_allowed",)),
    (413, ("payload_too_large",)),
    (500, ("server_error",)),
    (503, ("service_unavailable",)),
)
SIGNED_ERRORS = (
    (401, ("unauthenticated", "bad_signature", "stale_request", "replayed_request")),
    (403, ("device_not_active",)),
    (429, ("too_many_attempts",)),
    *COMMON_ERRORS,
)
LOGIN = obj(
    ["token", "status", "service", "text", "user_id", "key_id", "signing_input", "expires_at"],
    token={"type": "string", "format": "uuid"},
    status={
        "type": "string",
        "enum": [
            "waiting",
            "scanned",
            "approved",
            "rejected",
            "blocked",
            "cancelled",
            "completed",
            "expired",
        ],
    },
    service=STRING,
    text={"type": "string", "description": "what the citizen approves; show it as it is"},
    user_id={"type": "string", "description": "the user-ID on this phone the login is for"},
    key_id={"type": "string", "format": "uuid", "description": "the key to approve with"},
    signing_input={"type": "string", "description": "sign exactly this to approve"},
    code={
        "type": "string",
        "pattern": "^[0-9]{4}$",
        "description": "for someone who types codes instead of scanning: show it, to be typed "
        "in the browser; approve once the login is scanned",
    },
    expires_at={"type": "string", "format": "date-time"},
)
TOKEN_PARAMETER = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}


def merged_errors(*groups: tuple[int, tuple[str, ...]]) -> dict[str, Any]:
    """Error responses, with the codes of one status from several groups listed together."""
    by_status: dict[int, list[str]] = {}
    for status, codes in groups:
        by_status.setdefault(status, []).extend(codes)
    return errors(*((status, tuple(codes)) for status, codes in sorted(by_status.items())))


OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "MitID App API",
        "version": "1",
        "description": "What the MitID app calls. JSON only; no cookies. The app proves itself "
        "with the activation code, then with ECDSA P-256 signatures (DER, base64) by its "
        "device key: every later request carries an `Authorization: MitID-Signature key-id=…, "
        "created=…, nonce=…, signature=…` header, the signature being over the method, the "
        "path with its query, `created` (Unix seconds), the nonce and the hex SHA-256 of the "
        "body, joined by newlines. A request is good for 2 minutes either side of the "
        "server's clock, and once.",
    },
    "components": {
        "securitySchemes": {
            "deviceSignature": {"type": "apiKey", "in": "header", "name": "Authorization"}
        }
    },
    "servers": [{"url": "/api/app/v1"}],
    "paths": {
        "/activations": {
            "post": {
                "operationId": "startActivation",
                "summary": "Start activating the app with a user-ID and an activation code",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": [
                                    "user_id",
                                    "activation_code",
                                    "public_key",
                                    "installation_id",
                                ],
                                "properties": {
                                    "user_id": STRING,
                                    "activation_code": STRING,
                                    "public_key": {
                                        **STRING,
                                        "description": "P-256, base64 DER SPKI",
                                    },
                                    "installation_id": {"type": "string", "format": "uuid"},
                                    "device_name": DEVICE_NAME,
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "A temporary PIN is on its way by SMS",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["status", "challenge", "key_id"],
                                    "properties": {
                                        "status": {"type": "string"},
                                        "challenge": {"type": "string"},
                                        "key_id": {
                                            "type": "string",
                                            "format": "uuid",
                                            "description": "names this key in signed requests",
                                        },
                                    },
                                }
                            }
                        },
                    },
                    **merged_errors(
                        (400, ("malformed_json", "missing_field")),
                        (422, ("invalid_key",)),
                        (401, ("invalid_activation_code",)),
                        (403, ("installation_not_proven", "device_not_active")),
                        (409, ("too_many_apps", "already_active", "no_mobile")),
                        (415, ("unsupported_media_type",)),
                        (429, ("too_many_attempts",)),
                        *COMMON_ERRORS,
                    ),
                },
            }
        },
        "/activations/{installation_id}/confirm": {
            "post": {
                "operationId": "confirmActivation",
                "summary": "Finish activation: temporary PIN, personal PIN, signed challenge",
                "parameters": [
                    {
                        "name": "installation_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["user_id", "temporary_pin", "pin", "signature"],
                                "properties": {
                                    "user_id": STRING,
                                    "temporary_pin": STRING,
                                    "pin": {"type": "string", "pattern": "^[0-9]{6}$"},
                                    "signature": {**STRING, "description": "over the challenge"},
                                    "notifications_accepted": {"type": "boolean"},
                                    "biometrics": {"type": "boolean"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "The app is active",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["status", "level", "user_id"],
                                    "properties": {
                                        "status": {"type": "string"},
                                        "level": {"type": "string"},
                                        "user_id": {
                                            "type": "string",
                                            "description": "the user-ID as registered "
                                            "(typed in any case: show this one)",
                                        },
                                    },
                                }
                            }
                        },
                    },
                    **merged_errors(
                        *COMMON_ERRORS,
                        (400, ("malformed_json", "missing_field", "invalid_pin")),
                        (422, ("notifications_required",)),
                        (401, ("wrong_temporary_pin", "bad_signature")),
                        (404, ("not_found",)),
                        (409, ("not_pending",)),
                        (415, ("unsupported_media_type",)),
                        (429, ("too_many_attempts",)),
                    ),
                },
            }
        },
        "/logins": {
            "get": {
                "operationId": "pendingLogins",
                "summary": "Logins this phone may approve: scanned here, or started on the phone",
                "security": SIGNED,
                "responses": {
                    "200": {
                        "description": "Open logins, oldest first",
                        "content": json_content(
                            obj(["logins"], logins={"type": "array", "items": LOGIN})
                        ),
                    },
                    **merged_errors(*SIGNED_ERRORS),
                },
            }
        },
        "/logins/scan": {
            "post": {
                "operationId": "scanLogin",
                "summary": "Send the text of a QR frame read off the screen",
                "security": SIGNED,
                "requestBody": {
                    "required": True,
                    "content": json_content(obj(["frame"], frame=STRING)),
                },
                "responses": {
                    "200": {
                        "description": "The login, to show and approve",
                        "content": json_content(LOGIN),
                    },
                    **merged_errors(
                        (400, ("malformed_json", "missing_field")),
                        (422, ("invalid_frame",)),
                        (403, ("not_for_this_app", "identity_blocked")),
                        (409, ("login_not_open",)),
                        (410, ("stale_frame", "login_expired")),
                        (415, ("unsupported_media_type",)),
                        *SIGNED_ERRORS,
                    ),
                },
            }
        },
        "/logins/open": {
            "post": {
                "operationId": "openLogin",
                "summary": "The app was opened from a login page on the same phone",
                "description": "The page links to the app with `#autostart=<token>.<autostart>"
                "&return=<path>`; the app sends the first two here, in place of a scanned frame, "
                "and once it has approved or rejected, goes back to the page at `<path>` (on the "
                "page's own site), which then goes on.",
                "security": SIGNED,
                "requestBody": {
                    "required": True,
                    "content": json_content(
                        obj(
                            ["token", "autostart"],
                            token={"type": "string", "format": "uuid"},
                            autostart=STRING,
                        )
                    ),
                },
                "responses": {
                    "200": {
                        "description": "The login, to show and approve",
                        "content": json_content(LOGIN),
                    },
                    **merged_errors(
                        (400, ("malformed_json", "missing_field")),
                        (403, ("not_for_this_app", "identity_blocked")),
                        (404, ("not_found",)),
                        (409, ("login_not_open",)),
                        (410, ("login_expired",)),
                        (415, ("unsupported_media_type",)),
                        *SIGNED_ERRORS,
                    ),
                },
            }
        },
        "/logins/{token}/approve": {
            "post": {
                "operationId": "approveLogin",
                "summary": "Approve: the PIN of the user-ID, and a signature over signing_input",
                "security": SIGNED,
                "parameters": [TOKEN_PARAMETER],
                "requestBody": {
                    "required": True,
                    "content": json_content(
                        obj(
                            ["signature", "pin"],
                            signature={**STRING, "description": "over signing_input, by key_id"},
                            pin={
                                "type": "string",
                                "pattern": "^[0-9]{6}$",
                                "description": "always; biometrics only unlock it on the phone",
                            },
                        )
                    ),
                },
                "responses": {
                    "200": {
                        "description": "Approved",
                        "content": json_content(obj(["status"], status=STRING)),
                    },
                    **merged_errors(
                        (400, ("malformed_json", "missing_field")),
                        (401, ("wrong_pin",)),
                        (403, ("not_for_this_app",)),
                        (404, ("not_found",)),
                        (409, ("login_not_open", "scan_first")),
                        (410, ("login_expired",)),
                        (415, ("unsupported_media_type",)),
                        *SIGNED_ERRORS,
                    ),
                },
            }
        },
        "/logins/{token}/reject": {
            "post": {
                "operationId": "rejectLogin",
                "summary": "Reject: the citizen did not start this login",
                "security": SIGNED,
                "parameters": [TOKEN_PARAMETER],
                "requestBody": {"required": True, "content": json_content(obj([]))},
                "responses": {
                    "200": {
                        "description": "Rejected",
                        "content": json_content(obj(["status"], status=STRING)),
                    },
                    **merged_errors(
                        (400, ("malformed_json",)),
                        (403, ("not_for_this_app",)),
                        (404, ("not_found",)),
                        (409, ("login_not_open", "scan_first")),
                        (410, ("login_expired",)),
                        (415, ("unsupported_media_type",)),
                        *SIGNED_ERRORS,
                    ),
                },
            }
        },
    },
}


# The roads without NemID -------------------------------------------------------------------

# A step of the passport road: the enrollment token in the body; a helper's app signs.
OPTIONALLY_SIGNED: list[dict[str, list[str]]] = [{}, {"deviceSignature": []}]
SIGNER_ERRORS = (
    (401, ("unauthenticated", "bad_signature", "stale_request", "replayed_request")),
    (403, ("device_not_active",)),
    (429, ("too_many_attempts",)),
)
STEP_ERRORS = (
    (400, ("malformed_json", "missing_field")),
    (403, ("not_for_this_app",)),
    (404, ("enrollment_not_found",)),
    (409, ("wrong_step", "enrollment_closed")),
    (410, ("enrollment_expired",)),
    (415, ("unsupported_media_type",)),
    *SIGNER_ERRORS,
    *COMMON_ERRORS,
)
B64 = {"type": "string", "format": "byte", "minLength": 1}
NEXT = obj(["next"], next=STRING)
NEW_APP = obj(
    ["status", "challenge", "key_id"],
    status={"type": "string", "enum": ["temporary_pin_sent", "waiting_for_old_app"]},
    challenge={
        "type": "string",
        "description": "sign it when confirming (POST activations/{installation_id}/confirm)",
    },
    key_id={"type": "string", "format": "uuid"},
    user_id={"type": "string"},
)
NEW_KEY = {
    "public_key": {**STRING, "description": "P-256, base64 DER SPKI"},
    "installation_id": {"type": "string", "format": "uuid"},
    "device_name": DEVICE_NAME,
}
COPY = obj(
    ["qr", "copy_id", "expires_at"],
    qr={"type": "string", "description": "show it as a QR code; valid 3 minutes, once"},
    copy_id={"type": "string", "format": "uuid"},
    expires_at={"type": "string", "format": "date-time"},
)
MATCH_CODE = {
    "type": "string",
    "pattern": "^[0-9]{4}$",
    "description": "shown on both phones: the citizen confirms only if they are the same",
}
CONFIRM_BY = {
    "type": "string",
    "format": "date-time",
    "description": "the old app may confirm before it; after, the copy is over",
}
COPY_SCANNED_BY_NEW_APP = {
    **NEW_APP,
    "properties": {**NEW_APP["properties"], "match_code": MATCH_CODE, "confirm_by": CONFIRM_BY},
}
NEW_PHONE_COPY = obj(
    ["status"],
    status={"type": "string", "enum": ["temporary_pin_sent", "waiting_for_old_app"]},
    confirm_by=CONFIRM_BY,
)
SCANNED_COPY = obj(
    ["status", "device_name", "scanned_at", "confirm_by", "match_code", "signing_input"],
    status={"type": "string", "enum": ["scanned"]},
    device_name={"type": "string", "description": "the name the new phone gave itself"},
    scanned_at={"type": "string", "format": "date-time"},
    confirm_by={"type": "string", "format": "date-time", "description": "confirm before it"},
    match_code=MATCH_CODE,
    signing_input={
        "type": "string",
        "description": "sign it to approve the copy to this phone (it names the phone's key)",
    },
)


# What the old app is told of the copy it showed: gone, not scanned yet, used, out of time.
COPY_STATE_ERRORS = (
    (404, ("not_found",)),
    (409, ("copy_not_scanned", "copy_code_used")),
    (410, ("copy_code_expired",)),
    (415, ("unsupported_media_type",)),
    *SIGNED_ERRORS,
)
COPY_ID = {
    "name": "copy_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}


def operation(
    operation_id: str,
    summary: str,
    request: dict[str, Any],
    answer: tuple[int, str, dict[str, Any]],
    *error_groups: tuple[int, tuple[str, ...]],
    security: list[dict[str, list[str]]] | None = None,
    parameters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    status, description, schema = answer
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            **({"security": security} if security is not None else {}),
            **({"parameters": parameters} if parameters else {}),
            "requestBody": {"required": True, "content": json_content(request)},
            "responses": {
                str(status): {"description": description, "content": json_content(schema)},
                **merged_errors(*error_groups),
            },
        }
    }


PASSPORT_CHECKS = (
    "mrz_invalid",
    "mrz_check_digit",
    "not_a_passport",
    "passport_expired",
)
CHIP_CHECKS = (
    "chip_malformed",
    "chip_data_altered",
    "chip_signature_invalid",
    "chip_signer_untrusted",
    "chip_mrz_mismatch",
    "passport_mismatch",
)

OPENAPI["paths"].update(
    {
        "/passport/enrollments": operation(
            "startPassportEnrollment",
            "The passport road: the terms accepted, and the person's CPR number or P-code "
            "(signed by a helper's app when it runs the road for someone else)",
            obj(
                ["terms_version"],
                terms_accepted={"type": "boolean", "enum": [True]},
                terms_version=STRING,
                cpr=STRING,
                p_code={"type": "string", "description": "for someone without a CPR number"},
                language={"type": "string", "enum": ["da", "en", "kl"]},
            ),
            (
                201,
                "Started; send the enrollment token with every step",
                obj(
                    ["enrollment_token", "next", "expires_at"],
                    enrollment_token=STRING,
                    next=STRING,
                    expires_at={"type": "string", "format": "date-time"},
                ),
            ),
            (
                400,
                ("malformed_json", "missing_field"),
            ),
            (
                422,
                ("terms_not_accepted", "person_number_missing", "person_number_invalid"),
            ),
            (403, ("cannot_help_yourself",)),
            (415, ("unsupported_media_type",)),
            *SIGNER_ERRORS,
            *COMMON_ERRORS,
            security=OPTIONALLY_SIGNED,
        ),
        "/passport/mrz": operation(
            "readPassportMrz",
            "The machine-readable zone read by the camera (ICAO 9303 TD3, two lines)",
            obj(["enrollment_token", "mrz"], enrollment_token=STRING, mrz=STRING),
            (
                200,
                "Read; now the chip",
                obj(["next", "document_number"], next=STRING, document_number=STRING),
            ),
            (422, PASSPORT_CHECKS),
            *STEP_ERRORS,
            security=OPTIONALLY_SIGNED,
        ),
        "/passport/chip": operation(
            "readPassportChip",
            "The chip's DG1, DG2 and EF.SOD (base64), checked by passive authentication",
            obj(
                ["enrollment_token", "dg1", "dg2", "sod"],
                enrollment_token=STRING,
                dg1=B64,
                dg2=B64,
                sod=B64,
            ),
            (200, "Authentic and the person's; now the face", NEXT),
            (422, CHIP_CHECKS),
            (403, ("identity_blocked",)),
            *STEP_ERRORS,
            security=OPTIONALLY_SIGNED,
        ),
        "/passport/face": operation(
            "matchPassportFace",
            "A picture of the face, matched against the chip's portrait",
            obj(["enrollment_token", "picture"], enrollment_token=STRING, picture=B64),
            (
                200,
                "The same face; now the user-ID",
                obj(
                    ["next", "has_mitid"],
                    next=STRING,
                    has_mitid={
                        "type": "boolean",
                        "description": "the person has a user-ID: type it (a recovery)",
                    },
                ),
            ),
            (422, ("face_mismatch", "face_not_live", "face_unreadable")),
            *STEP_ERRORS,
            security=OPTIONALLY_SIGNED,
        ),
        "/passport/user-id": operation(
            "choosePassportUserId",
            "A new user-ID by the rules; someone with MitID already types their own",
            obj(["enrollment_token", "user_id"], enrollment_token=STRING, user_id=STRING),
            (200, "Chosen: next is `app`, or `copy_or_order` for a helper", NEXT),
            (409, ("user_id_taken",)),
            (422, ("user_id_invalid", "not_your_user_id")),
            *STEP_ERRORS,
            security=OPTIONALLY_SIGNED,
        ),
        "/passport/app": operation(
            "startPassportApp",
            "The citizen's own phone: its key and mobile number; a temporary PIN goes by SMS",
            obj(
                ["enrollment_token", "mobile", "public_key", "installation_id"],
                enrollment_token=STRING,
                mobile=STRING,
                **NEW_KEY,
            ),
            (201, "Confirm with POST activations/{installation_id}/confirm", NEW_APP),
            (422, ("invalid_mobile", "not_your_user_id")),
            (422, ("invalid_key",)),
            (403, ("installation_not_proven", "identity_blocked")),
            (409, ("user_id_taken", "too_many_apps", "already_active")),
            (429, ("too_many_sms",)),
            *STEP_ERRORS,
            security=OPTIONALLY_SIGNED,
        ),
        "/passport/copy": operation(
            "copyForHelped",
            "A helper's app shows a QR code for the helped person's own new phone",
            obj(["enrollment_token", "mobile"], enrollment_token=STRING, mobile=STRING),
            (201, "Show the QR code; the new phone scans it (POST copies/scan)", COPY),
            (422, ("invalid_mobile", "not_your_user_id")),
            (403, ("identity_blocked",)),
            (409, ("user_id_taken", "too_many_apps")),
            (429, ("too_many_sms",)),
            *STEP_ERRORS,
            security=SIGNED,
        ),
        "/passport/order": operation(
            "orderForHelped",
            "A helper's app orders a code device by post for the helped person",
            obj(
                ["enrollment_token", "kind", "mobile"],
                enrollment_token=STRING,
                kind={"type": "string", "enum": ["kodeviser", "kodeoplaeser"]},
                mobile=STRING,
            ),
            (201, "Ordered", obj(["status", "kind"], status=STRING, kind=STRING)),
            (422, ("invalid_mobile", "invalid_kind", "not_your_user_id")),
            (403, ("identity_blocked",)),
            (409, ("user_id_taken", "order_exists", "no_address")),
            *STEP_ERRORS,
            security=SIGNED,
        ),
        "/copies": operation(
            "showCopyCode",
            "An active app shows a QR code to copy itself to a new phone",
            obj([]),
            (201, "Show the QR code; valid 3 minutes, once", COPY),
            (400, ("malformed_json",)),
            (409, ("too_many_apps",)),
            (415, ("unsupported_media_type",)),
            *SIGNED_ERRORS,
            security=SIGNED,
        ),
        "/copies/check": operation(
            "checkCopyCode",
            "The new phone scanned the QR code: can it still be used? (before the user-ID)",
            obj(["qr"], qr=STRING),
            (
                200,
                "It can: ask for the user-ID, then POST copies/scan",
                obj(["status", "expires_at"], status=STRING, expires_at=STRING),
            ),
            (400, ("malformed_json", "missing_field")),
            (422, ("copy_code_invalid",)),
            (409, ("copy_code_used",)),
            (410, ("copy_code_expired",)),
            (415, ("unsupported_media_type",)),
            *COMMON_ERRORS,
        ),
        "/copies/scan": operation(
            "scanCopyCode",
            "The new phone scanned the QR code: the user-ID typed there, and its new key",
            obj(
                ["qr", "user_id", "public_key", "installation_id"],
                qr=STRING,
                user_id=STRING,
                **NEW_KEY,
            ),
            (
                201,
                "Registered; the old app confirms (or, for someone helped, the SMS comes)",
                COPY_SCANNED_BY_NEW_APP,
            ),
            (400, ("malformed_json", "missing_field")),
            (422, ("copy_code_invalid",)),
            (403, ("installation_not_proven",)),
            (409, ("copy_code_used", "too_many_apps", "already_active")),
            (410, ("copy_code_expired",)),
            (415, ("unsupported_media_type",)),
            (422, ("not_your_user_id", "invalid_key")),
            *COMMON_ERRORS,
        ),
        "/copies/new-phone": operation(
            "newPhoneCopy",
            "The new phone asks after the copy it scanned, by the key ID the scan gave it",
            obj(["key_id"], key_id={"type": "string", "format": "uuid"}),
            (
                200,
                "Confirmed (the SMS is on its way: ask for the PIN), or still waiting",
                NEW_PHONE_COPY,
            ),
            (400, ("malformed_json", "missing_field")),
            # Over: its time to be confirmed ran out, or the old app showed a new code. The
            # phone forgets the user-ID it was setting up; the citizen starts again.
            (410, ("copy_code_expired", "copy_replaced")),
            (415, ("unsupported_media_type",)),
            # Too many key IDs that scanned no copy from this client.
            (429, ("too_many_attempts",)),
            *COMMON_ERRORS,
        ),
        "/copies/{copy_id}": operation(
            "scannedCopy",
            "The old app asks which phone scanned its code: show its name and the match code",
            obj([]),
            (200, "Scanned: show the name and the code, then ask for the PIN", SCANNED_COPY),
            (400, ("malformed_json",)),
            *COPY_STATE_ERRORS,
            security=SIGNED,
            parameters=[COPY_ID],
        ),
        "/copies/{copy_id}/approve": operation(
            "approveCopy",
            "The old app confirms the copy: its PIN and a signature over signing_input",
            obj(
                ["pin", "signature"],
                pin={"type": "string", "pattern": "^[0-9]{6}$"},
                signature={**STRING, "description": "over signing_input, by this key"},
            ),
            (
                200,
                "Approved: the new phone's temporary PIN is on its way",
                obj(["status"], status=STRING),
            ),
            (400, ("malformed_json", "missing_field")),
            (401, ("wrong_pin",)),
            *COPY_STATE_ERRORS,
            security=SIGNED,
            parameters=[COPY_ID],
        ),
    }
)
