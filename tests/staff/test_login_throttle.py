"""Staff logins are throttled per username and client (django-axes) and every try is audited."""

from datetime import timedelta
from typing import Any, ClassVar

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from staff.demo import current_code
from tests.pages.test_security_headers import assert_security_headers, inline_code

pytestmark = pytest.mark.django_db

PASSWORD = "Staff-pass-2026"
LIMIT = 5


def client_at(address: str = "198.51.100.7", **headers: str) -> Client:
    return Client(REMOTE_ADDR=address, headers={"accept-language": "en", **headers})


def log_in(client: Client, username: str, password: str, code: str = "") -> Any:
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": code},
    )


def right_code(user: User) -> str:
    return current_code(TOTPDevice.objects.get(user=user))


def fail(client: Client, username: str = "birgit", times: int = LIMIT) -> list[int]:
    return [log_in(client, username, "wrong-password").status_code for _ in range(times)]


def test_the_limit_is_five_wrong_passwords_and_axes_is_checked_first(settings: Any) -> None:
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_CLIENT_IP_CALLABLE == "pages.clients.client_address"


def test_repeated_wrong_passwords_lock_the_username_out_from_that_client(
    borgerservice: User,
) -> None:
    client = client_at()
    assert fail(client, times=LIMIT - 1) == [200] * (LIMIT - 1)
    assert fail(client, times=1) == [429]  # the fifth
    # Now even the right password and code are refused, and nobody is logged in.
    response = log_in(client, "birgit", PASSWORD, right_code(borgerservice))
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_lock_out_holds_only_that_username_and_that_client(
    borgerservice: User, support: User
) -> None:
    fail(client_at("198.51.100.7"))
    # Birgit at another desk, and Sune at the locked-out one, still log in.
    response = log_in(client_at("198.51.100.8"), "birgit", PASSWORD, right_code(borgerservice))
    assert response.status_code == 302
    assert (
        log_in(client_at("198.51.100.7"), "sune", PASSWORD, right_code(support)).status_code == 302
    )


def test_the_client_behind_a_trusted_proxy_is_the_one_locked_out(
    borgerservice: User, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    fail(client_at("10.0.0.2", x_forwarded_for="203.0.113.9"))
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    other = client_at("10.0.0.2", x_forwarded_for="203.0.113.10")
    assert log_in(other, "birgit", PASSWORD, right_code(borgerservice)).status_code == 302


def test_the_lock_out_ends_after_a_while(borgerservice: User) -> None:
    client = client_at()
    fail(client)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = log_in(client, "birgit", PASSWORD, right_code(borgerservice))
    assert response.status_code == 302


def test_a_login_resets_the_count(borgerservice: User, support: User) -> None:
    client = client_at()
    fail(client, times=LIMIT - 1)
    assert log_in(client, "birgit", PASSWORD, right_code(borgerservice)).status_code == 302
    assert fail(client_at(), times=LIMIT - 1) == [200] * (LIMIT - 1)


class CountingHasher(MD5PasswordHasher):
    """Counts password checks and new hashes (MD5's verify encodes: that is one check)."""

    calls: ClassVar[list[str]] = []
    verifying = False

    def verify(self, password: str, encoded: str) -> bool:
        self.calls.append("verify")
        CountingHasher.verifying = True
        try:
            return super().verify(password, encoded)
        finally:
            CountingHasher.verifying = False

    def encode(self, password: str, salt: str) -> str:
        if not self.verifying:
            self.calls.append("encode")
        return super().encode(password, salt)


def test_a_locked_out_try_computes_no_password_hash(borgerservice: User, settings: Any) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    client = client_at()
    fail(client)
    CountingHasher.calls.clear()
    assert log_in(client, "birgit", PASSWORD, right_code(borgerservice)).status_code == 429
    assert log_in(client, "birgit", "wrong-password").status_code == 429
    assert CountingHasher.calls == []
    # Elsewhere a try does hash: the known username checks, the unknown one hashes alike.
    assert log_in(client_at("198.51.100.99"), "birgit", "wrong-password").status_code == 200
    assert log_in(client_at("198.51.100.99"), "nobody", "wrong-password").status_code == 200
    assert CountingHasher.calls == ["verify", "encode"]


def entries() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEntry.objects.order_by("pk").values_list("action", "actor_name", "reason", "detail")
    )


def test_a_staff_login_is_audited(borgerservice: User) -> None:
    assert log_in(client_at(), "birgit", PASSWORD, right_code(borgerservice)).status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.detail) == (
        "staff_login",
        borgerservice,
        "client 198.51.100.7",
    )


def test_each_failed_staff_login_is_audited_with_why(borgerservice: User) -> None:
    device = TOTPDevice.objects.get(user=borgerservice)
    wrong_code = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client = client_at()
    log_in(client, "birgit", "wrong-password")
    log_in(client, "birgit", PASSWORD)
    log_in(client, "birgit", PASSWORD, wrong_code)
    log_in(client, "Password123!", "x")  # no such account: the typed text is not kept
    assert entries() == [
        ("staff_login_failed", "birgit", "wrong_password", "client 198.51.100.7"),
        ("staff_login_failed", "birgit", "no_code", "client 198.51.100.7"),
        ("staff_login_failed", "birgit", "wrong_code", "client 198.51.100.7"),
        ("staff_login_failed", "unknown user", "wrong_password", "client 198.51.100.7"),
    ]
    assert AuditEntry.objects.filter(actor=borgerservice).count() == 3


@pytest.mark.parametrize("language", ["da", "en", "kl"])
def test_a_wrong_password_and_a_wrong_code_are_told_alike_in_the_staff_members_language(
    borgerservice: User, language: str
) -> None:
    """Which it was would tell a guesser the password is right (a probe); django-otp's own
    words were English on the Danish page."""
    device = TOTPDevice.objects.get(user=borgerservice)
    wrong_code = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client = Client(REMOTE_ADDR="198.51.100.7", headers={"accept-language": language})
    pages = [
        log_in(client, "birgit", "wrong-password", wrong_code),
        log_in(client, "birgit", PASSWORD),
        log_in(client, "birgit", PASSWORD, wrong_code),
    ]
    errors = {
        page.content.decode().split('class="errornote"')[1].split("</p>")[0] for page in pages
    }
    # Nor does a list of devices appear once the password was right (one device is chosen).
    assert not any('name="otp_device"' in page.content.decode() for page in pages)
    assert len(errors) == 1, errors
    said = {"da": "Skriv det rigtige brugernavn", "en": "Enter the right username", "kl": "Atuisup"}
    assert said[language] in errors.pop()


def test_a_staff_member_with_two_devices_chooses_one(borgerservice: User) -> None:
    TOTPDevice.objects.create(user=borgerservice, name="Second phone", confirmed=True)
    page = log_in(client_at(), "birgit", PASSWORD, "123456").content.decode()
    assert 'name="otp_device"' in page and "Second phone" in page


def test_a_locked_out_try_is_audited_as_such(borgerservice: User) -> None:
    client = client_at()
    fail(client)
    log_in(client, "birgit", PASSWORD, right_code(borgerservice))
    reasons = [reason for _action, _name, reason, _detail in entries()]
    assert reasons == ["wrong_password"] * (LIMIT - 1) + ["locked_out", "locked_out"]


def test_the_lock_out_page_is_in_the_staff_members_language(borgerservice: User) -> None:
    fail(client_at())
    danish = Client(REMOTE_ADDR="198.51.100.7", headers={"accept-language": "da"})
    response = log_in(danish, "birgit", PASSWORD)
    assert response.status_code == 429
    assert "For mange mislykkede logins" in response.content.decode()
    assert "Prøv igen om 15 minutter" in response.content.decode()
    # Under the same Content-Security-Policy as every page.
    assert_security_headers(response, "lock-out page")
    assert inline_code(response.content.decode()) == []


def test_a_citizens_mitid_login_leaves_axes_alone(client: Client) -> None:
    """Axes counts staff logins only: a citizen's login (through Django's `auth.login` too)
    neither reads nor resets its rows; the portal's own limits count citizens."""
    from tests.factories import IdentityFactory, active_code_device

    device = active_code_device(IdentityFactory(user_id="Karen K"))
    username = device.identity.ensure_user().username
    AccessAttempt.objects.create(
        username=username, ip_address="127.0.0.1", failures_since_start=1, get_data="", post_data=""
    )
    client.post("/en/login/", {"user_id": "Karen K", "next": ""})
    answer = client.post(
        "/en/login/code-device/",
        {"password": "Karens kodeord 7", "code": device.token.current_code()},
    )
    assert answer.status_code == 302 and "/login/" not in answer["Location"]
    assert AccessAttempt.objects.filter(username=username).exists()


def test_a_code_refused_while_the_device_is_throttled_is_audited_as_such(
    borgerservice: User,
) -> None:
    device = TOTPDevice.objects.get(user=borgerservice)
    device.throttling_failure_count = 3  # django-otp: wait 4 seconds after the third
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    response = log_in(client_at(), "birgit", PASSWORD, right_code(borgerservice))
    assert response.status_code == 200
    # Told as a wrong password is (which it was tells a guesser the password is right).
    assert "wait a few minutes before you try again" in response.content.decode()
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [
        "n_failed_attempts"
    ]
    assert entries() == [
        ("staff_login_failed", "birgit", "code_throttled", "client 198.51.100.7"),
    ]
