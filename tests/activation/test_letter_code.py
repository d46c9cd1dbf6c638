"""A helped person without NemID activates the code device ordered for them with the
activation code from the letter that comes with it, and their user-ID."""

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from activation import passport
from activation import services as activation
from authenticators import app_keys
from authenticators.models import (
    AppDevice,
    AuthenticatorStatus,
    CodeDevice,
    HardwareToken,
    Identity,
)
from authenticators.stock import fill_stock
from enrollment import orders
from enrollment.models import AppActivationCode, DeviceOrder
from messaging.models import OutboxMessage
from pages.documents import TERMS
from tests.factories import AppDeviceFactory
from tests.logins import log_in_with_mitid

pytestmark = pytest.mark.django_db

SOFIE = "0804044128"
PASSWORD = "Kaffe-og-kage-2026"
# The pages in English, whichever language another test left active.
with translation.override("en"):
    ACTIVATE = reverse("authenticators:activate_code_device")
    LETTER = reverse("authenticators:letter_code")
    NEMID_LOGIN = reverse("nemid:login")


@pytest.fixture
def helper(demo_passports: dict[str, dict[str, str]]) -> AppDevice:
    return AppDeviceFactory(identity__cpr="1505831235", identity__user_id="J()nas Jen5en")


@pytest.fixture
def ordered(
    helper: AppDevice,
    demo_passports: dict[str, dict[str, str]],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> DeviceOrder:
    """Jonas runs the passport road on his app for Sofie, who has no NemID, ending in an
    order for a code display; the post takes the letter."""
    fill_stock(code_displays=2, code_readers=0)
    sofie = demo_passports["sofie-holm"]
    _road, token = passport.start(
        terms_accepted=True, terms_version=TERMS.version, cpr=SOFIE, language="en", helper=helper
    )
    passport.read_mrz(token=token, mrz=sofie["mrz"], helper=helper)
    passport.read_chip(
        token=token, dg1=sofie["dg1"], dg2=sofie["dg2"], sod=sofie["sod"], helper=helper
    )
    passport.match_face(token=token, picture=sofie["face"], helper=helper)
    passport.choose_user_id(token=token, user_id="Sofie H", helper=helper)
    with django_capture_on_commit_callbacks(execute=True):
        order = passport.order_code_device(
            token=token, kind="kodeviser", mobile="20 30 40 52", helper=helper
        )
    return order


def letter_code(order: DeviceOrder) -> str:
    letter = OutboxMessage.objects.get(channel="post")
    assert letter.recipient == order.address
    found = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", letter.body)
    assert found is not None
    return found.group(1)


def no_letter_in_session(client: Client) -> bool:
    return "code_device_letter" not in client.session


def type_letter(client: Client, code: str, user_id: str = "sofie h") -> Any:
    return client.post(LETTER, {"user_id": user_id, "activation_code": code})


def activate(client: Client, token: HardwareToken) -> Any:
    """The activation's form, sent with the new password and the device's code now."""
    fields = {"serial": token.serial, "code": token.current_code()}
    return client.post(ACTIVATE, {"password1": PASSWORD, "password2": PASSWORD, **fields})


def test_the_letter_with_the_device_holds_an_activation_code_for_the_device(
    ordered: DeviceOrder,
) -> None:
    letter = OutboxMessage.objects.get(channel="post")
    assert "Sofie" in letter.recipient and "Bredgade 3" in letter.recipient
    assert "Activation letter for your MitID code display" in letter.subject
    assert "MitID.dk/en/authenticators/code-device/activate/letter/" in letter.body
    code = AppActivationCode.objects.get()
    assert (code.order, code.identity.cpr) == (ordered, SOFIE)
    assert code.expires_at > timezone.now() + timedelta(days=29)


def test_sofie_activates_her_code_display_with_the_letter(
    ordered: DeviceOrder, client: Client
) -> None:
    token = orders.fulfil_order(ordered, handed_out=False)
    response = type_letter(client, letter_code(ordered).lower())
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    page = client.get(ACTIVATE)
    assert "Your activation code from the letter is right" in page.content.decode()
    response = activate(client, token)
    assert "Your MitID is ready" in client.get(response["Location"]).content.decode()
    identity = Identity.objects.get(cpr=SOFIE)
    assert (identity.status, identity.level) == ("active", "substantial")
    device = CodeDevice.objects.get(identity=identity)
    assert (device.status, device.level) == (AuthenticatorStatus.ACTIVE, "substantial")
    assert identity.account is not None and identity.account.check_password(PASSWORD)
    assert AppActivationCode.objects.get().used_at is not None
    assert DeviceOrder.objects.get().status == "activated"
    # The code is used up, and the session no longer lets anyone in.
    assert client.get(ACTIVATE)["Location"].startswith(NEMID_LOGIN)
    assert "is wrong" in type_letter(client, letter_code(ordered)).content.decode()


def test_what_was_typed_is_kept_and_the_answer_is_the_same_for_an_unknown_user_id(
    ordered: DeviceOrder, client: Client
) -> None:
    wrong = type_letter(client, "ABCD-EFGH")
    unknown = type_letter(client, letter_code(ordered), user_id="nobody-here")
    for response, user_id in ((wrong, "sofie h"), (unknown, "nobody-here")):
        assert response.status_code == 200
        assert response.context["form"].errors["activation_code"][0] == (
            "The user-ID or the activation code is wrong, or the code has been used or is no "
            "longer valid. Check the letter that came with the device."
        )
        assert f'value="{user_id}"' in response.content.decode()
        assert "portal-error-summary" in response.content.decode()
    assert no_letter_in_session(client)


def test_a_malformed_code_is_said_in_the_field(ordered: DeviceOrder, client: Client) -> None:
    response = type_letter(client, "12")
    assert response.context["form"].errors["activation_code"] == [
        "The activation code has 8 letters and digits."
    ]


def test_an_expired_code_is_refused(ordered: DeviceOrder, client: Client) -> None:
    code = letter_code(ordered)
    AppActivationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "is wrong" in type_letter(client, code).content.decode()
    assert no_letter_in_session(client)


def test_a_letter_code_does_not_activate_an_app(ordered: DeviceOrder) -> None:
    with pytest.raises(activation.ActivationRefused) as refused:
        activation.start_app_activation(
            user_id="Sofie H",
            activation_code=letter_code(ordered),
            public_key=app_keys.public_key_to_b64(app_keys.new_private_key().public_key()),
            installation_id=str(uuid.uuid4()),
            name="phone",
            client="192.0.2.1",
        )
    assert refused.value.code == "invalid_activation_code"
    assert AppActivationCode.objects.get().used_at is None


def test_only_the_device_in_the_letter_is_activated(ordered: DeviceOrder, client: Client) -> None:
    """Another device assigned to her (not the one that came with the letter) is refused."""
    orders.fulfil_order(ordered, handed_out=False)
    other = HardwareToken.objects.filter(assigned_to__isnull=True).get()
    other.assigned_to = ordered.identity
    other.save()
    letter = activation.check_letter_code(
        user_id="Sofie H", activation_code=letter_code(ordered), client="192.0.2.1"
    )
    with pytest.raises(activation.ActivationRefused) as refused:
        activation.activate_code_device(
            identity=ordered.identity,
            password=PASSWORD,
            serial=other.serial,
            code=other.current_code(),
            letter=letter,
        )
    assert refused.value.code == "unknown_serial"


def test_a_code_used_while_the_form_was_open_is_said_plainly(
    ordered: DeviceOrder, client: Client
) -> None:
    token = orders.fulfil_order(ordered, handed_out=False)
    type_letter(client, letter_code(ordered))
    AppActivationCode.objects.update(used_at=timezone.now())
    fields = {"password1": PASSWORD, "password2": PASSWORD, "serial": token.serial, "code": "1"}
    # The checked code is gone: back to the letter's page, told why.
    response = client.post(ACTIVATE, fields, follow=True)
    assert response.redirect_chain == [(LETTER, 302)]
    assert "has been used or is no longer valid" in response.content.decode()
    assert not CodeDevice.objects.filter(status="active").exists()


def test_too_many_tries_lock_the_user_id_and_the_client(
    ordered: DeviceOrder, client: Client, settings: Any
) -> None:
    settings.CLIENT_FAILURES_PER_WINDOW = 8
    code = letter_code(ordered)
    for _ in range(5):
        type_letter(client, "ABCD-EFGH")
    locked = type_letter(client, code)
    assert "Too many wrong tries" in locked.content.decode()
    assert no_letter_in_session(client)
    # Another user-ID from the same client, until the client's own limit.
    for _ in range(3):
        type_letter(client, "ABCD-EFGH", user_id="someone else")
    assert (
        "Too many wrong tries"
        in type_letter(client, "ABCD-EFGH", user_id="a third").content.decode()
    )
    assert AppActivationCode.objects.get().used_at is None
    # Sofie, from her own address, with the right code: not locked out by them.
    sofie = Client(REMOTE_ADDR="192.0.2.44")
    assert type_letter(sofie, code)["Location"] == ACTIVATE


def test_a_blank_user_id_is_nobodys_even_with_the_letters_code(ordered: DeviceOrder) -> None:
    """Had her user-ID been given up (an empty key), spaces must still not find her."""
    Identity.objects.filter(cpr=SOFIE).update(user_id="", user_id_key="")
    with pytest.raises(activation.ActivationRefused) as refused:
        activation.check_letter_code(
            user_id="  ", activation_code=letter_code(ordered), client="192.0.2.1"
        )
    assert refused.value.code == "invalid_activation_code"


def test_a_citizen_logged_in_with_mitid_stays_logged_in_when_the_device_is_activated(
    ordered: DeviceOrder, client: Client
) -> None:
    """A walk: Sofie, logged in with her app, activated the code display she had ordered and
    was logged out without a word (the device's password is her account's, and Django ends a
    session whose account's password changed)."""
    Identity.objects.filter(cpr=SOFIE).update(status="active")
    sofie = Identity.objects.get(cpr=SOFIE)
    log_in_with_mitid(client, sofie, AppDeviceFactory(identity=sofie), method="app")
    assert client.get("/en/selfservice/").status_code == 200
    token = orders.fulfil_order(ordered, handed_out=False)
    type_letter(client, letter_code(ordered))
    response = activate(client, token)
    assert "Your MitID is ready" in client.get(response["Location"]).content.decode()
    assert client.get("/en/selfservice/").status_code == 200  # still logged in
    assert Identity.objects.get(pk=sofie.pk).account.check_password(PASSWORD)
