"""Staff log in to admin with their password and the code of their own TOTP device."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.demo import current_code
from tests.factories import IdentityFactory, active_code_device

from .helpers import english_client, log_in_staff

pytestmark = pytest.mark.django_db

PASSWORD = "Staff-pass-2026"


def test_password_and_the_totp_code_let_staff_in(borgerservice: User) -> None:
    client = english_client()
    device = TOTPDevice.objects.get(user=borgerservice)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "birgit", "password": PASSWORD, "otp_token": current_code(device)},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_password_alone_is_not_enough(borgerservice: User) -> None:
    client = english_client()
    response = client.post("/admin/login/", {"username": "birgit", "password": PASSWORD})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["__all__"]
    assert [error.code for error in errors] == ["token_required"]
    assert client.get("/admin/").status_code == 302


def test_a_wrong_code_is_refused(borgerservice: User) -> None:
    device = TOTPDevice.objects.get(user=borgerservice)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = english_client().post(
        "/admin/login/", {"username": "birgit", "password": PASSWORD, "otp_token": wrong}
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [
        "invalid_token"
    ]


def test_a_logged_in_but_unverified_staff_member_is_sent_to_the_login(
    borgerservice: User,
) -> None:
    client = english_client()
    client.force_login(borgerservice)  # password only: no OTP device verified
    response = client.get("/admin/authenticators/identity/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_a_totp_device_cannot_log_in(db: None) -> None:
    User.objects.create_user("nodevice", password=PASSWORD, is_staff=True, is_superuser=True)
    client = english_client()
    response = client.post(
        "/admin/login/", {"username": "nodevice", "password": PASSWORD, "otp_token": "123456"}
    )
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_citizens_code_device_is_never_a_staff_login(db: None) -> None:
    # A citizen's code display is a TOTP device on their own account: it opens nothing here.
    identity = IdentityFactory()
    device = active_code_device(identity)
    account = identity.ensure_user()
    account.is_staff = True
    account.set_password(PASSWORD)
    account.save()
    response = english_client().post(
        "/admin/login/",
        {
            "username": account.username,
            "password": PASSWORD,
            "otp_token": device.token.current_code(),
        },
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_the_code_works_once(borgerservice: User, client: Client) -> None:
    device = TOTPDevice.objects.get(user=borgerservice)
    code = current_code(device)
    data = {"username": "birgit", "password": PASSWORD, "otp_token": code}
    assert english_client().post("/admin/login/", data).status_code == 302
    assert english_client().post("/admin/login/", data).status_code == 200


def test_logged_in_staff_see_the_site(desk: Client) -> None:
    html = desk.get("/admin/").content.decode()
    assert "MitID staff" in html


def test_helper_log_in_is_a_verified_session(borgerservice: User) -> None:
    assert log_in_staff(english_client(), borgerservice).get("/admin/").status_code == 200


def test_the_staff_login_has_the_portals_icon(client: Client) -> None:
    """Without it the browser asks for /favicon.ico, a 404 in the console."""
    page = client.get("/admin/login/").content.decode()
    assert 'rel="icon" href="/static/portal/favicon.svg"' in page and 'id="site-name"' in page
