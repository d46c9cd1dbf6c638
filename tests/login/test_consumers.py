"""The live QR websocket: frames made next to the socket, status changes over the layer."""

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from authenticators import app_keys
from authenticators.models import AppDevice, AppLogin
from login import app_logins, clock, consumers, frames, listeners
from login import session as login_session
from mitid_portal.asgi import application
from mitid_portal.origins import origin_allowed
from tests.asgi_server import free_port
from tests.factories import AppDeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone() -> AppDevice:
    return AppDeviceFactory(identity__user_id="J()nas Jen5en")


def browser_waiting_on(login: AppLogin | None) -> WebsocketCommunicator:
    """A websocket from a browser whose session waits on `login` (or on nothing)."""
    store = SessionStore()
    if login is not None:
        store[login_session.PENDING_KEY] = {
            "user_id": login.typed_user_id,
            "next_url": "/",
            "app_login": str(login.token),
        }
    store.create()
    return WebsocketCommunicator(
        application,
        "/ws/login/app/",
        headers=[
            (b"cookie", f"sessionid={store.session_key}".encode()),
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
        ],
    )


def start(**kwargs: Any) -> AppLogin:
    return app_logins.start(
        user_id="J()nas Jen5en", service="MitID.dk", text="Log on to MitID.dk", **kwargs
    )


def test_a_websocket_without_a_login_in_its_session_is_refused() -> None:
    socket = browser_waiting_on(None)

    async def connect() -> Any:
        return await socket.connect()

    assert async_to_sync(connect)() == (False, 4403)


def test_with_redis_down_the_socket_closes_and_the_page_polls_instead(
    phone: AppDevice, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The status changes cannot be heard: the socket says "try again later" (1013) at once,
    which the page takes as its sign to poll; a warning is logged, not an error."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "mitid_portal.channel_layers.WaitingRedisChannelLayer",
            "CONFIG": {"hosts": [{"address": f"redis://127.0.0.1:{free_port()}/0"}]},
        }
    }
    channel_layers.backends.clear()
    try:
        socket = browser_waiting_on(start())

        async def connect() -> Any:
            connected, _protocol = await socket.connect()
            return connected, await socket.receive_output(timeout=3)

        assert async_to_sync(connect)() == (True, {"type": "websocket.close", "code": 1013})
    finally:
        channel_layers.backends.clear()
    assert ("pages.outages", "WARNING") in [(r.name, r.levelname) for r in caplog.records]
    # Lines that say what failed, no tracebacks.
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


# Committed for real: a socket connecting after another left reads its login through
# channels' database_sync_to_async, which closes a connection held in a test's transaction
# (on PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_one_client_holds_only_its_share_of_sockets_and_the_rest_poll(
    phone: AppDevice, settings: Any
) -> None:
    """A probe opened a thousand sockets on one session's login from one address, each sent
    a frame a second: past `APP_LOGIN_SOCKETS_PER_CLIENT` a socket is told "try again later"
    (the page polls). Another client, and the first once one of its sockets closed, go on."""
    settings.APP_LOGIN_SOCKETS_PER_CLIENT = 2
    login = start()

    def from_client(address: str) -> WebsocketCommunicator:
        socket = browser_waiting_on(login)
        socket.scope["client"] = (address, 50000)
        return socket

    first, second, third, again = (from_client("203.0.113.9") for _ in range(4))
    other = from_client("198.51.100.4")

    async def run() -> list[Any]:
        said = []
        for socket in (first, second):
            await socket.connect()
            said.append((await socket.receive_json_from(timeout=3))["status"])
        await third.connect()
        said.append(await third.receive_output(timeout=3))
        await other.connect()
        said.append((await other.receive_json_from(timeout=3))["status"])
        await first.disconnect()
        await again.connect()
        said.append((await again.receive_json_from(timeout=3))["status"])
        for socket in (second, other, again):
            await socket.disconnect()
        return said

    assert async_to_sync(run)() == [
        "waiting",
        "waiting",
        {"type": "websocket.close", "code": 1013},
        "waiting",
        "waiting",
    ]
    assert not consumers.OPEN_BY_CLIENT


def test_a_socket_counts_for_the_client_behind_a_trusted_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    scope = {
        "client": ("10.0.0.2", 443),
        "headers": [(b"x-forwarded-for", b"192.0.2.1, 203.0.113.9")],
    }
    assert consumers.client_of(scope) == "203.0.113.9"
    assert consumers.client_of({**scope, "client": ("198.51.100.4", 443)}) == "198.51.100.4"
    assert consumers.client_of({}) == ""


def test_a_websocket_from_another_site_is_refused(phone: AppDevice) -> None:
    login = start()
    socket = browser_waiting_on(login)
    socket.scope["headers"] = [
        (name, b"http://evil.example" if name == b"origin" else value)
        for name, value in socket.scope["headers"]
    ]

    async def connect() -> Any:
        answer = await socket.connect()
        # Ended as a browser ends it, not left to the loop's cancelling at its close (the
        # refusing consumer waits on its channel in the layer).
        await socket.disconnect()
        return answer

    connected, _code = async_to_sync(connect)()
    assert not connected


def connects_from(origin: bytes, host: bytes = b"testserver") -> bool:
    socket = browser_waiting_on(start())
    replace = {b"origin": origin, b"host": host}
    socket.scope["headers"] = [
        (name, replace.get(name, value)) for name, value in socket.scope["headers"]
    ]

    async def connect() -> Any:
        connected, _code = await socket.connect()
        await socket.disconnect()
        return connected

    return bool(async_to_sync(connect)())


@pytest.mark.parametrize(
    ("origin", "host", "connects"),
    [
        (b"http://testserver", b"testserver", True),
        (b"https://testserver", b"testserver", True),  # a proxy that ends TLS sends ws://
        (b"http://testserver:8000", b"testserver:8000", True),
        # The same host on another port is another site's page, sent the same cookies.
        (b"http://testserver:8080", b"testserver", False),
        (b"http://testserver:8080", b"testserver:8000", False),
        (b"http://testserver", b"testserver:8000", False),
        (b"null", b"testserver", False),
        (b"http://evil.example", b"evil.example", False),  # not in ALLOWED_HOSTS
    ],
)
def test_a_websocket_opens_only_from_the_address_the_browser_asked_for(
    phone: AppDevice, origin: bytes, host: bytes, connects: bool
) -> None:
    assert connects_from(origin, host) is connects


def opens(origin: bytes, host: bytes) -> bool:
    """The validator alone, without a socket (one socket a test: see `connects_from`)."""
    return origin_allowed({"type": "websocket", "headers": [(b"origin", origin), (b"host", host)]})


def test_pages_served_apart_open_websockets_when_their_origin_is_trusted(
    phone: AppDevice, settings: Any
) -> None:
    """`WEBSOCKET_URL` (`make run-stack`): the pages on :8000, the websockets on :8001."""
    assert not opens(b"http://testserver:8000", b"testserver:8001")
    settings.CSRF_TRUSTED_ORIGINS = ["http://testserver:8000", "https://*.mitid.example"]
    assert opens(b"https://www.mitid.example", b"testserver:8001")
    assert not opens(b"http://www.mitid.example", b"testserver:8001")
    assert not opens(b"http://testserver:8002", b"testserver:8001")
    assert connects_from(b"http://testserver:8000", b"testserver:8001")  # through the stack


def test_the_browser_gets_the_status_then_a_fresh_authentic_frame_each_second(
    phone: AppDevice,
) -> None:
    login = start()
    socket = browser_waiting_on(login)

    async def talk() -> list[dict[str, Any]]:
        connected, _ = await socket.connect()
        assert connected
        messages = [await socket.receive_json_from(timeout=3) for _ in range(4)]
        await socket.disconnect()
        return messages

    status, *sent = async_to_sync(talk)()
    assert status == {"type": "status", "status": "waiting"}
    for message in sent:
        frame = frames.parse(message["frame"])
        assert frame.token == str(login.token)
        assert frame.is_authentic(login.secret)
        assert -1 <= login.seconds_since_start() - frame.seconds <= 3
    # One frame a second: each the next second's, never the same one twice.
    seconds = [frames.parse(message["frame"]).seconds for message in sent]
    assert seconds == [seconds[0], seconds[0] + 1, seconds[0] + 2]


def test_what_a_browser_sends_on_the_socket_is_not_read(
    phone: AppDevice, caplog: pytest.LogCaptureFixture
) -> None:
    """The page never speaks on the socket: a probe's text that was not JSON, or bytes, were a
    traceback in the log each and a dropped socket. They are let be; the frames go on."""
    login = start()
    socket = browser_waiting_on(login)

    async def talk() -> list[dict[str, Any]]:
        connected, _ = await socket.connect()
        assert connected
        await socket.send_to(text_data="{not json")
        await socket.send_to(bytes_data=b"\x00\xff")
        await socket.send_to(text_data='{"type": "status", "status": "approved"}')
        messages = [await socket.receive_json_from(timeout=3) for _ in range(3)]
        await socket.disconnect()
        return messages

    status, *sent = async_to_sync(talk)()
    assert status == {"type": "status", "status": "waiting"}
    assert [message["type"] for message in sent] == ["frame", "frame"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_scan_and_an_approval_reach_the_browser(
    phone: AppDevice, django_capture_on_commit_callbacks: Any
) -> None:
    login = start()
    socket = browser_waiting_on(login)

    async def talk() -> list[dict[str, Any]]:
        await socket.connect()
        await socket.receive_json_from(timeout=3)  # waiting
        await socket.receive_json_from(timeout=3)  # a frame
        await scan_and_approve()
        messages = []
        while True:
            message = await socket.receive_json_from(timeout=3)
            if message["type"] == "status":
                messages.append(message)
            if message.get("status") == "approved":
                break
        assert (await socket.receive_output(timeout=3))["type"] == "websocket.close"
        return messages

    async def scan_and_approve() -> None:
        from asgiref.sync import sync_to_async

        @sync_to_async
        def in_the_app() -> None:
            with django_capture_on_commit_callbacks(execute=True):
                app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
            signature = app_keys.sign(phone.private_key, login.signing_input.encode())
            with django_capture_on_commit_callbacks(execute=True):
                app_logins.approve(
                    signer=phone, token=str(login.token), signature=signature, pin="246810"
                )

        await in_the_app()

    statuses = [message["status"] for message in async_to_sync(talk)()]
    assert statuses == ["scanned", "approved"]


# Committed for real: the catch-up reads through channels' database_sync_to_async, which
# closes a connection held in a test's transaction (on PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_a_listener_back_after_redis_restarted_passes_on_each_status_once(
    phone: AppDevice,
) -> None:
    """A status change sent while Redis was down is lost; the listener, back in the group,
    reads its sockets' logins (`Listener.catch_up`) and each socket says only what changed."""
    login = start()
    socket = browser_waiting_on(login)

    async def talk() -> list[str]:
        await socket.connect()
        assert (await socket.receive_json_from(timeout=3))["status"] == "waiting"
        listener = listeners.listening()
        assert listener is not None
        await listener.catch_up()  # nothing changed
        # Scanned, and never announced (as when Redis was down at the time).
        await sync_to_async(AppLogin.objects.filter(pk=login.pk).update)(
            status=AppLogin.Status.SCANNED, device=phone
        )
        await listener.catch_up()
        await listener.catch_up()
        statuses: list[str] = []
        while "scanned" not in statuses:
            message = await socket.receive_json_from(timeout=3)
            if message["type"] == "status":
                statuses.append(message["status"])
        # No frame follows a scan, nor the same status again.
        assert await socket.receive_nothing(timeout=1.5)
        await socket.disconnect()
        return statuses

    assert async_to_sync(talk)() == ["scanned"]


def test_an_expired_login_says_so_and_closes(phone: AppDevice) -> None:
    login = start()
    AppLogin.objects.filter(pk=login.pk).update(
        started_at=timezone.now() - timedelta(seconds=179),
        expires_at=timezone.now() + timedelta(seconds=1),
    )

    socket = browser_waiting_on(login)

    async def talk() -> list[Any]:
        await socket.connect()
        seen = []
        while True:
            output = await socket.receive_output(timeout=4)
            if output["type"] == "websocket.close":
                return seen
            seen.append(output)

    seen = async_to_sync(talk)()
    assert '"expired"' in seen[-1]["text"]


def test_a_browser_gets_only_its_own_logins_frames(phone: AppDevice) -> None:
    mine = start()
    other = AppLogin.objects.create(
        typed_user_id="someone", service="x", text="y", expires_at=mine.expires_at
    )

    socket = browser_waiting_on(mine)

    async def first_frame() -> str:
        await socket.connect()
        await socket.receive_json_from(timeout=3)
        frame = (await socket.receive_json_from(timeout=3))["frame"]
        await socket.disconnect()
        return str(frame)

    frame = frames.parse(async_to_sync(first_frame)())
    assert frame.token == str(mine.token) != str(other.token)


def test_a_rejection_reaches_the_browser(
    phone: AppDevice, django_capture_on_commit_callbacks: Any
) -> None:
    login = start()
    socket = browser_waiting_on(login)

    async def talk() -> list[str]:
        from asgiref.sync import sync_to_async

        await socket.connect()
        await socket.receive_json_from(timeout=3)

        @sync_to_async
        def scan_then_reject() -> None:
            with django_capture_on_commit_callbacks(execute=True):
                app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
            with django_capture_on_commit_callbacks(execute=True):
                app_logins.reject(signer=phone, token=str(login.token))

        await scan_then_reject()
        statuses = []
        while "rejected" not in statuses:
            message = await socket.receive_json_from(timeout=3)
            if message["type"] == "status":
                statuses.append(message["status"])
        return statuses

    assert async_to_sync(talk)() == ["scanned", "rejected"]


def test_browsers_on_one_loop_hear_only_their_own_login_and_the_listener_goes_with_the_last(
    phone: AppDevice, django_capture_on_commit_callbacks: Any
) -> None:
    """The consumers of an event loop share one channel; each status reaches only the socket
    waiting on its login, and when the last socket leaves no reader is left behind."""
    karens_phone = AppDeviceFactory(identity__user_id="Karen Hansen")
    mine = start()
    karens = app_logins.start(user_id="Karen Hansen", service="MitID.dk", text="Log on")
    my_socket, karens_socket = browser_waiting_on(mine), browser_waiting_on(karens)

    @sync_to_async
    def scan(login: AppLogin, signer: AppDevice) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            app_logins.scan(signer=signer, frame_text=app_logins.frame(login))

    @sync_to_async
    def reject(login: AppLogin, signer: AppDevice) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            app_logins.reject(signer=signer, token=str(login.token))

    async def next_status(socket: WebsocketCommunicator) -> str:
        while True:
            message = await socket.receive_json_from(timeout=3)
            if message["type"] == "status":
                return str(message["status"])

    def readers() -> list[asyncio.Task[Any]]:
        return [
            task
            for task in asyncio.all_tasks()
            if task.get_name().startswith("login-status-listener") and not task.done()
        ]

    async def talk() -> None:
        for socket in (my_socket, karens_socket):
            connected, _ = await socket.connect()
            assert connected
            assert await next_status(socket) == "waiting"
        listener = listeners.listening()
        assert listener is not None
        assert set(listener.waiting) == {str(mine.token), str(karens.token)}
        assert len(readers()) == 1

        await scan(mine, phone)
        assert await next_status(my_socket) == "scanned"
        # Karen's page goes on getting frames, and nothing else, for over a second.
        later = [await karens_socket.receive_json_from(timeout=3) for _ in range(2)]
        assert [message["type"] for message in later] == ["frame", "frame"]

        await scan(karens, karens_phone)
        await reject(karens, karens_phone)
        assert await next_status(karens_socket) == "scanned"
        assert await next_status(karens_socket) == "rejected"
        assert (await karens_socket.receive_output(timeout=3))["type"] == "websocket.close"
        assert await my_socket.receive_nothing(timeout=1)  # none of Karen's news

        await karens_socket.disconnect()
        assert listeners.listening() is listener
        assert set(listener.waiting) == {str(mine.token)}
        await my_socket.disconnect()
        assert listeners.listening() is None
        assert listener.reader.done() and not listener.reader.cancelled()  # stopped, in time
        assert readers() == []

    async_to_sync(talk)()


def test_browsers_leaving_at_once_stop_the_listener_once(
    phone: AppDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restart or a network drop closes thousands of sockets at once: the listener is told
    to stop once, not by each of them (its channel would fill with stop messages)."""
    logins = [start()] + [
        app_logins.start(user_id=AppDeviceFactory().identity.user_id, service="x", text="y")
        for _ in range(3)
    ]
    sockets = [browser_waiting_on(login) for login in logins]
    stops = []
    stop = listeners.Listener.stop

    async def counted_stop(listener: listeners.Listener) -> None:
        stops.append(listener)
        await stop(listener)

    monkeypatch.setattr(listeners.Listener, "stop", counted_stop)

    async def talk() -> listeners.Listener | None:
        for socket in sockets:
            assert (await socket.connect())[0]
            await socket.receive_json_from(timeout=3)
        listener = listeners.listening()
        await asyncio.gather(*(socket.disconnect() for socket in sockets))
        assert listeners.listening() is None
        return listener

    listener = async_to_sync(talk)()
    assert stops == [listener]
    assert listener is not None and listener.reader.done() and not listener.reader.cancelled()


def test_a_change_while_the_socket_looks_up_its_login_is_not_lost(
    phone: AppDevice, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app scans between the socket's reading of its login and its waiting on it: the
    listener heard a change meanwhile, so the socket reads the status once more."""
    login = start()
    watched = app_logins.watched

    def scanned_meanwhile(token: str) -> AppLogin | None:
        found = watched(token)
        with django_capture_on_commit_callbacks(execute=True):
            app_logins.scan(signer=phone, frame_text=app_logins.frame(login))
        return found

    monkeypatch.setattr(app_logins, "watched", scanned_meanwhile)
    socket = browser_waiting_on(login)

    async def statuses() -> list[str]:
        assert (await socket.connect())[0]
        seen: list[str] = []
        while "scanned" not in seen:
            message = await socket.receive_json_from(timeout=3)
            if message["type"] == "status":
                seen.append(message["status"])
        await socket.disconnect()
        return seen

    assert async_to_sync(statuses)()[-1] == "scanned"


@pytest.mark.skipif(not settings.REDIS_URL, reason="the Redis layer, as deployed")
def test_the_listeners_channel_has_room_for_many_changes_at_once() -> None:
    """A busy event loop must not make the layer drop the status changes waiting for it."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert layer.get_capacity(f"{listeners.CHANNEL_PREFIX}0123abcd") == 10_000
    assert layer.get_capacity("specific.other!channel") == 100


def test_a_send_started_eagerly_goes_on_as_if_a_task_awaited_it() -> None:
    """Frames are sent without a task unless the send must wait; one that waits goes on in a
    task exactly as if awaited there: the awaited value, an exception, a cancellation."""
    from login.consumers import _start_eagerly

    async def run() -> None:
        loop = asyncio.get_running_loop()
        steps: list[str] = []

        async def send(waiting_on: "asyncio.Future[str] | None") -> None:
            steps.append("started")
            try:
                if waiting_on is not None:
                    steps.append(await waiting_on)
                    await asyncio.sleep(0)  # a bare yield, too
                steps.append("sent")
            finally:
                steps.append("done")

        assert _start_eagerly(send(None)) is None
        assert steps == ["started", "sent", "done"]

        steps.clear()
        waited: asyncio.Future[str] = loop.create_future()
        task = _start_eagerly(send(waited))
        assert task is not None and steps == ["started"]
        waited.set_result("taken")
        await task
        assert steps == ["started", "taken", "sent", "done"]

        steps.clear()
        failed: asyncio.Future[str] = loop.create_future()
        task = _start_eagerly(send(failed))
        assert task is not None
        failed.set_exception(ConnectionResetError())
        with pytest.raises(ConnectionResetError):
            await task
        assert steps == ["started", "done"]

        steps.clear()
        task = _start_eagerly(send(loop.create_future()))
        assert task is not None
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert steps == ["started", "done"]

    asyncio.run(run())


def test_a_browser_slow_to_take_its_frames_holds_back_only_its_own() -> None:
    """A browser whose connection is full makes its own send wait; that socket skips frames
    until the send is done, and the others' frames go out on time, each without a task."""
    import json
    import uuid

    from login.consumers import AppLoginConsumer

    async def run() -> None:
        full = asyncio.Event()
        full.set()
        taken = asyncio.Event()
        sent: dict[str, list[int]] = {"slow": [], "quick": []}

        def consumer(name: str) -> AppLoginConsumer:
            async def base_send(message: dict[str, Any]) -> None:
                if name == "slow":
                    await taken.wait()
                frame = frames.parse(json.loads(message["text"])["frame"])
                sent[name].append(frame.seconds)

            socket = AppLoginConsumer()
            socket.base_send = base_send
            socket.token, socket.secret = str(uuid.uuid4()), "a secret"
            socket.started, socket.seconds = time.time() - 10, 10
            socket.expires = socket.started + 180
            return socket

        slow, quick = consumer("slow"), consumer("quick")
        slow.start_frames()
        quick.start_frames()
        assert (quick.sending, sent["quick"]) == (None, [10])
        assert isinstance(slow.sending, asyncio.Task) and sent["slow"] == []
        await asyncio.sleep(1.2)
        assert sent["quick"] == [10, 11] and sent["slow"] == []  # second 11 skipped
        taken.set()
        await asyncio.sleep(0.01)
        assert sent["slow"] == [10] and slow.sending is None
        await asyncio.sleep(1)
        assert sent["slow"] == [10, 12] and sent["quick"] == [10, 11, 12]
        the_clock = clock.clock()
        slow.stop_frames()
        quick.stop_frames()
        assert clock.clock() is not the_clock  # the last socket stopped the clock
        await asyncio.sleep(0)
        assert the_clock.runner.done()

    asyncio.run(run())


def test_the_clock_asks_each_socket_on_its_own_millisecond_never_before() -> None:
    """One clock for a loop's sockets, each asked for its frame at the moment it is due, not
    before, however the moments fall in the second and whenever a socket arrives."""

    class Socket:
        def __init__(self, due: float) -> None:
            self.due, self.late_by = due, []

        def frame_due(self, now: float) -> None:
            self.late_by.append(now - self.due)
            self.due += 1

    async def run() -> None:
        start = time.time()
        the_clock = clock.clock()
        last = Socket(start + 0.8)
        buckets = {last: the_clock.add(last, last.due)}
        await asyncio.sleep(0.05)  # the clock sleeps until the last socket's moment
        sockets = [Socket(start + 0.1 + n * 0.067) for n in range(10)]
        for socket in sockets:
            buckets[socket] = the_clock.add(socket, socket.due)
        await asyncio.sleep(2.1)
        for socket in [*sockets, last]:
            assert len(socket.late_by) >= 2
            assert all(-0.001 <= late < 0.2 for late in socket.late_by), socket.late_by
        for socket, bucket in buckets.items():
            the_clock.remove(socket, bucket)
        await asyncio.sleep(0)
        assert the_clock.runner.done()

    asyncio.run(run())
