"""From a device order to an active code device: staff fulfil it, the citizen activates it."""

from collections.abc import Callable

import pytest
from django.test import Client

from activation import services as activation
from authenticators.models import AuthenticatorStatus, CodeDevice, HardwareToken, Identity
from authenticators.services import Refused
from authenticators.stock import fill_stock
from enrollment import orders, state
from enrollment import services as enrollment_services
from enrollment.flow import Channel, Method
from enrollment.models import DeviceOrder, EnrollmentCase
from tests.staff.helpers import log_in_staff, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(demo_people: None) -> DeviceOrder:
    fill_stock(code_displays=2, code_readers=1)
    case = state.open_case(
        cpr="0203754322", nemid_user_id="karen.h", channel=Channel.MITID, language="en"
    ).case
    enrollment_services.choose_method(case, Method.CODE_DISPLAY)
    enrollment_services.choose_user_id(case, "karen.h")
    return enrollment_services.order_device(case, delivery="post", slot=None, language="en").order


def test_fulfilling_an_order_assigns_a_device_of_its_kind_from_stock(order: DeviceOrder) -> None:
    token = orders.fulfil_order(order, handed_out=False)
    order.refresh_from_db()
    assert (token.kind, token.assigned_to, order.status, order.token) == (
        "kodeviser",
        order.identity,
        "sent",
        token,
    )
    with pytest.raises(Refused) as refused:
        orders.fulfil_order(order, handed_out=False)
    assert refused.value.code == "order_not_open"


def test_an_empty_stock_is_said_plainly(order: DeviceOrder) -> None:
    HardwareToken.objects.filter(kind="kodeviser").delete()
    with pytest.raises(Refused) as refused:
        orders.fulfil_order(order, handed_out=True)
    assert refused.value.code == "out_of_stock"


def test_activation_makes_the_identity_active_at_substantial(order: DeviceOrder) -> None:
    token = orders.fulfil_order(order, handed_out=True)
    device = activation.activate_code_device(
        identity=order.identity,
        password="a-long-pass-phrase",
        serial=token.serial.lower(),
        code=token.current_code(),
    )
    identity = Identity.objects.get(pk=order.identity_id)
    assert (identity.status, identity.level) == ("active", "substantial")
    assert device.status == AuthenticatorStatus.ACTIVE and device.level == "substantial"
    assert identity.account is not None and identity.account.check_password("a-long-pass-phrase")
    assert DeviceOrder.objects.get().status == "activated"
    assert EnrollmentCase.objects.get().status == "completed"


def test_a_wrong_serial_and_someone_elses_serial_get_the_same_answer(order: DeviceOrder) -> None:
    orders.fulfil_order(order, handed_out=True)
    others = HardwareToken.objects.filter(assigned_to__isnull=True).first()
    assert others is not None
    for serial in ("KV99999999", others.serial):
        with pytest.raises(activation.ActivationRefused) as refused:
            activation.activate_code_device(
                identity=order.identity, password="a-long-pass-phrase", serial=serial, code="123456"
            )
        assert refused.value.code == "unknown_serial"
    assert not CodeDevice.objects.exists()


def test_a_wrong_code_is_counted_and_changes_nothing(order: DeviceOrder, settings) -> None:
    token = orders.fulfil_order(order, handed_out=True)
    wrong = f"{(int(token.current_code()) + 1) % 1_000_000:06d}"
    with pytest.raises(activation.ActivationRefused):
        activation.activate_code_device(
            identity=order.identity, password="a-long-pass-phrase", serial=token.serial, code=wrong
        )
    device = CodeDevice.objects.get()
    assert (device.status, device.throttling_failure_count) == ("pending", 1)
    assert Identity.objects.get(pk=order.identity_id).status == "pending"


@pytest.fixture
def karen(client: Client, order: DeviceOrder, nemid_client: Callable[..., Client]) -> Client:
    return nemid_client("0203754322", "karen.h")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 8 characters"),
        ("my-karen.h-password", "must not contain your user-ID"),
        ("pass1234567890word", "must not contain 10 digits in a row"),
    ],
)
def test_password_rules_are_explained_and_the_serial_stays(
    karen: Client, order: DeviceOrder, password: str, message: str
) -> None:
    token = orders.fulfil_order(order, handed_out=True)
    html = karen.post(
        "/en/authenticators/code-device/activate/",
        {
            "password1": password,
            "password2": password,
            "serial": token.serial,
            "code": "123456",
        },
    ).content.decode()
    assert message in html
    assert f'value="{token.serial}"' in html
    assert password not in html


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password1", "Isissutissaq taanna atugaavallaarpoq."),  # too common
        ("48151623", "Isissutissaq kisitsisinik kisimi imaqassanngilaq."),  # digits only
    ],
)
def test_djangos_password_rules_are_said_in_the_pages_language(
    karen: Client, order: DeviceOrder, password: str, message: str
) -> None:
    """Django's validators have no Greenlandic: their refusals are the portal's own words (a
    walk saw Danish on a Greenlandic page)."""
    token = orders.fulfil_order(order, handed_out=True)
    html = karen.post(
        "/kl/authenticators/code-device/activate/",
        {"password1": password, "password2": password, "serial": token.serial, "code": "123456"},
    ).content.decode()
    assert message in html
    assert "adgangskode" not in html.lower()


def test_a_password_not_typed_again_is_said_once(karen: Client, order: DeviceOrder) -> None:
    token = orders.fulfil_order(order, handed_out=True)
    html = karen.post(
        "/en/authenticators/code-device/activate/",
        {"password1": "Karens kodeord 7", "serial": token.serial, "code": "123456"},
    ).content.decode()
    assert "Type the password again." in html
    assert "The two passwords are not the same." not in html


def test_before_the_device_is_sent_the_page_says_so(karen: Client) -> None:
    html = karen.get("/en/authenticators/code-device/activate/").content.decode()
    assert "Your device is not ready yet" in html


def test_karen_activates_her_device_in_the_browser_form(karen: Client, order: DeviceOrder) -> None:
    token = orders.fulfil_order(order, handed_out=True)
    sent = karen.post(
        "/en/authenticators/code-device/activate/",
        {
            "password1": "Kaffe-og-kage-2026",
            "password2": "Kaffe-og-kage-2026",
            "serial": token.serial,
            "code": token.current_code(),
        },
    )
    # The answer is a page of its own: a reload or Back shows it again, and sends nothing.
    assert (
        sent.status_code == 302 and sent["Location"] == "/en/authenticators/code-device/activated/"
    )
    for _ in range(2):
        html = karen.get(sent["Location"]).content.decode()
        assert "Your MitID is ready" in html
        assert 'Your assurance level is <a href="/en/levels/#substantial">Substantial</a>.' in html
        assert 'href="/en/login/"' in html and "33 98 00 10" in html  # no dead end
    assert Client().get(sent["Location"])["Location"].startswith("/en/")  # nobody else's


def test_the_code_and_serial_may_be_typed_in_groups(karen: Client, order: DeviceOrder) -> None:
    """A code typed "123 456" is the 6 digits, as the login takes it, and "kv 0715 4813" the
    serial: the form refused the code as not 6 digits and the serial as unknown (counted
    towards the lock), where a citizen copies a device's digits in groups (a walk in Danish)."""
    token = orders.fulfil_order(order, handed_out=True)
    code = token.current_code()
    serial = token.serial.lower()
    grouped = f"{serial[:2]} {serial[2:6]}-{serial[6:]}"
    # The browser would cut "123 456" to "123 45" as it is typed.
    page = karen.get("/en/authenticators/code-device/activate/").content.decode()
    assert 'maxlength="6"' not in page
    sent = karen.post(
        "/en/authenticators/code-device/activate/",
        {
            "password1": "Kaffe-og-kage-2026",
            "password2": "Kaffe-og-kage-2026",
            "serial": grouped,
            "code": f"{code[:3]} {code[3:]}",
        },
    )
    assert sent.status_code == 302, sent.content.decode()
    assert sent["Location"] == "/en/authenticators/code-device/activated/"


def test_staff_hand_out_an_order_with_the_admin_action(client: Client, order: DeviceOrder) -> None:
    log_in_staff(client, staff_member("boss", superuser=True))
    response = client.post(
        "/admin/enrollment/deviceorder/",
        {
            "action": "hand_out_from_stock",
            "_selected_action": [order.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "collected" and order.token is not None


def test_the_admin_action_says_why_an_order_cannot_be_fulfilled(
    client: Client, order: DeviceOrder
) -> None:
    HardwareToken.objects.filter(kind="kodeviser").delete()
    log_in_staff(client, staff_member("boss", superuser=True))
    response = client.post(
        "/admin/enrollment/deviceorder/",
        {"action": "send_from_stock", "_selected_action": [order.pk]},
        follow=True,
    )
    assert "ingen enhed af denne slags på lager" in response.content.decode()


def test_guessing_serials_is_counted_and_then_refused(order: DeviceOrder) -> None:
    from tests.caches import empty_cache

    empty_cache()
    token = orders.fulfil_order(order, handed_out=True)
    codes = []
    for guess in ["KV1", "KV2", "KV3", "KV4", "KV5", token.serial]:
        try:
            activation.activate_code_device(
                identity=order.identity,
                password="a-long-pass-phrase",
                serial=guess,
                code=token.current_code(),
            )
        except activation.ActivationRefused as refusal:
            codes.append(refusal.code)
    assert codes == ["unknown_serial"] * 5 + ["too_many_serials"]
    empty_cache()
