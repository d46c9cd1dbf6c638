"""The App API for logins: signed requests, scan, pending, approve and reject."""

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from app_api import auth as api_auth
from authenticators import app_keys, lifecycle
from authenticators.models import AppDevice, AppLogin, AuthenticatorEvent, Identity
from login import app_logins
from messaging.models import OutboxMessage
from selfservice.services import history
from tests.app_api.conftest import API, AppApi
from tests.factories import AppDeviceFactory
from tests.phone import pending_logins_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone() -> AppDevice:
    return AppDeviceFactory(identity__user_id="J()nas Jen5en")


@pytest.fixture
def login(phone: AppDevice) -> AppLogin:
    return app_logins.start(user_id="J()nas Jen5en", service="MitID.dk", text="Log on to MitID.dk")


def code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_scan_approve_and_the_login_is_approved(
    app_api: AppApi, phone: AppDevice, login: AppLogin
) -> None:
    scanned = app_api.call("POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=phone)
    assert scanned.status_code == 200
    shown = scanned.json()
    assert (shown["service"], shown["text"], shown["user_id"]) == (
        "MitID.dk",
        "Log on to MitID.dk",
        "J()nas Jen5en",
    )
    assert shown["key_id"] == str(phone.key_id)

    signature = app_keys.sign(phone.private_key, shown["signing_input"].encode())
    approved = app_api.call(
        "POST",
        f"/logins/{login.token}/approve",
        {"signature": signature, "pin": "246810"},
        signer=phone,
    )
    assert approved.json() == {"status": "approved"}
    login.refresh_from_db()
    assert login.status == "approved"


def test_a_login_started_on_the_phone_is_opened_by_its_link_then_pending(
    app_api: AppApi, phone: AppDevice
) -> None:
    started = app_logins.start(
        user_id="j()nas jen5en", service="MitID.dk", text="Log on", same_device=True
    )
    assert app_api.call("GET", "/logins", signer=phone).json()["logins"] == []
    wrong = app_api.call(
        "POST", "/logins/open", {"token": str(started.token), "autostart": "x"}, signer=phone
    )
    assert code(wrong) == (404, "not_found")
    opened = app_api.call(
        "POST",
        "/logins/open",
        {"token": str(started.token), "autostart": started.autostart},
        signer=phone,
    )
    assert opened.json()["status"] == "scanned"
    listed = app_api.call("GET", "/logins", signer=phone).json()["logins"]
    assert [entry["token"] for entry in listed] == [str(started.token)]


def test_every_answer_is_json_even_a_wrong_method_or_path(app_api: AppApi, db: None) -> None:
    wrong_method = app_api.client.get("/api/app/v1/logins/scan")
    assert code(wrong_method) == (405, "method_not_allowed")
    assert wrong_method["Allow"] == "POST"
    assert app_api.client.get("/api/app/v1/nothing/here").json() == {"error": {"code": "not_found"}}


def test_a_frame_whose_token_is_not_a_uuid_is_invalid(app_api: AppApi, phone: AppDevice) -> None:
    frame = "mitid." + "-" * 36 + ".1." + "0" * 64
    response = app_api.call("POST", "/logins/scan", {"frame": frame}, signer=phone)
    assert code(response) == (422, "invalid_frame")


def test_reject(app_api: AppApi, phone: AppDevice, login: AppLogin) -> None:
    app_api.call("POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=phone)
    rejected = app_api.call("POST", f"/logins/{login.token}/reject", {}, signer=phone)
    assert rejected.json() == {"status": "rejected"}


def test_a_request_without_a_signature_is_unauthenticated(
    app_api: AppApi, phone: AppDevice
) -> None:
    response = app_api.call("GET", "/logins", valid_request=False)
    assert code(response) == (401, "unauthenticated")


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_a_signed_body_too_large_is_refused_in_json(
    app_api: AppApi, phone: AppDevice, settings: Any, content_type: str
) -> None:
    """The signature's check reads the body too: a probe's signed 3 MB body was a 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"frame": "x" * 200}).encode()
    header = api_auth.authorization_header(
        key_id=str(phone.key_id),
        private_key=phone.private_key,
        method="POST",
        path=f"{API}/logins/scan",
        body=body,
    )
    # Past the client's check against the document, which would read the body too.
    response = app_api.client.post(
        f"{API}/logins/scan", body, content_type=content_type, headers={"Authorization": header}
    )
    assert code(response) == (413, "payload_too_large")


def test_a_request_signed_by_another_key_is_refused_and_counted(
    app_api: AppApi, phone: AppDevice
) -> None:
    from tests.caches import empty_cache

    empty_cache()
    header = api_auth.authorization_header(
        key_id=str(phone.key_id),
        private_key=app_keys.new_private_key(),
        method="GET",
        path=f"{API}/logins",
        body=b"",
    )
    codes = [
        code(app_api.call("GET", "/logins", headers={"Authorization": header}))[1] for _ in range(6)
    ]
    assert codes == ["bad_signature"] * 5 + ["too_many_attempts"]
    # The lock is read after a failure only: the phone's own signed requests still go
    # through from that address (the cost of a look-up on every request is gone).
    assert app_api.call("GET", "/logins", signer=phone).status_code == 200
    empty_cache()


def test_a_signed_request_is_good_once(app_api: AppApi, phone: AppDevice) -> None:
    header = pending_logins_header(phone)
    assert app_api.call("GET", "/logins", headers={"Authorization": header}).status_code == 200
    replay = app_api.call("GET", "/logins", headers={"Authorization": header})
    assert code(replay) == (401, "replayed_request")


def test_an_old_signed_request_is_stale(app_api: AppApi, phone: AppDevice, settings) -> None:
    header = pending_logins_header(
        phone, created=int(time.time()) - settings.APP_REQUEST_MAX_SKEW_SECONDS - 5
    )
    response = app_api.call("GET", "/logins", headers={"Authorization": header})
    assert code(response) == (401, "stale_request")


def test_a_request_signed_before_the_cache_forgot_its_nonces_is_refused(
    app_api: AppApi, phone: AppDevice
) -> None:
    """A cache that lost its data (a Redis restarted without its append-only file) no longer
    knows which nonces it saw: a request signed before that is refused, and a new one is not."""
    from django.core.cache import cache

    from tests.caches import empty_cache

    created = int(time.time()) - 30  # a phone whose clock runs half a minute behind
    cache.set(api_auth.NONCES_SINCE_KEY, created - 60, timeout=None)
    header = pending_logins_header(phone, created=created)
    assert app_api.call("GET", "/logins", headers={"Authorization": header}).status_code == 200
    assert code(app_api.call("GET", "/logins", headers={"Authorization": header}))[1] == (
        "replayed_request"
    )

    empty_cache()  # the nonce is forgotten, and so is the second from which they were kept
    assert code(app_api.call("GET", "/logins", headers={"Authorization": header})) == (
        401,
        "stale_request",
    )
    assert cache.get(api_auth.NONCES_SINCE_KEY) > created
    # What the phone signs now is good, and once.
    header = pending_logins_header(phone)
    assert app_api.call("GET", "/logins", headers={"Authorization": header}).status_code == 200
    assert code(app_api.call("GET", "/logins", headers={"Authorization": header}))[1] == (
        "replayed_request"
    )


def test_the_second_the_nonces_are_kept_from_is_set_once_and_then_kept() -> None:
    """Set when missing (a second before now), then read as it is: another process may have
    set it first, and its value stands."""
    from django.core.cache import cache

    cache.delete(api_auth.NONCES_SINCE_KEY)
    first = api_auth.nonces_remembered_since()
    assert int(time.time()) - 2 <= first <= int(time.time()) - 1  # a second's leeway
    cache.set(api_auth.NONCES_SINCE_KEY, first - 100, timeout=None)  # another process's
    assert api_auth.nonces_remembered_since() == first - 100


def test_a_signature_covers_the_body(app_api: AppApi, phone: AppDevice, login: AppLogin) -> None:
    header = api_auth.authorization_header(
        key_id=str(phone.key_id),
        private_key=phone.private_key,
        method="POST",
        path=f"{API}/logins/scan",
        body=b'{"frame": "something else"}',
    )
    response = app_api.call(
        "POST",
        "/logins/scan",
        {"frame": app_logins.frame(login)},
        headers={"Authorization": header},
    )
    assert code(response) == (401, "bad_signature")
    assert AppLogin.objects.get().status == "waiting"


def test_a_blocked_app_is_refused_and_its_persons_login_says_why(
    app_api: AppApi, phone: AppDevice, login: AppLogin
) -> None:
    lifecycle.block_device(phone, reason="lost", by=None)
    response = app_api.call(
        "POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=phone
    )
    assert code(response) == (403, "device_not_active")
    login.refresh_from_db()
    # The phone is in front of the screen: the browser learns why nobody is logged in.
    assert (login.status, login.device_id) == ("blocked", None)
    # And the citizen's history has it: someone holds the blocked phone and tried it.
    (use, blocked) = history(phone.identity)
    assert (use.kind, use.service, blocked.kind) == ("refused", login.service, "blocked")
    assert use.authenticator == phone.label
    app_api.call("POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=phone)
    assert len(history(phone.identity)) == 2, "a login ends once, and is one line"


def test_a_blocked_app_tried_again_and_again_is_one_line_and_one_notice_a_while(
    app_api: AppApi, phone: AppDevice, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.BLOCKED_USE_QUIET_MINUTES = 15
    Identity.objects.filter(pk=phone.identity_id).update(
        notify_on_use=True, mobile="+4520304050", contact_set_at=timezone.now()
    )
    lifecycle.block_device(phone, reason="stolen", by=None)
    OutboxMessage.objects.all().delete()  # the block's own notice

    def try_the_phone() -> None:
        login = app_logins.start(user_id="J()nas Jen5en", service="Netbank", text="Log on")
        with django_capture_on_commit_callbacks(execute=True):
            response = app_api.call(
                "POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=phone
            )
        assert code(response) == (403, "device_not_active")
        assert AppLogin.objects.get(pk=login.pk).status == "blocked", "each login still ends"

    for _ in range(5):
        try_the_phone()
    refused = AuthenticatorEvent.objects.filter(kind="refused", identity_id=phone.identity_id)
    assert refused.count() == 1, "whoever holds the phone cannot fill the history"
    (sms,) = OutboxMessage.objects.values_list("body", flat=True)
    # In the citizen's language (Danish here).
    assert "Nogen forsøgte at bruge din MitID app" in sms and "Netbank" in sms
    assert "Den er spærret og kan ikke bruges, så forsøget blev afvist" in sms

    # After the quiet while, the next try is a line and a notice of its own.
    refused.update(at=timezone.now() - timedelta(minutes=16))
    try_the_phone()
    assert refused.count() == 2
    assert OutboxMessage.objects.count() == 2


def test_the_app_of_a_whole_blocked_mitid_is_told_so_and_the_try_is_written(
    app_api: AppApi, phone: AppDevice, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # The MitID is blocked, its app is not: the app was told "not for this app", the page
    # waited on, and nothing was written anywhere.
    Identity.objects.filter(pk=phone.identity_id).update(
        notify_on_use=True, mobile="+4520304050", contact_set_at=timezone.now(), language="en"
    )
    lifecycle.block_identity(phone.identity, reason="stolen", by=None)
    OutboxMessage.objects.all().delete()  # the block's own notice
    login = app_logins.start(user_id="j()nas jen5en", service="Netbank", text="Log on")
    with django_capture_on_commit_callbacks(execute=True):
        response = app_api.call(
            "POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=phone
        )
    assert code(response) == (403, "identity_blocked")
    login.refresh_from_db()
    # The phone is in front of the screen: the browser learns the MitID is blocked.
    assert (login.status, login.identity_id, login.device_id) == (
        "blocked",
        phone.identity_id,
        None,
    )
    (refused,) = AuthenticatorEvent.objects.filter(kind="refused")
    assert (refused.detail, refused.service, refused.device) == (
        "mitid_blocked",
        "Netbank",
        phone.persistent_id,
    )
    (sms,) = OutboxMessage.objects.values_list("body", flat=True)
    assert "Your whole MitID is blocked, so the try was refused" in sms and "Netbank" in sms

    # Opened on the same phone: the same answer, and within the quiet while no second line.
    mine = app_logins.start(
        user_id="J()nas Jen5en", service="MitID.dk", text="Log on", same_device=True
    )
    opened = app_api.call(
        "POST",
        "/logins/open",
        {"token": str(mine.token), "autostart": mine.autostart},
        signer=phone,
    )
    assert code(opened) == (403, "identity_blocked")
    assert AppLogin.objects.get(pk=mine.pk).status == "blocked"
    assert AuthenticatorEvent.objects.filter(kind="refused").count() == 1


def test_a_login_for_someone_else_is_not_ended_by_a_blocked_mitids_app(
    app_api: AppApi, phone: AppDevice, login: AppLogin
) -> None:
    other = AppDeviceFactory(identity__user_id="Karen K")
    lifecycle.block_identity(other.identity, reason="stolen", by=None)
    response = app_api.call(
        "POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=other
    )
    assert code(response) == (403, "not_for_this_app")
    assert AppLogin.objects.get(pk=login.pk).status == "waiting"
    assert not AuthenticatorEvent.objects.filter(kind="refused").exists()


def test_someone_elses_blocked_app_changes_nothing(app_api: AppApi, login: AppLogin) -> None:
    stranger = AppDeviceFactory(status="blocked")
    response = app_api.call(
        "POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=stranger
    )
    assert code(response) == (403, "device_not_active")
    assert AppLogin.objects.get().status == "waiting"


def test_an_app_blocked_after_it_scanned_cannot_approve_and_the_login_ends(
    app_api: AppApi, phone: AppDevice, login: AppLogin
) -> None:
    app_api.call("POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=phone)
    lifecycle.block_device(phone, reason="stolen", by=None)
    response = app_api.call(
        "POST",
        f"/logins/{login.token}/approve",
        {"signature": "x", "pin": "246810"},
        signer=phone,
    )
    assert code(response) == (403, "device_not_active")
    assert AppLogin.objects.get().status == "blocked"


def test_a_stale_frame_is_gone(
    app_api: AppApi, phone: AppDevice, login: AppLogin, settings
) -> None:
    settings.APP_LOGIN_FRAME_MAX_AGE_SECONDS = 5
    AppLogin.objects.update(started_at=login.started_at.replace(year=login.started_at.year - 1))
    login.refresh_from_db()
    old = app_logins.frame(login, now=login.started_at)
    response = app_api.call("POST", "/logins/scan", {"frame": old}, signer=phone)
    assert code(response) == (410, "stale_frame")


def test_a_wrong_pin(app_api: AppApi, phone: AppDevice, login: AppLogin) -> None:
    shown = app_api.call(
        "POST", "/logins/scan", {"frame": app_logins.frame(login)}, signer=phone
    ).json()
    signature = app_keys.sign(phone.private_key, shown["signing_input"].encode())
    response = app_api.call(
        "POST",
        f"/logins/{login.token}/approve",
        {"signature": signature, "pin": "000000"},
        signer=phone,
    )
    assert code(response) == (401, "wrong_pin")


def test_malformed_frames_and_json(app_api: AppApi, phone: AppDevice) -> None:
    not_a_frame = app_api.call("POST", "/logins/scan", {"frame": "hello"}, signer=phone)
    assert code(not_a_frame) == (422, "invalid_frame")
    not_json = app_api.call("POST", "/logins/scan", "{frame", signer=phone, valid_request=False)
    assert code(not_json) == (400, "malformed_json")


def test_what_a_scan_and_an_approval_ask_of_the_database(
    app_api: AppApi, phone: AppDevice, login: AppLogin
) -> None:
    """The statements the app's two requests of a login cost (bench/profile_api counts them
    on PostgreSQL). In a test everything runs in the test's transaction, so each transaction
    of the code shows as a savepoint. The scan: the signer, the login with its person, the
    conditional update, and no transaction. The approval: the signer, then in one transaction
    the login locked with its app's row, the app's use, the history entry, the login."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(call: Any) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            assert call().status_code == 200
        sql = [query["sql"] for query in captured.captured_queries]
        savepoints = sum(1 for text in sql if text.startswith("SAVEPOINT"))
        return len(sql) - 2 * savepoints, savepoints

    frame = {"frame": app_logins.frame(login)}
    assert statements(lambda: app_api.call("POST", "/logins/scan", frame, signer=phone)) == (3, 0)
    signature = app_keys.sign(phone.private_key, login.signing_input.encode())
    body = {"signature": signature, "pin": "246810"}
    approve = f"/logins/{login.token}/approve"
    assert statements(lambda: app_api.call("POST", approve, body, signer=phone)) == (5, 1)
