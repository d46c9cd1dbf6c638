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


OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "MitID App API",
        "version": "1",
        "description": "What the MitID app calls. JSON only; no cookies. The app proves itself "
        "with the activation code, then with ECDSA P-256 signatures (DER, base64) by its "
        "device key.",
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
                                    "user_id": {"type": "string"},
                                    "activation_code": {"type": "string"},
                                    "public_key": {
                                        "type": "string",
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
                                    "required": ["status", "challenge"],
                                    "properties": {
                                        "status": {"type": "string"},
                                        "challenge": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    **errors(
                        (400, ("malformed_json", "missing_field", "invalid_key")),
                        (401, ("invalid_activation_code",)),
                        (409, ("too_many_apps",)),
                        (415, ("unsupported_media_type",)),
                        (429, ("too_many_attempts",)),
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
                                    "user_id": {"type": "string"},
                                    "temporary_pin": {"type": "string"},
                                    "pin": {"type": "string", "pattern": "^[0-9]{6}$"},
                                    "signature": {
                                        "type": "string",
                                        "description": "over the challenge",
                                    },
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
                    **errors(
                        (
                            400,
                            (
                                "malformed_json",
                                "missing_field",
                                "invalid_pin",
                                "notifications_required",
                            ),
                        ),
                        (401, ("wrong_temporary_pin", "bad_signature")),
                        (404, ("not_found",)),
                        (409, ("not_pending",)),
                        (415, ("unsupported_media_type",)),
                        (429, ("too_many_attempts",)),
                    ),
                },
            }
        },
    },
}
