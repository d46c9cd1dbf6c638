"""What the portal does when its parts fail, tried on the real parts (see conftest.py)."""

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.http import HttpResponseBase
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from authenticators.models import AppDevice
from login import app_logins, listeners
from messaging.models import Message
from messaging.services import queue_sms
from tests.asgi_server import asgi_server
from tests.factories import AppDeviceFactory
from tests.phone import PIN, USER_ID, jonas_phone, mitid_app, pending_logins_header

from .conftest import Celery, Gateway, Redis, needs_the_fault_set_up, wait_for

pytestmark = needs_the_fault_set_up


def code_sent_to(gateway: type[Gateway], number: str) -> str:
    texts = [sms["text"] for sms in gateway.taken.values() if sms["to"] == number]
    assert len(texts) == 1, texts
    match = re.search(r"\b(\d{6})\b", texts[0])
    assert match, texts[0]
    return match.group(1)


def test_redis_down_while_a_citizen_asks_for_a_code(
    nemid_client: Callable[..., Client], redis: Redis, celery: Celery, gateway: type[Gateway]
) -> None:
    """Proves: with Redis (broker, cache, channel layer) stopped, the contact page answers
    within 2 s and loses nothing; once Redis is back, beat's sweep hands the code over and
    the citizen gets it, once, and it confirms the number."""
    celery.start_worker()
    celery.start_beat()
    jonas = nemid_client()
    jonas.get("/en/enrollment/")
    jonas.post("/en/enrollment/method/", {"method": "app"})
    jonas.post("/en/enrollment/terms/", {"accept": "on"})

    redis.stop()
    started = time.monotonic()
    response = jonas.post("/en/enrollment/contact/", {"mobile": "20304050"})
    took = time.monotonic() - started
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == "/en/enrollment/contact/confirm/"
    assert took < 2, f"the page took {took:.1f} s with Redis down"
    assert Message.objects.get().status == "queued"
    assert not gateway.taken

    redis.start()
    wait_for(lambda: bool(gateway.taken), 30, "the code's delivery after Redis came back")
    code = code_sent_to(gateway, "+4520304050")
    response = jonas.post("/en/enrollment/contact/confirm/", {"channel": "sms", "sms-code": code})
    assert response.status_code == 302
    assert response["Location"] == "/en/enrollment/user-id/"
    wait_for(lambda: Message.objects.get().status == "sent", 10, "the row marked sent")
    assert len(gateway.taken) == 1


def nemid_login() -> HttpResponseBase:
    """Jonas logs in with NemID: its lock-outs are kept in Redis."""
    return Client().post(
        "/en/nemid/login/", {"user_id": "Jonas1983", "password": "Nemid-Jonas-1983"}
    )


def test_redis_down_asks_citizens_and_apps_to_try_again_and_then_serves_them(
    demo_people: None, redis: Redis
) -> None:
    """Proves: with Redis stopped, the NemID login (its lock-outs are kept in Redis) answers
    503 with the page asking to try again in a minute, and the App API (its nonces) 503 in
    JSON; once Redis is back, the same requests succeed."""
    phone = AppDeviceFactory()
    redis.stop()
    down = nemid_login()
    assert down.status_code == 503 and "MitID cannot answer right now" in down.content.decode()
    assert pending_logins(pending_logins_header(phone)).status_code == 503
    redis.start()
    assert nemid_login().status_code == 302
    assert pending_logins(pending_logins_header(phone)).status_code == 200


def pending_logins(header: str) -> HttpResponseBase:
    return Client().get("/api/app/v1/logins", headers={"Authorization": header})


def test_a_request_replayed_after_redis_lost_its_nonces_is_refused(
    transactional_db: None, redis: Redis
) -> None:
    """Proves: a signed App API request sent once, then sent again after Redis restarted
    without its data (so without the nonces it held), is refused as stale and not served
    twice; what the phone signs after the restart is served."""
    phone = AppDeviceFactory()
    assert (
        pending_logins(pending_logins_header(phone)).status_code == 200
    )  # Redis keeps nonces from now
    captured = pending_logins_header(phone)
    assert pending_logins(captured).status_code == 200
    assert json.loads(pending_logins(captured).content)["error"]["code"] == "replayed_request"

    redis.stop()
    redis.start()  # with nothing on disk: the nonces are gone
    # The replay comes two seconds after it was signed at least: past the leeway the first
    # request after the restart gives what was signed just before it.
    time.sleep(2.1)
    replayed = pending_logins(captured)
    assert replayed.status_code == 401
    assert json.loads(replayed.content)["error"]["code"] == "stale_request"
    assert pending_logins(pending_logins_header(phone)).status_code == 200


def test_a_hung_redis_holds_a_citizen_only_for_the_cache_timeout(
    demo_people: None, redis: Redis
) -> None:
    """Proves: with Redis hung (its connections open, nothing answering), the NemID login
    answers 503 after `REDIS_CACHE_TIMEOUT_SECONDS` (1 s), not after redis-py's own 5 s; once
    Redis answers again, the same login succeeds."""
    assert settings.REDIS_CACHE_TIMEOUT_SECONDS == 1
    assert nemid_login().status_code == 302  # the cache's connection is open
    redis.freeze()
    try:
        started = time.monotonic()
        hung = nemid_login()
        waited = time.monotonic() - started
    finally:
        redis.thaw()
    assert hung.status_code == 503 and "MitID cannot answer right now" in hung.content.decode()
    assert 1 <= waited < 4, waited
    assert nemid_login().status_code == 302


def test_a_worker_killed_with_work_pending(
    redis: Redis, celery: Celery, gateway: type[Gateway]
) -> None:
    """Proves: messages handed to Celery while no worker ran, and one taken by a worker that
    was then killed mid-way, are all delivered after a worker starts again, each once (the
    gateway got a second try of the interrupted one and dropped it by its key)."""
    gateway.failing = True  # the first worker's tries reach the gateway and fail
    celery.start_worker()
    first = queue_sms(to="+4511111111", body="first")
    wait_for(lambda: gateway.posts >= 1, 20, "the worker's first try")
    celery.kill_worker()
    rest = [queue_sms(to=f"+45222222{n:02d}", body=f"pending {n}") for n in range(5)]

    gateway.failing = False
    celery.start_worker()
    celery.start_beat()
    wait_for(lambda: len(gateway.taken) == 6, 40, "every message's delivery")
    sent = {sms["text"] for sms in gateway.taken.values()}
    assert sent == {"first", *(f"pending {n}" for n in range(5))}
    wait_for(
        lambda: Message.objects.filter(status="sent").count() == 6, 10, "every row marked sent"
    )
    assert {str(m.key) for m in (first, *rest)} == set(gateway.taken)


def test_the_sms_gateway_failing_for_a_while(
    redis: Redis, celery: Celery, gateway: type[Gateway]
) -> None:
    """Proves: while the gateway refuses, each message is tried again with backoff; when it
    answers again, every message is sent, once."""
    gateway.failing = True
    celery.start_worker()
    celery.start_beat()
    messages = [queue_sms(to=f"+45333333{n:02d}", body=f"notice {n}") for n in range(3)]
    wait_for(lambda: gateway.posts >= 6, 30, "two tries of every message")
    assert not gateway.taken
    gateway.failing = False
    wait_for(lambda: len(gateway.taken) == 3, 40, "delivery once the gateway is back")
    wait_for(
        lambda: Message.objects.filter(status="sent").count() == 3, 10, "every row marked sent"
    )
    assert {str(m.key) for m in messages} == set(gateway.taken)
    assert all(m.attempts >= 2 for m in Message.objects.all())


def at_the_qr_page(browser_url: str) -> str:
    """A browser that typed Jonas's user-ID and has the QR page: its cookies."""
    browser = requests.Session()
    browser.get(f"{browser_url}/en/login/").raise_for_status()
    answer = browser.post(
        f"{browser_url}/en/login/",
        {"user_id": USER_ID, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
    )
    assert answer.status_code == 200 and "login-qr" in answer.text
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def qr_socket(browser_url: str, cookies: str) -> ClientConnection:
    return connect(
        browser_url.replace("http", "ws", 1) + "/ws/login/app/",
        additional_headers={"Cookie": cookies},
        origin=browser_url,  # type: ignore[arg-type]
    )


@contextmanager
def waiting_browser(tmp_path: Path) -> Iterator[tuple[ClientConnection, Path, str]]:
    """A browser on one server process waiting on Jonas's QR login over its websocket, his
    phone's state, and a second server process for the app's requests, as deployed."""
    _device, state = jonas_phone(tmp_path)
    environment = {"DEMO_MODE": "true", "CELERY_TASK_ALWAYS_EAGER": "true"}
    with (
        asgi_server(**environment) as browser_url,
        asgi_server(**environment) as app_url,
        qr_socket(browser_url, at_the_qr_page(browser_url)) as socket,
    ):
        assert _next(socket, "status") == "waiting"
        yield socket, state, app_url


def test_a_hung_redis_closes_a_new_live_qr_socket_for_the_page_to_poll(
    transactional_db: None, redis: Redis, tmp_path: Path
) -> None:
    """Proves: with Redis hung, the live QR code's websocket on a server process not yet in
    the status group is closed with 1013 ("try again later", so the page polls) after
    `CHANNEL_LAYER_TIMEOUT_SECONDS` (3 s), where it waited for as long as Redis hung; once
    Redis answers, a new one is served."""
    jonas_phone(tmp_path)
    environment = {"DEMO_MODE": "true", "CELERY_TASK_ALWAYS_EAGER": "true"}
    with asgi_server(**environment) as browser_url:
        cookies = at_the_qr_page(browser_url)
        redis.freeze()
        try:
            started = time.monotonic()
            with (
                qr_socket(browser_url, cookies) as socket,
                pytest.raises(ConnectionClosed) as closed,
            ):
                socket.recv(timeout=10)
            waited = time.monotonic() - started
        finally:
            redis.thaw()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        assert 2 <= waited < 6, waited
        with qr_socket(browser_url, cookies) as socket:
            assert _next(socket, "status") == "waiting"


def test_a_status_change_lost_while_redis_was_down_reaches_the_browser_after_it(
    transactional_db: None, redis: Redis, tmp_path: Path
) -> None:
    """Proves: a login scanned while Redis is down (the scan commits, its announcement fails)
    reaches the waiting browser once Redis is back: the browser's server process, its read
    failed, joins the status group again and reads its logins' statuses."""
    with waiting_browser(tmp_path) as (socket, state, app_url):
        frame = _fresh_frame(socket)
        redis.stop()
        app_logins.scan(signer=AppDevice.objects.get(), frame_text=frame)
        redis.start()
        assert _next(socket, "status") == "scanned"
        mitid_app(state, app_url, "approve", "--pin", PIN)
        assert _next(socket, "status") == "approved"


def test_redis_restarted_while_a_browser_waits_on_a_qr_login(
    transactional_db: None, redis: Redis, tmp_path: Path
) -> None:
    """Proves: after a Redis restart (which takes the server processes' places in the status
    group and their pooled connections with it), the approval reaches the waiting browser:
    its server process is back in the group, and the app's server process, whose pooled
    connection Redis closed, sends on a new one."""
    with waiting_browser(tmp_path) as (socket, state, app_url):
        mitid_app(state, app_url, "scan", _fresh_frame(socket))
        assert _next(socket, "status") == "scanned"
        redis.stop()
        redis.start()
        time.sleep(3 * listeners.RETRY_SECONDS)  # the browser's server is back in the group
        mitid_app(state, app_url, "approve", "--pin", PIN)
        assert _next(socket, "status") == "approved"


def _next(socket: ClientConnection, kind: str) -> str:
    """What the next message of this kind on the socket says (a status, or a frame)."""
    deadline = time.monotonic() + 10
    while True:
        message = json.loads(socket.recv(timeout=max(0.0, deadline - time.monotonic())))
        if message["type"] == kind:
            return str(message[kind])


def _fresh_frame(socket: ClientConnection) -> str:
    """The frame the browser shows now: those that arrived while Redis restarted are old."""
    with suppress(TimeoutError):
        while True:
            socket.recv(timeout=0)
    return _next(socket, "frame")
