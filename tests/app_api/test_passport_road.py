"""The passport road and the copy by QR in the App API, checked against its OpenAPI document.

Every bad input of issue 16 is refused with a stable code, and leaves nothing half-created.
"""

import base64
import io
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from activation import tasks as activation_tasks
from activation.models import AppCopy, PassportEnrollment
from activation.services import DEAD_APP_GRACE
from authenticators import app_keys, lifecycle
from authenticators.models import AppDevice, AuthenticatorStatus, Identity
from enrollment.models import DeviceOrder, EnrollmentCase
from login import app_logins
from messaging.models import OutboxMessage
from pages.documents import TERMS
from passports import demo, lds
from tests.app_api.conftest import AppApi
from tests.factories import AppDeviceFactory, IdentityFactory

pytestmark = pytest.mark.django_db

SOFIE = "0804044128"
Passports = dict[str, dict[str, str]]


def code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def temporary_pin(to: str = "+4520304050") -> str:
    message = OutboxMessage.objects.filter(recipient=to, channel="sms").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


class NewPhone:
    """A phone running the passport road, or scanning a copy code."""

    def __init__(self, api: AppApi, signer: AppDevice | None = None) -> None:
        self.api = api
        self.signer = signer
        self.key = app_keys.new_private_key()
        self.installation = str(uuid.uuid4())
        self.token = ""
        self.challenge = ""
        self.has_mitid: bool | None = None  # said once the face matched

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.api.call("POST", path, body, signer=self.signer)

    def start(self, **person: str) -> Any:
        body = {"terms_accepted": True, "terms_version": TERMS.version, "language": "en"}
        response = self.post("/passport/enrollments", {**body, **(person or {"cpr": SOFIE})})
        if response.status_code == 201:
            self.token = response.json()["enrollment_token"]
        return response

    def step(self, name: str, **body: str) -> Any:
        return self.post(f"/passport/{name}", {"enrollment_token": self.token, **body})

    def read(self, passport: dict[str, str], face: str | None = None) -> list[int]:
        chip = {part: passport[part] for part in ("dg1", "dg2", "sod")}
        statuses = [
            self.step("mrz", mrz=passport["mrz"]).status_code,
            self.step("chip", **chip).status_code,
        ]
        matched = self.step("face", picture=face or passport["face"])
        if matched.status_code == 200:
            self.has_mitid = matched.json()["has_mitid"]
        return [*statuses, matched.status_code]

    def key_body(self) -> dict[str, str]:
        return {
            "public_key": app_keys.public_key_to_b64(self.key.public_key()),
            "installation_id": self.installation,
            "device_name": "Sofie's phone",
        }

    def app(self, mobile: str = "20 30 40 50") -> Any:
        response = self.step("app", mobile=mobile, **self.key_body())
        if response.status_code == 201:
            self.challenge = response.json()["challenge"]
        return response

    def confirm(self, user_id: str, pin: str = "135790", temporary: str | None = None) -> Any:
        return self.api.call(
            "POST",
            f"/activations/{self.installation}/confirm",
            {
                "user_id": user_id,
                "temporary_pin": temporary or temporary_pin(),
                "pin": pin,
                "signature": app_keys.sign(self.key, self.challenge.encode()),
                "notifications_accepted": True,
            },
        )

    def device(self) -> AppDevice:
        device = AppDevice.objects.get(installation_id=self.installation)
        device.private_key = self.key
        return device


@pytest.fixture
def phone(app_api: AppApi, demo_passports: Passports) -> NewPhone:
    return NewPhone(app_api)


def whole_road(
    phone: NewPhone, passport: dict[str, str], user_id: str, capture: Any, **person: str
) -> Any:
    assert phone.start(**person).status_code == 201
    assert phone.read(passport) == [200, 200, 200]
    assert phone.step("user-id", user_id=user_id).json() == {"next": "app"}
    with capture(execute=True):
        assert phone.app().status_code == 201
    with capture(execute=True):
        return phone.confirm(user_id)


def test_sofie_gets_mitid_with_her_passport_and_logs_in_with_the_app(
    phone: NewPhone, demo_passports: Passports, django_capture_on_commit_callbacks
) -> None:
    assert not Identity.objects.filter(cpr=SOFIE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.start().status_code == 201
        assert phone.read(demo_passports["sofie-holm"]) == [200, 200, 200]
        assert phone.step("user-id", user_id="Sofie H").status_code == 200
        assert not Identity.objects.filter(cpr=SOFIE).exists()  # nothing until the last step
        answer = phone.app()
    assert answer.status_code == 201 and answer.json()["status"] == "temporary_pin_sent"
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = phone.confirm("Sofie H")
    assert confirmed.json() == {"status": "active", "level": "substantial", "user_id": "Sofie H"}
    identity = Identity.objects.get(cpr=SOFIE)
    assert (identity.status, identity.level, identity.user_id) == (
        "active",
        "substantial",
        "Sofie H",
    )
    assert identity.mobile == "+4520304050"
    # The same notice as any activation of the app.
    assert OutboxMessage.objects.filter(
        recipient="+4520304050", body__contains="activated"
    ).exists()
    enrollment = PassportEnrollment.objects.get()
    assert enrollment.portrait == b"" and enrollment.state == "app_started"

    login = app_logins.start(user_id="sofie h", service="MitID.dk", text="Log on to MitID.dk")
    device = phone.device()
    shown = phone.api.call(
        "POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=device
    ).json()
    approved = phone.api.call(
        "POST",
        f"/logins/{login.token}/approve",
        {"signature": app_keys.sign(phone.key, shown["signing_input"].encode()), "pin": "135790"},
        signer=device,
    )
    assert approved.json() == {"status": "approved"}


def test_someone_without_a_cpr_number_gets_mitid_with_a_p_code(
    phone: NewPhone, demo_passports: Passports, django_capture_on_commit_callbacks
) -> None:
    confirmed = whole_road(
        phone,
        demo_passports["ana-lima"],
        "Ana L",
        django_capture_on_commit_callbacks,
        p_code="p1029-3847",
    )
    assert confirmed.status_code == 200
    assert Identity.objects.get(cpr="P10293847").status == "active"


def refusal_after_read(phone: NewPhone, passport: dict[str, str], **person: str) -> list[Any]:
    assert phone.start(**person).status_code == 201
    chip = {part: passport[part] for part in ("dg1", "dg2", "sod")}
    return [phone.step("mrz", mrz=passport["mrz"]), phone.step("chip", **chip)]


def test_a_wrong_check_digit_is_refused(phone: NewPhone, demo_passports: Passports) -> None:
    mrz = demo_passports["sofie-holm"]["mrz"]
    wrong = mrz[:-1] + ("1" if mrz[-1] != "1" else "2")
    phone.start()
    assert code(phone.step("mrz", mrz=wrong)) == (422, "mrz_check_digit")


def test_an_expired_passport_is_refused(phone: NewPhone, demo_passports: Passports) -> None:
    expired = demo.Holder(
        surname="Holm",
        given_names="Sofie",
        document_number="220404081",
        nationality="DNK",
        birth_date=timezone.localdate().replace(year=2004, month=4, day=8),
        sex="F",
        expiry_date=timezone.localdate() - timedelta(days=1),
    )
    phone.start()
    assert code(phone.step("mrz", mrz=demo.mrz_text(expired))) == (422, "passport_expired")


def test_a_chip_whose_data_group_was_altered_is_refused(
    phone: NewPhone, demo_passports: Passports
) -> None:
    mrz, chip = refusal_after_read(phone, demo_passports["altered-sofie-holm"])
    assert mrz.status_code == 200
    assert code(chip) == (422, "chip_data_altered")


def test_a_forged_passport_is_refused(phone: NewPhone, demo_passports: Passports) -> None:
    _mrz, chip = refusal_after_read(phone, demo_passports["forged-sofie-holm"])
    assert code(chip) == (422, "chip_signer_untrusted")


def test_a_face_under_the_threshold_is_refused(phone: NewPhone, demo_passports: Passports) -> None:
    stranger = base64.b64encode(demo.face_picture("karen-hansen", noise=18)).decode()
    phone.start()
    passport = demo_passports["sofie-holm"]
    assert phone.read(passport, face=stranger) == [200, 200, 422]
    assert phone.step("face", picture=stranger).json()["error"]["code"] == "face_mismatch"
    assert phone.step("face", picture=passport["face"]).status_code == 200  # a new try


def test_a_passport_that_does_not_match_the_cpr_register_is_refused(
    phone: NewPhone, demo_passports: Passports
) -> None:
    _mrz, chip = refusal_after_read(phone, demo_passports["jonas-jensen"])
    assert code(chip) == (422, "passport_mismatch")


def test_a_chip_that_is_not_the_passport_whose_mrz_was_read_is_refused(
    phone: NewPhone, demo_passports: Passports
) -> None:
    phone.start()
    phone.step("mrz", mrz=demo_passports["sofie-holm"]["mrz"])
    jonas = demo_passports["jonas-jensen"]
    chip = {part: jonas[part] for part in ("dg1", "dg2", "sod")}
    assert code(phone.step("chip", **chip)) == (422, "chip_mrz_mismatch")


def test_a_start_says_nothing_of_the_person_until_the_chip_shows_the_passport_is_theirs(
    app_api: AppApi, demo_passports: Passports
) -> None:
    """A number nobody has starts as anybody's does, and so does the number of someone with
    MitID: the chip of a passport that is not that person's gets the same `passport_mismatch`
    for both (a start told who is in the CPR register and who has MitID)."""
    sofie = demo_passports["sofie-holm"]
    chip = {part: sofie[part] for part in ("dg1", "dg2", "sod")}
    AppDeviceFactory(identity__cpr="1505831235", identity__user_id="J()nas Jen5en")
    answers = []
    for number in ({"cpr": "0101011234"}, {"cpr": "1505831235"}, {"p_code": "P99999999"}):
        phone = NewPhone(app_api)
        started = phone.start(**number)
        assert started.status_code == 201 and set(started.json()) == {
            "enrollment_token",
            "next",
            "expires_at",
        }
        assert phone.step("mrz", mrz=sofie["mrz"]).status_code == 200
        answers.append(code(phone.step("chip", **chip)))
    assert answers == [(422, "passport_mismatch")] * 3


def test_a_number_that_is_no_cpr_number_or_p_code_is_refused(phone: NewPhone) -> None:
    assert code(phone.start(p_code="not a code")) == (422, "person_number_invalid")
    assert code(phone.start(cpr="12345")) == (422, "person_number_invalid")
    assert code(phone.start(cpr=SOFIE, p_code="P10293847")) == (422, "person_number_missing")
    assert not PassportEnrollment.objects.exists()


def test_the_terms_must_be_accepted(phone: NewPhone) -> None:
    response = phone.post("/passport/enrollments", {"terms_version": "1999-01", "cpr": SOFIE})
    assert code(response) == (422, "terms_not_accepted")


def test_steps_come_in_their_order_and_a_token_must_be_known(
    phone: NewPhone, demo_passports: Passports
) -> None:
    phone.start()
    assert code(phone.step("face", picture=demo_passports["sofie-holm"]["face"])) == (
        409,
        "wrong_step",
    )
    phone.token = "made-up"
    assert code(phone.step("mrz", mrz="x")) == (404, "enrollment_not_found")


def test_an_enrollment_expires(phone: NewPhone, demo_passports: Passports) -> None:
    phone.start()
    PassportEnrollment.objects.update(expires_at=timezone.now())
    assert code(phone.step("mrz", mrz=demo_passports["sofie-holm"]["mrz"])) == (
        410,
        "enrollment_expired",
    )


def test_too_many_refusals_close_the_road(
    phone: NewPhone, demo_passports: Passports, settings
) -> None:
    settings.PASSPORT_MAX_REFUSALS = 3
    phone.start()
    codes = [code(phone.step("mrz", mrz="nonsense"))[1] for _ in range(4)]
    assert codes == ["mrz_invalid"] * 3 + ["enrollment_closed"]


def test_the_chips_own_portrait_is_no_face_in_front_of_the_camera(
    phone: NewPhone, demo_passports: Passports
) -> None:
    """Whoever read a passport's chip holds its portrait: sent as the face picture, as it is or
    enlarged, it is refused (a probe got a MitID with it); the camera's picture passes."""
    sofie = demo_passports["sofie-holm"]
    phone.start()
    phone.step("mrz", mrz=sofie["mrz"])
    phone.step("chip", **{part: sofie[part] for part in ("dg1", "dg2", "sod")})
    portrait = lds.decode_dg2(base64.b64decode(sofie["dg2"]))
    with Image.open(io.BytesIO(portrait)) as image:
        enlarged = io.BytesIO()
        image.resize((image.width * 2, image.height * 2)).save(enlarged, "PNG")
    for picture in (portrait, enlarged.getvalue()):
        answer = phone.step("face", picture=base64.b64encode(picture).decode())
        assert code(answer) == (422, "face_not_live")
    assert phone.step("face", picture=sofie["face"]).status_code == 200


def test_a_user_id_that_breaks_the_rules_or_is_taken(
    phone: NewPhone, demo_passports: Passports
) -> None:
    AppDeviceFactory(identity__user_id="Sofie H")
    phone.start()
    phone.read(demo_passports["sofie-holm"])
    bad = phone.step("user-id", user_id=" 080404-4128")
    assert code(bad) == (422, "user_id_invalid")
    assert set(bad.json()["error"]["reasons"]) == {"edge_space", "cpr_number"}
    taken = phone.step("user-id", user_id="sofie h")
    assert code(taken) == (409, "user_id_taken")
    assert len(taken.json()["error"]["suggestions"]) == 3
    assert phone.step("user-id", user_id="Sofie Holm 2004").status_code == 200


def test_a_user_id_taken_between_choosing_and_the_last_step_creates_nothing(
    phone: NewPhone, demo_passports: Passports
) -> None:
    phone.start()
    phone.read(demo_passports["sofie-holm"])
    phone.step("user-id", user_id="Sofie H")
    AppDeviceFactory(identity__user_id="Sofie H")
    assert code(phone.app()) == (409, "user_id_taken")
    assert not Identity.objects.filter(cpr=SOFIE).exists()
    assert not AppDevice.objects.filter(installation_id=phone.installation).exists()


def test_a_bad_mobile_number_creates_nothing(phone: NewPhone, demo_passports: Passports) -> None:
    phone.start()
    phone.read(demo_passports["sofie-holm"])
    phone.step("user-id", user_id="Sofie H")
    assert code(phone.app(mobile="12")) == (422, "invalid_mobile")
    assert not Identity.objects.filter(cpr=SOFIE).exists()


def test_recovery_after_the_only_app_was_blocked(
    phone: NewPhone, demo_passports: Passports, django_capture_on_commit_callbacks
) -> None:
    """Jonas lost his only phone: the passport road gives him a new app, keeping his user-ID."""
    lost = AppDeviceFactory(
        identity__cpr="1505831235", identity__user_id="J()nas Jen5en", identity__status="active"
    )
    lifecycle.block_device(lost, reason="lost", by=None)
    assert phone.start(cpr="1505831235").status_code == 201
    assert phone.read(demo_passports["jonas-jensen"]) == [200, 200, 200]
    assert phone.has_mitid is True
    assert code(phone.step("user-id", user_id="Jonas2")) == (422, "not_your_user_id")
    assert phone.step("user-id", user_id="j()nas jen5en").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        phone.app()
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.confirm("J()nas Jen5en").json()["status"] == "active"
    assert AppDevice.objects.filter(identity=lost.identity, status="active").count() == 1


def test_recovery_on_the_very_phone_whose_app_was_blocked(
    phone: NewPhone, demo_passports: Passports, django_capture_on_commit_callbacks
) -> None:
    """Support blocked Jonas's app; he has the phone (found again), and takes the passport road
    on it: the new app takes the blocked one's place there, which is revoked. The road was a
    dead end at its last step (a walk of 2026-12-06): an app of his, blocked, sat there."""
    blocked = AppDeviceFactory(
        identity__cpr="1505831235",
        identity__user_id="J()nas Jen5en",
        identity__status="active",
        installation_id=phone.installation,
    )
    lifecycle.block_device(blocked, reason="lost", by=None)
    assert phone.start(cpr="1505831235").status_code == 201
    assert phone.read(demo_passports["jonas-jensen"]) == [200, 200, 200]
    assert phone.step("user-id", user_id="j()nas jen5en").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.app().status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.confirm("J()nas Jen5en").json()["status"] == "active"
    blocked.refresh_from_db()
    assert blocked.status == "revoked"
    new = AppDevice.objects.get(installation_id=phone.installation, status="active")
    assert new.identity_id == blocked.identity_id and new.pk != blocked.pk


def test_a_mitid_made_since_a_road_looked_is_joined_only_with_its_user_id(
    app_api: AppApi, demo_passports: Passports, django_capture_on_commit_callbacks: Any
) -> None:
    """Two roads with Sofie's passport: the second chose a user-ID of its own while she had no
    MitID; the first made hers meanwhile. The second joins nothing (a probe's got her MitID,
    its user-ID in the answer, and a temporary PIN to its own number)."""
    second = NewPhone(app_api)
    second.start()
    second.read(demo_passports["sofie-holm"])
    assert second.step("user-id", user_id="Not Sofie").status_code == 200
    confirmed = whole_road(
        NewPhone(app_api),
        demo_passports["sofie-holm"],
        "Sofie H",
        django_capture_on_commit_callbacks,
    )
    assert confirmed.json()["status"] == "active"
    answer = second.app(mobile="20 99 90 02")
    assert code(answer) == (422, "not_your_user_id")
    assert "Sofie H" not in answer.content.decode()
    assert AppDevice.objects.filter(identity__cpr=SOFIE).count() == 1
    assert not OutboxMessage.objects.filter(recipient="+4520999002").exists()


@pytest.fixture
def jonas_with_a_number() -> Identity:
    device = AppDeviceFactory(
        identity__cpr="1505831235",
        identity__user_id="J()nas Jen5en",
        identity__status="active",
        identity__mobile="+4520304050",
        identity__email="jonas@example.dk",
        identity__language="en",
        identity__contact_set_at=timezone.now(),
    )
    identity: Identity = device.identity
    return identity


def told_jonas() -> Any:
    return OutboxMessage.objects.filter(recipient__in=["+4520304050", "jonas@example.dk"])


def test_the_numbers_a_mitid_had_are_told_when_the_passport_road_moves_them(
    phone: NewPhone,
    demo_passports: Passports,
    jonas_with_a_number: Identity,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Whoever holds Jonas's passport may take his MitID to a phone and number of their own:
    the number becomes his MitID's when its temporary PIN is typed, and his old number and
    e-mail hear of it then (a security probe did it unheard)."""
    phone.start(cpr="1505831235")
    phone.read(demo_passports["jonas-jensen"])
    phone.step("user-id", user_id="j()nas jen5en")
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.app(mobile="20 99 99 99").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = phone.confirm("J()nas Jen5en", temporary=temporary_pin("+4520999999"))
    assert confirmed.json()["status"] == "active"
    jonas_with_a_number.refresh_from_db()
    assert jonas_with_a_number.mobile == "+4520999999"
    told = told_jonas().filter(body__contains="taken into use on a new phone with your passport")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "sms"]
    # The new number is not said, however written.
    assert not any("999999" in m.body.replace(" ", "") for m in told)
    # The e-mail, which stays the MitID's, gets that one mail; the activation itself is told
    # at the new number.
    assert OutboxMessage.objects.filter(recipient="jonas@example.dk").count() == 1
    activated = OutboxMessage.objects.filter(body__contains="was activated on a new device")
    assert list(activated.values_list("recipient", flat=True)) == ["+4520999999"]
    # The same number again moves nothing: nobody is told.
    again = NewPhone(phone.api)
    again.start(cpr="1505831235")
    again.read(demo_passports["jonas-jensen"])
    again.step("user-id", user_id="j()nas jen5en")
    with django_capture_on_commit_callbacks(execute=True):
        assert again.app(mobile="20 99 99 99").status_code == 201
    assert told.count() == 2
    assert AppDevice.objects.get(installation_id=again.installation).mobile_to_prove == ""


def test_a_number_given_on_the_passport_road_is_the_mitids_only_once_its_pin_is_typed(
    phone: NewPhone,
    demo_passports: Passports,
    jonas_with_a_number: Identity,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A number mistyped on the road, or a road left after its SMS: Jonas's MitID keeps its
    own number, and its notices keep going there; the temporary PIN went to the new one."""
    phone.start(cpr="1505831235")
    phone.read(demo_passports["jonas-jensen"])
    phone.step("user-id", user_id="j()nas jen5en")
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.app(mobile="20 99 99 98").status_code == 201
    assert temporary_pin("+4520999998")  # the SMS went to the number to prove
    jonas_with_a_number.refresh_from_db()
    assert jonas_with_a_number.mobile == "+4520304050"
    assert not told_jonas().exists()  # nothing has moved
    # A wrong temporary PIN proves nothing either.
    assert code(phone.confirm("J()nas Jen5en", temporary="000000"))[1] == "wrong_temporary_pin"
    jonas_with_a_number.refresh_from_db()
    assert jonas_with_a_number.mobile == "+4520304050"


def test_a_helped_persons_new_phone_proves_its_number_before_it_is_their_mitids(
    app_api: AppApi,
    demo_passports: Passports,
    jonas_with_a_number: Identity,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A helper takes Jonas's MitID to a new phone of his by QR code: the number given is his
    MitID's when the new phone's temporary PIN is typed, not when the helper gives it."""
    helping = NewPhone(app_api, signer=AppDeviceFactory(identity__cpr="0707614285"))
    helping.start(cpr="1505831235")
    assert helping.read(demo_passports["jonas-jensen"]) == [200, 200, 200]
    helping.step("user-id", user_id="j()nas jen5en")
    with django_capture_on_commit_callbacks(execute=True):
        answer = helping.step("copy", mobile="20 99 99 97")
    assert answer.status_code == 201
    jonas_with_a_number.refresh_from_db()
    assert jonas_with_a_number.mobile == "+4520304050"
    assert not told_jonas().exists()
    jonas = NewPhone(app_api)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(jonas, answer.json()["qr"], user_id="j()nas jen5en").status_code == 201
    assert AppCopy.objects.get().mobile_to_prove == ""  # the new phone's app has it now
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = jonas.confirm("J()nas Jen5en", temporary=temporary_pin("+4520999997"))
    assert confirmed.json()["status"] == "active"
    jonas_with_a_number.refresh_from_db()
    assert jonas_with_a_number.mobile == "+4520999997"
    assert told_jonas().filter(body__contains="new phone with your passport").count() == 2
    assert not AppDevice.objects.exclude(mobile_to_prove="").exists()  # kept on the MitID alone


def test_the_number_on_a_copy_code_nobody_scanned_is_forgotten_when_its_time_is_over(
    app_api: AppApi, demo_passports: Passports, jonas_with_a_number: Identity
) -> None:
    helping = NewPhone(app_api, signer=AppDeviceFactory(identity__cpr="0707614285"))
    helping.start(cpr="1505831235")
    helping.read(demo_passports["jonas-jensen"])
    helping.step("user-id", user_id="j()nas jen5en")
    assert helping.step("copy", mobile="20 99 99 94").status_code == 201
    assert activation_tasks.clean_up()["copy_numbers"] == 0  # it may still be scanned
    AppCopy.objects.update(expires_at=timezone.now())
    assert activation_tasks.clean_up()["copy_numbers"] == 1
    assert AppCopy.objects.get().mobile_to_prove == ""


def test_no_number_lands_on_a_mitid_before_its_pin_is_typed(
    phone: NewPhone, demo_passports: Passports, django_capture_on_commit_callbacks: Any
) -> None:
    """A MitID with an e-mail and no number (the desk makes them) and a new one alike: the
    road's number is theirs when its temporary PIN is typed, not before (a probe's landed at
    once, and a block's notice went to it after the road was left)."""
    jonas = IdentityFactory(
        cpr="1505831235",
        user_id="J()nas Jen5en",
        status="active",
        email="jonas@example.dk",
        language="en",
        contact_set_at=timezone.now(),
    )
    phone.start(cpr="1505831235")
    phone.read(demo_passports["jonas-jensen"])
    phone.step("user-id", user_id="j()nas jen5en")
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.app(mobile="20 99 90 01").status_code == 201
    jonas.refresh_from_db()
    assert (jonas.mobile, jonas.email) == ("", "jonas@example.dk")
    assert not OutboxMessage.objects.filter(recipient="jonas@example.dk").exists()
    with django_capture_on_commit_callbacks(execute=True):
        phone.confirm("J()nas Jen5en", temporary=temporary_pin("+4520999001"))
    jonas.refresh_from_db()
    assert (jonas.mobile, jonas.email) == ("+4520999001", "jonas@example.dk")
    told = OutboxMessage.objects.filter(recipient="jonas@example.dk", body__contains="passport")
    assert told.count() == 1  # the e-mail it had hears of the number it has now
    sofie = NewPhone(phone.api)
    sofie.start()
    sofie.read(demo_passports["sofie-holm"])
    sofie.step("user-id", user_id="Sofie H")
    with django_capture_on_commit_callbacks(execute=True):
        assert sofie.app(mobile="20 30 40 50").status_code == 201
    assert Identity.objects.get(cpr=SOFIE).mobile == ""  # a new MitID: none until the PIN
    assert temporary_pin("+4520304050")


def test_a_mitid_whose_contact_came_from_its_enrollment_keeps_its_e_mail(
    phone: NewPhone, demo_passports: Passports, django_capture_on_commit_callbacks: Any
) -> None:
    """Jonas began MitID with NemID (his mobile and e-mail confirmed there) and finishes it on
    the passport road with another number: the number is the road's, the e-mail stays."""
    jonas = IdentityFactory(cpr="1505831235", user_id="Jonas J", status="pending")
    EnrollmentCase.objects.create(
        identity=jonas,
        status=EnrollmentCase.Status.SUBMITTED,
        mobile="+4520222001",
        mobile_confirmed_at=timezone.now(),
        email="jonas@example.dk",
        email_confirmed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    phone.start(cpr="1505831235")
    phone.read(demo_passports["jonas-jensen"])
    phone.step("user-id", user_id="Jonas J")
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.app(mobile="20 22 20 02").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.confirm("Jonas J", temporary=temporary_pin("+4520222002")).status_code == 200
    jonas.refresh_from_db()
    assert (jonas.status, jonas.mobile, jonas.email) == (
        "active",
        "+4520222002",
        "jonas@example.dk",
    )


def test_an_app_whose_temporary_pin_ran_out_goes_with_its_number(
    phone: NewPhone,
    demo_passports: Passports,
    jonas_with_a_number: Identity,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A recovery road left after its SMS: its app could never be activated, and went nowhere
    (the clean-up only looked at MitIDs being set up): it goes with its number to prove, a
    while after its PIN ran out (a PIN typed in its last second is confirmed by then)."""
    phone.start(cpr="1505831235")
    phone.read(demo_passports["jonas-jensen"])
    phone.step("user-id", user_id="j()nas jen5en")
    with django_capture_on_commit_callbacks(execute=True):
        assert phone.app(mobile="20 99 99 95").status_code == 201
    left = AppDevice.objects.get(installation_id=phone.installation)
    assert activation_tasks.clean_up()["dead_apps"] == 0  # its PIN still works
    ran_out = timezone.now() - DEAD_APP_GRACE
    AppDevice.objects.filter(pk=left.pk).update(
        temporary_pin_expires_at=ran_out + timedelta(seconds=5)
    )
    assert activation_tasks.clean_up()["dead_apps"] == 0
    AppDevice.objects.filter(pk=left.pk).update(temporary_pin_expires_at=ran_out)
    assert activation_tasks.clean_up()["dead_apps"] == 1
    assert not AppDevice.objects.filter(pk=left.pk).exists()
    jonas_with_a_number.refresh_from_db()
    assert jonas_with_a_number.mobile == "+4520304050"


def test_one_address_may_start_only_so_many_roads(
    app_api: AppApi, demo_passports: Passports, settings: Any
) -> None:
    """Each start leaves an enrollment behind: starting one after another is refused."""
    settings.CLIENT_FAILURES_PER_WINDOW = 4  # fewer than 4 starts: 3
    statuses = [NewPhone(app_api).start(cpr=SOFIE).status_code for _ in range(2)]
    malformed = NewPhone(app_api).start(cpr="0101")
    assert statuses == [201, 201] and malformed.status_code == 422
    assert code(NewPhone(app_api).start(cpr=SOFIE)) == (429, "too_many_attempts")
    assert PassportEnrollment.objects.count() == 2


def test_a_blocked_mitid_is_not_recovered_by_passport(
    phone: NewPhone, demo_passports: Passports
) -> None:
    """Said once the chip has shown the passport is Sofie's, not to whoever typed her number."""
    AppDeviceFactory(identity__cpr=SOFIE, identity__user_id="Sofie H", identity__status="blocked")
    assert phone.start().status_code == 201
    sofie = demo_passports["sofie-holm"]
    assert phone.step("mrz", mrz=sofie["mrz"]).status_code == 200
    chip = {part: sofie[part] for part in ("dg1", "dg2", "sod")}
    assert code(phone.step("chip", **chip)) == (403, "identity_blocked")


def test_a_fourth_app_by_passport_is_refused(phone: NewPhone, demo_passports: Passports) -> None:
    first = AppDeviceFactory(identity__cpr=SOFIE, identity__user_id="Sofie H")
    AppDeviceFactory.create_batch(2, identity=first.identity)
    phone.start()
    phone.read(demo_passports["sofie-holm"])
    phone.step("user-id", user_id="Sofie H")
    assert code(phone.app()) == (409, "too_many_apps")
    assert AppDevice.objects.filter(identity=first.identity).count() == 3


# Copying the app to a new phone -------------------------------------------------------------


@pytest.fixture
def old_phone(db: None) -> AppDevice:
    return AppDeviceFactory(
        identity__user_id="J()nas Jen5en",
        identity__mobile="+4520304050",
        identity__contact_set_at=timezone.now(),
    )


def show(api: AppApi, device: AppDevice) -> dict[str, Any]:
    response = api.call("POST", "/copies", {}, signer=device)
    assert response.status_code == 201
    return dict(response.json())


def scan(phone: NewPhone, qr: str, user_id: str = "j()nas jen5en") -> Any:
    response = phone.post("/copies/scan", {"qr": qr, "user_id": user_id, **phone.key_body()})
    if response.status_code == 201:
        phone.challenge = response.json()["challenge"]
    return response


def scanned(api: AppApi, device: AppDevice, shown: dict[str, Any]) -> Any:
    return api.call("POST", f"/copies/{shown['copy_id']}", {}, signer=device)


def approve(
    api: AppApi,
    device: AppDevice,
    shown: dict[str, Any],
    pin: str = "246810",
    signing_input: str | None = None,
) -> Any:
    """The old app confirms, signing what it was shown of the phone that scanned."""
    if signing_input is None:
        signing_input = scanned(api, device, shown).json().get("signing_input", "not scanned")
    signature = app_keys.sign(device.private_key, signing_input.encode())
    return api.call(
        "POST",
        f"/copies/{shown['copy_id']}/approve",
        {"pin": pin, "signature": signature},
        signer=device,
    )


def test_jonas_copies_his_app_to_a_second_phone(
    app_api: AppApi, old_phone: AppDevice, django_capture_on_commit_callbacks
) -> None:
    shown = show(app_api, old_phone)
    assert shown["qr"].startswith("mitid-copy.")
    new = NewPhone(app_api)
    assert scan(new, shown["qr"]).json()["status"] == "waiting_for_old_app"
    assert code(approve(app_api, old_phone, shown, pin="000000")) == (401, "wrong_pin")
    with django_capture_on_commit_callbacks(execute=True):
        assert approve(app_api, old_phone, shown).json() == {"status": "approved"}
    with django_capture_on_commit_callbacks(execute=True):
        assert new.confirm("J()nas Jen5en").json() == {
            "status": "active",
            "level": "substantial",
            "user_id": "J()nas Jen5en",
        }
    assert AppDevice.objects.filter(identity=old_phone.identity, status="active").count() == 2
    # Told that an app was added: after the temporary PIN, a second SMS.
    assert OutboxMessage.objects.filter(recipient="+4520304050", channel="sms").count() == 2


def test_the_old_app_is_shown_which_phone_scanned_and_the_code_both_phones_show(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    shown = show(app_api, old_phone)
    assert "signing_input" not in shown, "nothing to sign before a phone scanned"
    assert code(scanned(app_api, old_phone, shown)) == (409, "copy_not_scanned")
    new = NewPhone(app_api)
    answer = scan(new, shown["qr"]).json()
    seen = scanned(app_api, old_phone, shown).json()
    copy = AppCopy.objects.select_related("new_device").get()
    assert copy.new_device is not None
    assert seen == {
        "status": "scanned",
        "device_name": "Sofie's phone",
        "scanned_at": copy.scanned_at.isoformat() if copy.scanned_at else None,
        "confirm_by": (copy.scanned_at + timedelta(minutes=3)).isoformat()
        if copy.scanned_at
        else None,
        "match_code": answer["match_code"],
        "signing_input": copy.signing_input,
    }
    assert re.fullmatch(r"[0-9]{4}", answer["match_code"])
    assert str(copy.new_device.key_id) in seen["signing_input"]
    # Another phone (another key) that had scanned would have shown another code.
    other_key = app_keys.public_key_to_b64(app_keys.new_private_key().public_key())
    AppDevice.objects.filter(pk=copy.new_device.pk).update(public_key=other_key)
    assert scanned(app_api, old_phone, shown).json()["match_code"] != answer["match_code"]


def test_a_confirmation_signed_before_the_new_phone_scanned_is_refused(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    """The old app confirms a phone: a signature over the copy alone, not naming the key of
    the phone that scanned, confirms nothing."""
    shown = show(app_api, old_phone)
    before = AppCopy.objects.get().signing_input
    scan(NewPhone(app_api), shown["qr"])
    assert code(approve(app_api, old_phone, shown, signing_input=before)) == (
        401,
        "bad_signature",
    )
    assert AppCopy.objects.get().state == AppCopy.State.SCANNED


def test_a_copy_never_confirmed_goes_with_the_app_that_waited_for_it(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    """Another phone scanned first and the citizen did not confirm it: its app, pending, was
    on the citizen's overview as an app being added (a walk's finding). A new code drops it
    at once; the clean-up drops one whose time ran out."""
    first = show(app_api, old_phone)
    scan(NewPhone(app_api), first["qr"])
    assert AppDevice.objects.filter(status="pending").count() == 1
    second = show(app_api, old_phone)  # the citizen shows a new code
    assert not AppDevice.objects.filter(status="pending").exists()
    assert AppCopy.objects.get(public_id=first["copy_id"]).state == AppCopy.State.CANCELLED
    scan(NewPhone(app_api), second["qr"])
    assert activation_tasks.clean_up()["unconfirmed_copies"] == 0, "within its time"
    AppCopy.objects.filter(state="scanned").update(
        scanned_at=timezone.now() - timedelta(minutes=3, seconds=1)
    )
    assert activation_tasks.clean_up()["unconfirmed_copies"] == 1
    assert not AppDevice.objects.filter(status="pending").exists()
    assert code(approve(app_api, old_phone, second)) == (409, "copy_code_used")
    assert AppDevice.objects.get() == old_phone


def asks_after_its_copy(phone: NewPhone, scanned: Any) -> Any:
    """The new phone asks after the copy it scanned, by the key ID the scan gave it."""
    return phone.post("/copies/new-phone", {"key_id": scanned.json()["key_id"]})


def test_the_new_phone_learns_that_its_copy_was_confirmed_or_still_waits(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    shown = show(app_api, old_phone)
    new = NewPhone(app_api)
    scanned_here = scan(new, shown["qr"])
    until = (AppCopy.objects.get().scanned_at or timezone.now()) + timedelta(minutes=3)
    assert scanned_here.json()["confirm_by"] == until.isoformat()
    waiting = asks_after_its_copy(new, scanned_here)
    assert waiting.status_code == 200
    assert waiting.json() == {"status": "waiting_for_old_app", "confirm_by": until.isoformat()}
    assert approve(app_api, old_phone, shown).status_code == 200
    assert asks_after_its_copy(new, scanned_here).json() == {"status": "temporary_pin_sent"}


def test_the_new_phone_learns_that_its_copy_ran_out_of_time_before_and_after_the_clean_up(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    """It waited with its four digits and "I have confirmed it" as if the copy could still
    happen (a walk's finding): told `copy_code_expired`, as the old app is."""
    new = NewPhone(app_api)
    scanned_here = scan(new, show(app_api, old_phone)["qr"])
    AppCopy.objects.update(scanned_at=timezone.now() - timedelta(minutes=3))
    assert code(asks_after_its_copy(new, scanned_here)) == (410, "copy_code_expired")
    assert activation_tasks.clean_up()["unconfirmed_copies"] == 1
    assert not AppDevice.objects.filter(status="pending").exists()
    assert code(asks_after_its_copy(new, scanned_here)) == (410, "copy_code_expired")


def test_the_new_phone_learns_that_the_old_app_showed_a_new_code(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    new = NewPhone(app_api)
    scanned_here = scan(new, show(app_api, old_phone)["qr"])
    show(app_api, old_phone)  # drops the copy scanned and not confirmed
    assert code(asks_after_its_copy(new, scanned_here)) == (410, "copy_replaced")


def test_a_key_that_scanned_no_copy_learns_nothing(app_api: AppApi, old_phone: AppDevice) -> None:
    new = NewPhone(app_api)
    for key_id in (str(old_phone.key_id), str(uuid.uuid4())):
        assert code(new.post("/copies/new-phone", {"key_id": key_id})) == (404, "not_found")
    answer = app_api.call("POST", "/copies/new-phone", {"key_id": "nokey"}, valid_request=False)
    assert code(answer) == (404, "not_found")


def test_a_new_phone_whose_app_is_active_learns_nothing_more_by_its_key_id(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    """Every signed request names its app's key ID, so once the new app is active its key ID
    is no secret: asked by it, the unsigned call answers as for a key that scanned no copy
    (it said "temporary_pin_sent" for ever, telling anyone who saw the key ID that this app
    came from a copy)."""
    shown = show(app_api, old_phone)
    new = NewPhone(app_api)
    scanned_here = scan(new, shown["qr"])
    assert approve(app_api, old_phone, shown).status_code == 200
    assert asks_after_its_copy(new, scanned_here).json() == {"status": "temporary_pin_sent"}
    AppDevice.objects.filter(key_id=scanned_here.json()["key_id"]).update(
        status=AuthenticatorStatus.ACTIVE
    )
    assert code(asks_after_its_copy(new, scanned_here)) == (404, "not_found")


def test_a_client_guessing_key_ids_is_stopped(
    app_api: AppApi, old_phone: AppDevice, settings: Any
) -> None:
    """Unknown key IDs are counted per client, as bad signatures are: the unsigned call is
    no free oracle (it had no limit at all). A new phone at the same address still hears of
    its copy: a guesser there must not shut it out."""
    settings.CLIENT_FAILURES_PER_WINDOW = 3
    new = NewPhone(app_api)
    scanned_here = scan(new, show(app_api, old_phone)["qr"])
    for _ in range(3):
        guessed = new.post("/copies/new-phone", {"key_id": str(uuid.uuid4())})
        assert code(guessed) == (404, "not_found")
    guessed = new.post("/copies/new-phone", {"key_id": str(uuid.uuid4())})
    assert code(guessed) == (429, "too_many_attempts")
    assert asks_after_its_copy(new, scanned_here).json()["status"] == "waiting_for_old_app"


def test_a_phone_whose_earlier_try_was_left_before_its_pin_may_scan_a_copy_code(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    """A try on this phone that never got its PIN typed stands in no one's way: the copy's new
    app replaces it (a probe's was refused as "already active")."""
    new = NewPhone(app_api)
    left = AppDeviceFactory(
        identity=old_phone.identity,
        installation_id=new.installation,
        status="pending",
        pin_hash="",
        mobile_to_prove="+4520999990",
    )
    assert scan(new, show(app_api, old_phone)["qr"]).status_code == 201
    assert not AppDevice.objects.filter(pk=left.pk).exists()
    assert AppDevice.objects.get(installation_id=new.installation).mobile_to_prove == ""


def test_a_copy_code_works_once(app_api: AppApi, old_phone: AppDevice) -> None:
    shown = show(app_api, old_phone)
    assert scan(NewPhone(app_api), shown["qr"]).status_code == 201
    assert code(scan(NewPhone(app_api), shown["qr"])) == (409, "copy_code_used")


def test_the_new_phone_asks_whether_a_copy_code_can_be_used_before_the_user_id(
    app_api: AppApi, old_phone: AppDevice
) -> None:
    shown = show(app_api, old_phone)
    new = NewPhone(app_api)
    checked = new.post("/copies/check", {"qr": shown["qr"]})
    assert checked.status_code == 200
    assert checked.json() == {"status": "shown", "expires_at": shown["expires_at"]}
    assert "user_id" not in checked.json(), "whose code it is stays unsaid"
    assert scan(new, shown["qr"]).status_code == 201  # asking used nothing up
    assert code(new.post("/copies/check", {"qr": shown["qr"]})) == (409, "copy_code_used")
    assert code(new.post("/copies/check", {"qr": "mitid-copy.made-up"})) == (
        422,
        "copy_code_invalid",
    )
    AppCopy.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    fresh = show(app_api, old_phone)
    AppCopy.objects.filter(state="shown").update(expires_at=timezone.now())
    assert code(new.post("/copies/check", {"qr": fresh["qr"]})) == (410, "copy_code_expired")


def test_a_copy_code_older_than_3_minutes_is_refused(app_api: AppApi, old_phone: AppDevice) -> None:
    shown = show(app_api, old_phone)
    AppCopy.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert code(scan(NewPhone(app_api), shown["qr"])) == (410, "copy_code_expired")
    assert not AppDevice.objects.filter(status="pending").exists()


def test_a_copy_code_lasts_3_minutes(app_api: AppApi, old_phone: AppDevice) -> None:
    show(app_api, old_phone)
    copy = AppCopy.objects.get()
    assert copy.expires_at - copy.created_at == timedelta(minutes=3)


def test_a_made_up_or_replaced_copy_code_is_invalid(app_api: AppApi, old_phone: AppDevice) -> None:
    first = show(app_api, old_phone)
    show(app_api, old_phone)  # a new code replaces the first
    assert code(scan(NewPhone(app_api), first["qr"])) == (422, "copy_code_invalid")
    assert code(scan(NewPhone(app_api), "mitid-copy.made-up")) == (422, "copy_code_invalid")


def test_the_new_phone_must_know_the_user_id(app_api: AppApi, old_phone: AppDevice) -> None:
    shown = show(app_api, old_phone)
    assert code(scan(NewPhone(app_api), shown["qr"], user_id="someone")) == (
        422,
        "not_your_user_id",
    )


def test_three_wrong_user_ids_end_a_copy_code(app_api: AppApi, old_phone: AppDevice) -> None:
    """Whoever glimpsed the code could try user-ID after user-ID with it (a probe tried 40)."""
    shown = show(app_api, old_phone)
    answers = [code(scan(NewPhone(app_api), shown["qr"], user_id=f"guess {n}")) for n in range(3)]
    assert answers == [(422, "not_your_user_id")] * 2 + [(409, "copy_code_used")]
    # The right user-ID now: the code is gone, as one a new code replaced.
    assert code(scan(NewPhone(app_api), shown["qr"])) == (422, "copy_code_invalid")
    assert AppCopy.objects.get().state == AppCopy.State.CANCELLED
    assert AppDevice.objects.get() == old_phone


def test_the_old_app_approves_only_a_scanned_copy(app_api: AppApi, old_phone: AppDevice) -> None:
    shown = show(app_api, old_phone)
    assert code(approve(app_api, old_phone, shown)) == (409, "copy_not_scanned")


def test_a_fourth_app_is_refused(app_api: AppApi, old_phone: AppDevice) -> None:
    AppDeviceFactory.create_batch(2, identity=old_phone.identity)
    response = app_api.call("POST", "/copies", {}, signer=old_phone)
    assert code(response) == (409, "too_many_apps")


def test_a_fourth_app_is_refused_when_scanned(app_api: AppApi, old_phone: AppDevice) -> None:
    shown = show(app_api, old_phone)
    AppDeviceFactory.create_batch(2, identity=old_phone.identity)
    assert code(scan(NewPhone(app_api), shown["qr"])) == (409, "too_many_apps")


# Helping someone else ------------------------------------------------------------------------


@pytest.fixture
def helper(demo_passports: Passports) -> AppDevice:
    return AppDeviceFactory(identity__cpr="1505831235", identity__user_id="J()nas Jen5en")


def test_a_helper_runs_the_road_for_ana_who_gets_her_own_app_by_qr(
    app_api: AppApi,
    helper: AppDevice,
    demo_passports: Passports,
    django_capture_on_commit_callbacks,
) -> None:
    helping = NewPhone(app_api, signer=helper)
    assert helping.start(p_code="P10293847").status_code == 201
    assert helping.read(demo_passports["ana-lima"]) == [200, 200, 200]
    assert helping.step("user-id", user_id="Ana L").json() == {"next": "copy_or_order"}
    # Only the helper's app may go on with the road it started.
    stranger = app_api.call(
        "POST",
        "/passport/copy",
        {"enrollment_token": helping.token, "mobile": "20 30 40 51"},
        valid_request=False,
    )
    assert code(stranger) == (401, "unauthenticated")
    with django_capture_on_commit_callbacks(execute=True):
        answer = helping.step("copy", mobile="20 30 40 51")
    assert answer.status_code == 201
    assert "Ana" not in str(answer.json())  # the helper never learns the user-ID
    ana = NewPhone(app_api)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(ana, answer.json()["qr"], user_id="ana l").json()["status"] == (
            "temporary_pin_sent"
        )
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = ana.confirm("Ana L", temporary=temporary_pin("+4520304051"))
    assert confirmed.json()["status"] == "active"
    assert Identity.objects.get(cpr="P10293847").status == "active"
    assert helper.identity.appdevices.count() == 1


def test_a_helper_orders_a_code_device_for_someone(
    app_api: AppApi, helper: AppDevice, demo_passports: Passports
) -> None:
    helping = NewPhone(app_api, signer=helper)
    helping.start(cpr=SOFIE)
    helping.read(demo_passports["sofie-holm"])
    helping.step("user-id", user_id="Sofie H")
    answer = helping.step("order", kind="kodeviser", mobile="20 30 40 52")
    assert answer.json() == {"status": "ordered", "kind": "kodeviser"}
    order = DeviceOrder.objects.get()
    assert order.identity.cpr == SOFIE and "Bredgade 3" in order.address


def test_a_code_device_ordered_by_passport_moves_the_number_at_once_and_says_so(
    app_api: AppApi,
    helper: AppDevice,
    demo_passports: Passports,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """No PIN proves the number of a code device sent by post: it is the MitID's at once, and
    the number the MitID had is told that a code device was ordered (not a new phone)."""
    sofie = IdentityFactory(
        cpr=SOFIE,
        user_id="Sofie H",
        status="active",
        mobile="+4520304050",
        language="en",
        contact_set_at=timezone.now(),
    )
    helping = NewPhone(app_api, signer=helper)
    helping.start(cpr=SOFIE)
    helping.read(demo_passports["sofie-holm"])
    helping.step("user-id", user_id="sofie h")
    with django_capture_on_commit_callbacks(execute=True):
        assert helping.step("order", kind="kodeviser", mobile="20 30 40 52").status_code == 201
    sofie.refresh_from_db()
    assert sofie.mobile == "+4520304052"
    told = OutboxMessage.objects.get(recipient="+4520304050")
    assert "A code device was ordered for your MitID with your passport" in told.body


def test_a_helper_cannot_help_themselves(app_api: AppApi, helper: AppDevice) -> None:
    assert code(NewPhone(app_api, signer=helper).start(cpr="1505831235")) == (
        403,
        "cannot_help_yourself",
    )


def test_a_blocked_helper_app_is_refused(app_api: AppApi, helper: AppDevice) -> None:
    helper.status = AuthenticatorStatus.BLOCKED
    helper.save()
    assert code(NewPhone(app_api, signer=helper).start(cpr=SOFIE)) == (403, "device_not_active")


# Roads that are over: Celery beat's hourly clean-up -------------------------------------------


def over() -> None:
    """The road's time and the temporary PIN's time have run out."""
    past = timezone.now() - timedelta(seconds=1)
    PassportEnrollment.objects.update(expires_at=past)
    AppDevice.objects.filter(status="pending").update(
        temporary_pin_expires_at=past - DEAD_APP_GRACE
    )
    AppCopy.objects.update(expires_at=past)


def has_mitid(phone: NewPhone, passport: dict[str, str]) -> bool | None:
    """What the road says once the passport is read and the face matched."""
    phone.start()
    phone.read(passport)
    return phone.has_mitid


def left_at_the_temporary_pin(phone: NewPhone, passport: dict[str, str], user_id: str) -> None:
    assert phone.start().status_code == 201
    assert phone.read(passport) == [200, 200, 200]
    assert phone.step("user-id", user_id=user_id).status_code == 200
    assert phone.app().status_code == 201  # and the temporary PIN is never typed


def test_an_abandoned_road_goes_with_the_mitid_it_began_and_its_user_id_is_free(
    phone: NewPhone, demo_passports: Passports, app_api: AppApi
) -> None:
    left_at_the_temporary_pin(phone, demo_passports["sofie-holm"], "Sofie H")
    identity = Identity.objects.get(cpr=SOFIE)
    assert (identity.status, identity.user_id) == ("pending", "Sofie H")
    account = identity.account
    assert account is not None
    # Within its time the road and its MitID stay: the SMS may be on its way.
    assert activation_tasks.clean_up()["identities"] == 0
    over()
    assert activation_tasks.clean_up()["identities"] == 1
    assert not Identity.objects.filter(cpr=SOFIE).exists()
    assert not User.objects.filter(pk=account.pk).exists()
    assert not AppDevice.objects.exists() and not PassportEnrollment.objects.exists()
    # Sofie starts again: nothing of the first road is in her way, not even its user-ID.
    again = NewPhone(app_api)
    again.start()
    again.read(demo_passports["sofie-holm"])
    assert again.has_mitid is False
    assert again.step("user-id", user_id="Sofie Holm").status_code == 200
    assert again.app().status_code == 201
    assert Identity.objects.get(cpr=SOFIE).user_id == "Sofie Holm"


def test_someone_whose_road_was_left_starts_again_before_the_clean_up(
    phone: NewPhone, demo_passports: Passports, app_api: AppApi
) -> None:
    left_at_the_temporary_pin(phone, demo_passports["sofie-holm"], "Sofie H")
    over()
    again = NewPhone(app_api)
    again.start()
    again.read(demo_passports["sofie-holm"])
    assert again.has_mitid is False
    assert again.step("user-id", user_id="Sofie 2004").status_code == 200
    assert Identity.objects.filter(cpr=SOFIE).count() == 0  # until her own last step


def test_a_road_whose_temporary_pin_still_works_is_left_alone(
    phone: NewPhone, demo_passports: Passports, app_api: AppApi
) -> None:
    left_at_the_temporary_pin(phone, demo_passports["sofie-holm"], "Sofie H")
    PassportEnrollment.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert activation_tasks.clean_up()["identities"] == 0
    assert has_mitid(NewPhone(app_api), demo_passports["sofie-holm"]) is True
    assert Identity.objects.get(cpr=SOFIE).user_id == "Sofie H"


def test_an_active_mitid_is_never_touched(
    phone: NewPhone, demo_passports: Passports, django_capture_on_commit_callbacks
) -> None:
    """Jonas's recovery road left at the temporary PIN, and Sofie's road finished."""
    jonas = AppDeviceFactory(
        identity__cpr="1505831235", identity__user_id="J()nas Jen5en", identity__status="active"
    )
    recovery = NewPhone(phone.api)
    recovery.start(cpr="1505831235")
    recovery.read(demo_passports["jonas-jensen"])
    recovery.step("user-id", user_id="J()nas Jen5en")
    assert recovery.app().status_code == 201
    confirmed = whole_road(
        phone, demo_passports["sofie-holm"], "Sofie H", django_capture_on_commit_callbacks
    )
    assert confirmed.json()["status"] == "active"
    over()
    assert activation_tasks.clean_up()["identities"] == 0
    assert not PassportEnrollment.objects.exists(), "the roads are over and done with"
    jonas.identity.refresh_from_db()
    assert (jonas.identity.status, jonas.identity.user_id) == ("active", "J()nas Jen5en")
    # His app is kept; the one the road left could never be activated, and went.
    assert list(AppDevice.objects.filter(identity=jonas.identity)) == [jonas]
    assert Identity.objects.get(cpr=SOFIE).status == "active"


def test_a_mitid_that_anything_else_refers_to_is_kept(
    app_api: AppApi, helper: AppDevice, demo_passports: Passports
) -> None:
    """A code device ordered for someone helped: the order keeps their MitID and its road."""
    helping = NewPhone(app_api, signer=helper)
    helping.start(cpr=SOFIE)
    helping.read(demo_passports["sofie-holm"])
    helping.step("user-id", user_id="Sofie H")
    assert helping.step("order", kind="kodeviser", mobile="20 30 40 52").status_code == 201
    over()
    assert activation_tasks.clean_up() == {
        "identities": 0,
        "passport_enrollments": 0,
        "desk_code_sends": 0,
        "unconfirmed_copies": 0,
        "copy_numbers": 0,
        "dead_apps": 0,
    }
    assert Identity.objects.get(cpr=SOFIE).orders.count() == 1
    assert PassportEnrollment.objects.count() == 1, "looked at again until the MitID is active"
    assert has_mitid(NewPhone(app_api), demo_passports["sofie-holm"]) is True


def test_a_copy_code_for_someone_helped_that_was_never_scanned(
    app_api: AppApi, helper: AppDevice, demo_passports: Passports
) -> None:
    helping = NewPhone(app_api, signer=helper)
    helping.start(p_code="P10293847")
    helping.read(demo_passports["ana-lima"])
    helping.step("user-id", user_id="Ana L")
    assert helping.step("copy", mobile="20 30 40 51").status_code == 201
    assert activation_tasks.clean_up()["identities"] == 0  # the road's time is not over
    over()
    assert activation_tasks.clean_up()["identities"] == 1
    assert not Identity.objects.filter(cpr="P10293847").exists()
    assert not AppCopy.objects.exists()
    helper.refresh_from_db()
    assert helper.identity.user_id == "J()nas Jen5en", "the helper's own MitID stays"


def test_roads_left_before_their_last_step_go_and_a_django_user_in_use_stays(
    phone: NewPhone, demo_passports: Passports, app_api: AppApi
) -> None:
    left_at_the_temporary_pin(phone, demo_passports["sofie-holm"], "Sofie H")
    account = Identity.objects.get(cpr=SOFIE).account
    TOTPDevice.objects.create(user=account, name="something else's")
    early = NewPhone(app_api)
    early.start(p_code="P10293847")
    early.step("mrz", mrz=demo_passports["ana-lima"]["mrz"])
    over()
    assert activation_tasks.clean_up()["identities"] == 1
    assert not PassportEnrollment.objects.exists()
    assert User.objects.filter(pk=account.pk).exists(), "something else refers to it"


def test_one_number_gets_a_few_temporary_pins_an_hour_however_many_roads_send_them(
    app_api: AppApi,
    helper: AppDevice,
    demo_passports: Passports,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Each road may type any number for its temporary PIN: one road after another, with the
    same passport, or a helper's copy codes, would fill a stranger's phone with SMS (the last
    security probe's open point). The road is told so, and nothing is sent or kept."""
    settings.PASSPORT_PIN_SMS_PER_HOUR = 2
    to_stranger = OutboxMessage.objects.filter(recipient="+4520112233")

    def road(mobile: str) -> Any:
        phone = NewPhone(app_api)
        phone.start(cpr=SOFIE)
        phone.read(demo_passports["sofie-holm"])
        phone.step("user-id", user_id="Sofie H")
        with django_capture_on_commit_callbacks(execute=True):
            return phone.app(mobile=mobile)

    assert road("20 11 22 33").status_code == 201
    assert road("+45 20112233").status_code == 201  # the same number, however written
    assert to_stranger.count() == 2
    refused = road("20 11 22 33")
    assert code(refused) == (429, "too_many_sms")
    assert to_stranger.count() == 2
    # A helper's copy code for someone helped counts against the number it is for.
    helping = NewPhone(app_api, signer=helper)
    helping.start(p_code="P10293847")
    helping.read(demo_passports["ana-lima"])
    helping.step("user-id", user_id="Ana L")
    assert code(helping.step("copy", mobile="20112233")) == (429, "too_many_sms")
    assert not AppCopy.objects.exists()
    # Another number is not held up.
    assert road("20 11 22 44").status_code == 201
