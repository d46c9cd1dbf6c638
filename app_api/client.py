"""A MitID app simulator for the command line: its keys in a state file, and the App API.

It speaks only HTTP to the portal, as a phone would; nothing here touches the database.
"""

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from authenticators import app_keys

from . import auth as api_auth


class ApiError(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code


@dataclass
class AppState:
    """What the phone remembers: its installation id, and a key per user-ID it holds."""

    path: Path
    installation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)
    # The portal the app was activated against: later runs talk to it without --url.
    portal_url: str = ""

    @classmethod
    def load(cls, path: Path) -> "AppState":
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text())
        return cls(
            path, data["installation_id"], data.get("accounts", {}), data.get("portal_url", "")
        )

    def save(self) -> None:
        """Write the keys to a file only its owner can read, from its first byte."""
        text = json.dumps(
            {
                "installation_id": self.installation_id,
                "portal_url": self.portal_url,
                "accounts": self.accounts,
            },
            indent=2,
        )
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(text)

    def active_user_ids(self) -> list[str]:
        return [uid for uid, account in self.accounts.items() if account["status"] == "active"]

    def private_key(self, user_id: str) -> ec.EllipticCurvePrivateKey:
        pem = self.accounts[user_id]["private_key"].encode()
        key = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key


def _pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class AppClient:
    def __init__(self, base_url: str, state: AppState) -> None:
        self.base_url = base_url.rstrip("/") + "/api/app/v1"
        self.state = state

    def _post(
        self, path: str, body: dict[str, Any], *, signed_by: str | None = None
    ) -> dict[str, Any]:
        return self._request("POST", path, json.dumps(body).encode(), signed_by)

    def _get(self, path: str, *, signed_by: str) -> dict[str, Any]:
        return self._request("GET", path, b"", signed_by)

    def _request(
        self, method: str, path: str, data: bytes, signed_by: str | None
    ) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"} if method == "POST" else {}
        if signed_by is not None:
            headers["Authorization"] = api_auth.authorization_header(
                key_id=self.state.accounts[signed_by]["key_id"],
                private_key=self.state.private_key(signed_by),
                method=method,
                path=urllib.parse.urlsplit(self.base_url + path).path,
                body=data,
            )
        request = urllib.request.Request(  # noqa: S310 - the URL is the portal's, given by the user
            self.base_url + path,
            data=data if method == "POST" else None,
            method=method,
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                return dict(json.loads(response.read()))
        except urllib.error.HTTPError as error:
            try:
                code = json.loads(error.read())["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = "http_error"
            raise ApiError(error.code, code) from error

    def start_activation(self, *, user_id: str, activation_code: str, device_name: str) -> None:
        key = app_keys.new_private_key()
        # A phone that already holds a user-ID proves it is the same installation.
        active = self.state.active_user_ids()
        answer = self._post(
            "/activations",
            {
                "user_id": user_id,
                "activation_code": activation_code,
                "installation_id": self.state.installation_id,
                "device_name": device_name,
                "public_key": app_keys.public_key_to_b64(key.public_key()),
            },
            signed_by=active[0] if active else None,
        )
        self.state.accounts[user_id] = {
            "private_key": _pem(key),
            "key_id": answer["key_id"],
            "challenge": answer["challenge"],
            "status": "pending",
        }
        self.state.save()

    def confirm_activation(self, *, user_id: str, temporary_pin: str, pin: str) -> dict[str, Any]:
        account = self.state.accounts[user_id]
        signature = app_keys.sign(self.state.private_key(user_id), account["challenge"].encode())
        answer = self._post(
            f"/activations/{self.state.installation_id}/confirm",
            {
                "user_id": user_id,
                "temporary_pin": temporary_pin,
                "pin": pin,
                "signature": signature,
                "notifications_accepted": True,
                "biometrics": False,
            },
        )
        account["status"] = answer["status"]
        account.pop("challenge", None)
        self.state.save()
        return answer

    # Logins ------------------------------------------------------------------------------

    def signer(self) -> str:
        """Any active user-ID on this phone can sign for the installation."""
        active = self.state.active_user_ids()
        if not active:
            raise ApiError(0, "no_active_user_id")
        return active[0]

    def scan(self, frame: str) -> dict[str, Any]:
        """A QR frame read off a screen, or the link a login page on this phone opened."""
        if "#autostart=" in frame:
            token, _dot, rest = frame.split("#autostart=", 1)[1].partition(".")
            autostart = rest.split("&", 1)[0]  # what follows is the page to go back to
            return self._post(
                "/logins/open", {"token": token, "autostart": autostart}, signed_by=self.signer()
            )
        return self._post("/logins/scan", {"frame": frame}, signed_by=self.signer())

    def pending(self) -> list[dict[str, Any]]:
        return list(self._get("/logins", signed_by=self.signer())["logins"])

    def _account_for(self, login: dict[str, Any]) -> str:
        for user_id, account in self.state.accounts.items():
            if account.get("key_id") == login["key_id"]:
                return user_id
        raise ApiError(0, "not_for_this_app")

    def approve(self, login: dict[str, Any], *, pin: str) -> dict[str, Any]:
        """Approve what the portal described; the signature covers exactly its text."""
        user_id = self._account_for(login)
        expected = [login["service"], login["text"]]
        if login["signing_input"].split("\n")[-2:] != expected:
            raise ApiError(0, "text_mismatch")  # never sign something other than what is shown
        signature = app_keys.sign(self.state.private_key(user_id), login["signing_input"].encode())
        return self._post(
            f"/logins/{login['token']}/approve",
            {"signature": signature, "pin": pin},
            signed_by=user_id,
        )

    def reject(self, login: dict[str, Any]) -> dict[str, Any]:
        return self._post(
            f"/logins/{login['token']}/reject", {}, signed_by=self._account_for(login)
        )

    # The passport road ------------------------------------------------------------------------

    def passport_road(
        self,
        *,
        passport: dict[str, Any],
        terms_version: str,
        user_id: str,
        cpr: str = "",
        p_code: str = "",
        face: bytes | None = None,
        language: str = "da",
        helper: bool = False,
        on_step: Any = None,
    ) -> str:
        """Accept the terms, read the MRZ, then the chip, take the face picture and choose the
        user-ID; returns the enrollment token for the last step (`passport_app`, or a helper's
        `passport_copy` / `passport_order`). A helper's app signs every step."""
        signer = self.signer() if helper else None
        say = on_step or (lambda text: None)
        answer = self._post(
            "/passport/enrollments",
            {
                "terms_accepted": True,
                "terms_version": terms_version,
                **({"cpr": cpr} if cpr else {"p_code": p_code}),
                "language": language,
            },
            signed_by=signer,
        )
        token = str(answer["enrollment_token"])
        say("terms accepted")
        self._post(
            "/passport/mrz", {"enrollment_token": token, "mrz": passport["mrz"]}, signed_by=signer
        )
        say("passport's machine-readable zone read")
        chip = {name: passport[name] for name in ("dg1", "dg2", "sod")}
        self._post("/passport/chip", {"enrollment_token": token, **chip}, signed_by=signer)
        say("passport's chip read and checked")
        picture = base64.b64encode(face).decode() if face is not None else passport["face"]
        self._post(
            "/passport/face", {"enrollment_token": token, "picture": picture}, signed_by=signer
        )
        say("face matched")
        self._post(
            "/passport/user-id", {"enrollment_token": token, "user_id": user_id}, signed_by=signer
        )
        say("user-ID chosen")
        return token

    def _new_account(
        self, user_id: str, key: ec.EllipticCurvePrivateKey, answer: dict[str, Any]
    ) -> None:
        self.state.accounts[user_id] = {
            "private_key": _pem(key),
            "key_id": answer["key_id"],
            "challenge": answer["challenge"],
            "status": "pending",
        }
        self.state.save()

    def passport_app(self, *, token: str, user_id: str, mobile: str, device_name: str) -> str:
        """This phone gets the MitID: its key, and the temporary PIN by SMS to `mobile`."""
        key = app_keys.new_private_key()
        active = self.state.active_user_ids()
        answer = self._post(
            "/passport/app",
            {
                "enrollment_token": token,
                "mobile": mobile,
                "installation_id": self.state.installation_id,
                "device_name": device_name,
                "public_key": app_keys.public_key_to_b64(key.public_key()),
            },
            signed_by=active[0] if active else None,
        )
        user_id = str(answer.get("user_id") or user_id)
        self._new_account(user_id, key, answer)
        return user_id

    def passport_copy(self, *, token: str, mobile: str) -> dict[str, Any]:
        """A helper's app: the QR code for the helped person's own phone."""
        return self._post(
            "/passport/copy", {"enrollment_token": token, "mobile": mobile}, signed_by=self.signer()
        )

    def passport_order(self, *, token: str, kind: str, mobile: str) -> dict[str, Any]:
        """A helper's app: a code device by post for the helped person."""
        return self._post(
            "/passport/order",
            {"enrollment_token": token, "kind": kind, "mobile": mobile},
            signed_by=self.signer(),
        )

    # Copying the app to a new phone ----------------------------------------------------------

    def show_copy(self, *, user_id: str | None = None) -> dict[str, Any]:
        """The old phone: a QR code for the new one; remembered for `approve_copy`."""
        signer = user_id or self.signer()
        answer = self._post("/copies", {}, signed_by=signer)
        self.state.accounts[signer]["copy"] = json.dumps({"copy_id": answer["copy_id"]})
        self.state.save()
        return answer

    def scanned_copy(self, *, user_id: str | None = None) -> dict[str, Any]:
        """The old phone: which phone scanned the code it showed, and the match code."""
        signer = user_id or self.signer()
        shown = self.state.accounts[signer].get("copy")
        if not shown:
            raise ApiError(0, "no_copy_shown")
        copy_id = json.loads(shown)["copy_id"]
        return self._post(f"/copies/{copy_id}", {}, signed_by=signer)

    def approve_copy(
        self, *, pin: str, match_code: str, user_id: str | None = None
    ) -> dict[str, Any]:
        """The old phone confirms the copy it showed, with the PIN of the user-ID, only to the
        phone that shows `match_code` (the citizen read it there)."""
        signer = user_id or self.signer()
        scanned = self.scanned_copy(user_id=signer)
        if scanned["match_code"] != match_code.strip():
            raise ApiError(0, "match_code_differs")  # another phone scanned: never confirm it
        copy_id = json.loads(self.state.accounts[signer]["copy"])["copy_id"]
        signature = app_keys.sign(self.state.private_key(signer), scanned["signing_input"].encode())
        answer = self._post(
            f"/copies/{copy_id}/approve",
            {"pin": pin, "signature": signature},
            signed_by=signer,
        )
        self.state.accounts[signer].pop("copy", None)
        self.state.save()
        return answer

    def scan_copy(self, *, qr: str, user_id: str, device_name: str) -> dict[str, Any]:
        """The new phone scanned the old one's QR code and typed the user-ID."""
        key = app_keys.new_private_key()
        answer = self._post(
            "/copies/scan",
            {
                "qr": qr,
                "user_id": user_id,
                "installation_id": self.state.installation_id,
                "device_name": device_name,
                "public_key": app_keys.public_key_to_b64(key.public_key()),
            },
        )
        self._new_account(user_id, key, answer)
        if answer["status"] == "waiting_for_old_app":
            # Kept until the old phone confirms: the citizen compares it, and it says that this
            # user-ID waits for a copy (`new_phone_copy`).
            self.state.accounts[user_id]["match_code"] = answer["match_code"]
            self.state.save()
        return answer

    def new_phone_copy(self, *, user_id: str) -> dict[str, Any]:
        """The new phone: has the old one confirmed the copy it scanned? A copy that is over
        (`copy_code_expired`, `copy_replaced`) takes the user-ID it was setting up off this
        phone, whose key is of no use now, so that it can scan a new code."""
        account = self.state.accounts[user_id]
        try:
            answer = self._post("/copies/new-phone", {"key_id": account["key_id"]})
        except ApiError as error:
            if error.code in ("copy_code_expired", "copy_replaced"):
                del self.state.accounts[user_id]
                self.state.save()
            raise
        if answer["status"] == "temporary_pin_sent":
            account.pop("match_code", None)
            self.state.save()
        return answer
