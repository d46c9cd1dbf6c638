"""The App API: activation of the MitID app, checked against its OpenAPI document."""

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from app_api.views import STATUS
from authenticators import app_keys, lifecycle, names
from authenticators.models import AppDevice, Identity
from enrollment import services as enrollment_services
from enrollment.models import AppActivationCode, EnrollmentCase
from messaging.models import Message, OutboxMessage
from tests.app_api.conftest import API, AppApi
from tests.factories import jonas_activation_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def activation_code(demo_people: None) -> str:
    """Jonas has enrolled for the app: confirmed mobile, user-ID, an activation code."""
    return jonas_activation_code()


class Phone:
    """The app's side of the conversation, as the simulator will speak it."""

    def __init__(self, api: AppApi) -> None:
        self.api = api
        self.client = api.client
        self.key = app_keys.new_private_key()
        self.installation = str(uuid.uuid4())
        self.challenge = ""

    def post(
        self, path: str, body: Any, content_type: str = "application/json", *, valid: bool = True
    ) -> Any:
        return self.api.call("POST", path, body, content_type=content_type, valid_request=valid)

    def start(
        self, code: str, user_id: str = "j()nas jen5en", device_name: str = "Jonas's phone"
    ) -> Any:
        response = self.post(
            "/activations",
            {
                "user_id": user_id,
                "activation_code": code,
                "installation_id": self.installation,
                "public_key": app_keys.public_key_to_b64(self.key.public_key()),
                "device_name": device_name,
            },
        )
        if response.status_code == 201:
            self.challenge = response.json()["challenge"]
        return response

    def confirm(self, temporary_pin: str, **overrides: Any) -> Any:
        body = {
            "user_id": "J()nas Jen5en",
            "temporary_pin": temporary_pin,
            "pin": "246810",
            "signature": app_keys.sign(self.key, self.challenge.encode()),
            "notifications_accepted": True,
            "biometrics": False,
            **overrides,
        }
        return self.post(f"/activations/{self.installation}/confirm", body)


def temporary_pin() -> str:
    message = OutboxMessage.objects.filter(body__contains="temporary PIN").first()
    assert message is not None and message.recipient == "+4520304050"
    match = re.search(r"\b(\d{6})\b", message.body)
    assert match
    return match.group(1)


@pytest.fixture
def phone(app_api: AppApi) -> Phone:
    return Phone(app_api)


def test_jonas_activates_the_app_through_the_api(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        started = phone.start(activation_code)
    assert started.status_code == 201
    assert started.json()["status"] == "temporary_pin_sent"

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = phone.confirm(temporary_pin())
    assert confirmed.status_code == 200
    # The user-ID as registered, typed "j()nas jen5en": the phone lists it so (a walk).
    assert confirmed.json() == {
        "status": "active",
        "level": "substantial",
        "user_id": "J()nas Jen5en",
    }
    identity = Identity.objects.get(cpr="1505831235")
    assert identity.status == "active"
    device = AppDevice.objects.get()
    assert device.pin_hash and "246810" not in device.pin_hash
    assert OutboxMessage.objects.filter(body__contains="was activated on a new device").exists()
    assert EnrollmentCase.objects.get().status == "completed"


def test_a_phones_name_is_one_line_of_plain_text_in_the_messages_about_it(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks
) -> None:
    """A name with a line break wrote lines of its own into MitID's messages, and broke the
    e-mails (no header holds one); a right-to-left override turned what follows it round."""
    name = "Ring 70 20 30 40\nfor at\u202eundgå\u00a0spærring\u200b!"
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.start(activation_code, device_name=name).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.confirm(temporary_pin()).status_code == 200
    device = AppDevice.objects.get()
    assert device.name == "Ring 70 20 30 40 for at undgå spærring !"
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.block_device(device, reason="lost", by=None)
    sms = Message.objects.filter(channel="sms", body__contains="has been blocked").get()
    assert f"Your MitID app ({device.name}) has been blocked" in sms.body


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("", "MitID app"),
        ("\u202e\n\t", "MitID app"),
        ("Mettes 👩\u200d👩\u200d👧 telefon", "Mettes 👩\u200d👩\u200d👧 telefon"),
        ("x" * 50, "x" * 40),
    ],
)
def test_a_phones_name_keeps_what_people_read(given: str, kept: str) -> None:
    assert names.device_name(given, default="MitID app") == kept


def test_an_activation_code_works_once(phone: Phone, activation_code: str) -> None:
    assert phone.start(activation_code).status_code == 201
    again = Phone(phone.api).start(activation_code)
    assert (again.status_code, again.json()["error"]["code"]) == (401, "invalid_activation_code")


def test_an_activation_code_is_taken_as_typed(phone: Phone, activation_code: str) -> None:
    """Lower case, and a space where the letter has a hyphen (a walk's "4ezn uejd")."""
    typed = activation_code.lower().replace("-", " ")
    assert " " in typed
    assert phone.start(typed).status_code == 201


def test_an_expired_activation_code_is_refused(phone: Phone, activation_code: str) -> None:
    AppActivationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert phone.start(activation_code).json()["error"]["code"] == "invalid_activation_code"
    assert not AppDevice.objects.exists()


def test_a_blank_user_id_is_nobodys_even_with_a_right_code(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks
) -> None:
    """A person whose user-ID was given up (an abandoned enrollment) has an empty one: a
    user-ID of spaces, which the API takes as a non-empty field, must not find them."""
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.start(activation_code).status_code == 201
    Identity.objects.filter(cpr="1505831235").update(user_id="", user_id_key="")
    confirmed = phone.confirm(temporary_pin(), user_id="  ")
    assert (confirmed.status_code, confirmed.json()["error"]["code"]) == (404, "not_found")
    AppActivationCode.objects.update(used_at=None)
    again = Phone(phone.api).start(activation_code, user_id="  ")
    assert again.json()["error"]["code"] == "invalid_activation_code"
    assert AppDevice.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "malformed_json"),
        ("[1, 2]", "application/json", 400, "malformed_json"),
        # More digits than Python turns into an integer (a 500 before, found by a probe).
        ('{"user_id": ' + "9" * 5000 + "}", "application/json", 400, "malformed_json"),
        # Nested deep enough to parse, and to run a recursive check out of stack (a 500).
        ('{"user_id": ' + "[" * 600 + "]" * 600 + "}", "application/json", 400, "missing_field"),
        ({"user_id": "x"}, "application/json", 400, "missing_field"),
        ("user_id=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        # Text no database can hold: half a surrogate pair, a NUL (a 500 before).
        ('{"user_id": "J\\ud800nas"}', "application/json", 422, "invalid_text"),
        ('{"user_id": "Jo\\u0000nas"}', "application/json", 422, "invalid_text"),
        # An empty string is a missing field (the document says minLength 1).
        (
            {"user_id": "", "activation_code": "x", "public_key": "x", "installation_id": "x"},
            "application/json",
            400,
            "missing_field",
        ),
    ],
)
def test_malformed_requests_get_a_json_error_code(
    phone: Phone, db: None, body: Any, content_type: str, status: int, code: str
) -> None:
    response = phone.post("/activations", body, content_type, valid=False)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/no-such-thing"),  # the CSRF page's HTML before
        ("DELETE", "/logins"),
        ("PUT", "/openapi.json"),
        ("POST", "/logins/not-a-uuid/approve"),
        ("POST", "/logins/a%0Ab/reject"),  # a newline in the path: Django's HTML 404 before
    ],
)
def test_every_answer_under_the_api_is_json(
    client: Client, db: None, method: str, path: str
) -> None:
    response = client.generic(method, f"{API}{path}", "{}", content_type="application/json")
    assert response["Content-Type"] == "application/json"
    assert response.status_code in (404, 405)
    assert response.json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_a_signed_endpoint_asks_for_the_signature_before_anything_else(
    client: Client, db: None
) -> None:
    response = client.post(f"{API}/logins/scan", "{}", content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthenticated")


def test_a_body_too_large_is_refused_in_json(client: Client, db: None, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = '{"user_id": "' + "x" * 200 + '"}'
    response = client.post(f"{API}/activations", body, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (413, "payload_too_large")


def test_a_key_that_is_not_p256_is_refused(phone: Phone, activation_code: str) -> None:
    response = phone.post(
        "/activations",
        {
            "user_id": "J()nas Jen5en",
            "activation_code": activation_code,
            "installation_id": phone.installation,
            "public_key": "bm90IGEga2V5",
        },
    )
    assert response.json()["error"]["code"] == "invalid_key"


def test_a_wrong_temporary_pin_is_counted(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        phone.start(activation_code)
    wrong = "000000" if temporary_pin() != "000000" else "111111"
    response = phone.confirm(wrong)
    assert (response.status_code, response.json()["error"]["code"]) == (401, "wrong_temporary_pin")
    device = AppDevice.objects.get()
    assert (device.status, device.throttling_failure_count) == ("pending", 1)


def test_a_signature_by_another_key_is_refused_and_changes_nothing(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        phone.start(activation_code)
    forged = app_keys.sign(app_keys.new_private_key(), phone.challenge.encode())
    response = phone.confirm(temporary_pin(), signature=forged)
    assert response.json()["error"]["code"] == "bad_signature"
    assert AppDevice.objects.get().status == "pending"


def test_a_replayed_confirmation_is_refused(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        phone.start(activation_code)
    pin = temporary_pin()
    assert phone.confirm(pin).status_code == 200
    replay = phone.confirm(pin)
    assert (replay.status_code, replay.json()["error"]["code"]) == (409, "not_pending")


def test_notifications_must_be_accepted(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        phone.start(activation_code)
    response = phone.confirm(temporary_pin(), notifications_accepted=False)
    assert response.json()["error"]["code"] == "notifications_required"


def test_at_most_three_active_apps(phone: Phone, activation_code: str) -> None:
    identity = Identity.objects.get(cpr="1505831235")
    for _ in range(3):
        AppDevice.objects.create(
            identity=identity,
            user=identity.ensure_user(),
            installation_id=uuid.uuid4(),
            public_key=app_keys.public_key_to_b64(app_keys.new_private_key().public_key()),
            status="active",
        )
    response = phone.start(activation_code)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "too_many_apps")


def test_an_unknown_installation_is_not_found(phone: Phone, db: None) -> None:
    response = phone.confirm("123456")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


# Checked against the OpenAPI document --------------------------------------------------


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_the_document_is_openapi_3_and_every_path_is_served(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    for path in document["paths"]:
        concrete = path.replace("{installation_id}", str(uuid.uuid4())).replace(
            "{token}", str(uuid.uuid4())
        )
        try:
            resolve(f"{API}{concrete}")
        except Resolver404:
            pytest.fail(f"{path} is in the document but not served")


def test_every_error_code_is_declared_with_the_status_the_api_gives_it(
    document: dict[str, Any],
) -> None:
    declared: dict[str, int] = {}
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                for code in response.get("x-error-codes", []):
                    declared[code] = int(status)
    assert declared == STATUS


def test_wrong_activation_codes_are_counted_and_then_refused(
    phone: Phone, activation_code: str
) -> None:
    from tests.caches import empty_cache

    empty_cache()
    codes = [phone.start("WRNG-CODE").json()["error"]["code"] for _ in range(6)]
    assert codes == ["invalid_activation_code"] * 5 + ["too_many_attempts"]
    right = phone.start(activation_code)
    assert (right.status_code, right.json()["error"]["code"]) == (429, "too_many_attempts")
    empty_cache()


def test_wrong_activation_codes_typed_elsewhere_do_not_lock_the_owner_out(
    phone: Phone, activation_code: str, settings: Any
) -> None:
    """A probe locked Jonas out of activating his app with five wrong codes in his name from
    another address: they are counted for the user-ID from that address, and for it."""
    from tests.caches import empty_cache

    empty_cache()
    settings.CLIENT_FAILURES_PER_WINDOW = 7
    phone.client.defaults["REMOTE_ADDR"] = "203.0.113.9"  # a stranger
    codes = [phone.start("WRNG-CODE").json()["error"]["code"] for _ in range(6)]
    assert codes == ["invalid_activation_code"] * 5 + ["too_many_attempts"]
    # Past its limit, the address is refused any user-ID's codes until its window is over.
    others = [phone.start("WRNG-CODE", user_id="karen k").status_code for _ in range(3)]
    assert others == [401, 401, 429]
    phone.client.defaults["REMOTE_ADDR"] = "127.0.0.1"  # Jonas, with his own new code
    assert phone.start(activation_code).status_code == 201
    empty_cache()


def test_the_temporary_pin_cannot_be_guessed_past_the_lock(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks, settings
) -> None:
    settings.AUTHENTICATOR_MAX_FAILURES = 3
    with django_capture_on_commit_callbacks(execute=True):
        phone.start(activation_code)
    pin = temporary_pin()
    wrong = "000000" if pin != "000000" else "111111"
    codes = [phone.confirm(wrong).json()["error"]["code"] for _ in range(4)]
    assert codes == ["wrong_temporary_pin"] * 3 + ["too_many_attempts"]
    assert phone.confirm(pin).json()["error"]["code"] == "too_many_attempts"


def test_the_limit_of_three_apps_holds_when_activations_are_confirmed(
    activation_code: str, django_capture_on_commit_callbacks
) -> None:
    """Two activations started while two apps were active cannot both finish."""
    from activation import services as activation
    from tests.factories import AppDeviceFactory

    identity = Identity.objects.get(cpr="1505831235")
    for _ in range(2):
        AppDeviceFactory(identity=identity)
    pending = []
    for _ in range(2):
        key = app_keys.new_private_key()
        device = AppDeviceFactory(
            identity=identity,
            status="pending",
            public_key=app_keys.public_key_to_b64(key.public_key()),
        )
        device.private_key = key
        pending.append(device)
    answers = []
    for device in pending:
        pin = device.issue_temporary_pin()
        challenge = device.generate_challenge()
        try:
            activation.confirm_app_activation(
                device=device,
                temporary_pin=pin,
                pin="135790",
                signature=app_keys.sign(pending[len(answers)].private_key, challenge.encode()),
                notifications_accepted=True,
                biometrics=False,
            )
            answers.append("active")
        except activation.ActivationRefused as refusal:
            answers.append(refusal.code)
    assert answers == ["active", "too_many_apps"]
    assert AppDevice.objects.filter(identity=identity, status="active").count() == 3


def test_activating_again_on_the_same_phone_is_refused_plainly(
    phone: Phone, activation_code: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        phone.start(activation_code)
    phone.confirm(temporary_pin())
    identity = Identity.objects.get(cpr="1505831235")
    _activation, code = enrollment_services.issue_activation_code(identity.cases.get())
    again = phone.start(code)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_active")


def test_a_phone_joins_another_persons_installation_only_by_proving_it(
    phone: Phone, activation_code: str
) -> None:
    from tests.factories import AppDeviceFactory

    AppDeviceFactory(identity__user_id="Karen K", installation_id=phone.installation)
    response = phone.start(activation_code)
    assert (response.status_code, response.json()["error"]["code"]) == (
        403,
        "installation_not_proven",
    )


def test_the_names_phones_gave_before_are_made_one_line_too(db: None) -> None:
    from importlib import import_module

    from django.apps import apps

    from tests.factories import AppDeviceFactory

    migration = import_module("authenticators.migrations.0014_device_names_one_line")
    bad, good = AppDeviceFactory(name="Ring\nnu"), AppDeviceFactory(name="Jonas's phone")
    migration.clean_names(apps, None)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert (bad.name, good.name) == ("Ring nu", "Jonas's phone")
