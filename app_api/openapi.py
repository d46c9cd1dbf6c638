"""The OpenAPI 3 description of the App API; the tests check the API against it."""

from typing import Any

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code"],
            "properties": {"code": {"type": "string"}},
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
SIGNED: list[dict[str, list[str]]] = [{"deviceSignature": []}]
# Any operation may answer these: a wrong method, or the portal failing (still as JSON).
COMMON_ERRORS = (
    (422, ("invalid_text",)),
    (404, ("not_found",)),
    (405, ("method_not_allowed",)),
    (413, ("payload_too_large",)),
    (500, ("server_error",)),
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
                                    "device_name": {"type": "string"},
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
                                    "required": ["status", "level"],
                                    "properties": {
                                        "status": {"type": "string"},
                                        "level": {"type": "string"},
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
                        (403, ("not_for_this_app",)),
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
                "description": "The page links to the app with `#autostart=<token>.<autostart>`"
                "; the app sends both here, in place of a scanned frame.",
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
                        (403, ("not_for_this_app",)),
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
