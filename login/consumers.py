"""The live QR code of an app login: frames next to the websocket, status over the layer.

Each browser waiting on an app login holds one websocket. The consumer makes that login's
frames itself, one a second (an HMAC, no database, no channel-layer message), and hears the
few status changes (scanned, approved, rejected, blocked, cancelled), which may come from any
server process, through its event loop's listener (`listeners`), which all the consumers of
the loop share.
"""

import asyncio
import time
import types
from collections import Counter
from collections.abc import Coroutine, Generator
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http import HttpRequest

from authenticators.models import AppLogin
from pages import outages
from pages.clients import client_address

from . import app_logins, clock, frames, listeners
from . import session as login_session

# The loop's clock rounds a frame's moment up to its millisecond; this much leeway absorbs
# the rounding of floats (the App API would take a frame up to a second early anyway).
EARLY_SECONDS = 0.001
# Close codes (4000-4999 are the application's): the page says why and offers a new start.
NO_LOGIN = 4403
# The status changes cannot be heard (Redis is down): the page asks by polling instead.
TRY_AGAIN_LATER = 1013
# The sockets open on this server process, by client address (`client_of`).
OPEN_BY_CLIENT: Counter[str] = Counter()
FINISHED = (
    AppLogin.Status.APPROVED,
    AppLogin.Status.REJECTED,
    AppLogin.Status.BLOCKED,
    AppLogin.Status.CANCELLED,
    AppLogin.Status.COMPLETED,
    AppLogin.Status.EXPIRED,
)


def client_of(scope: Any) -> str:
    """The address of the browser that opened the socket, as `pages.clients` reads a page's
    request (a trusted proxy's `X-Forwarded-For` believed, no one else's); "" for none."""
    request = HttpRequest()
    peer = scope.get("client")
    request.META["REMOTE_ADDR"] = str(peer[0]) if peer else ""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"x-forwarded-for":
            request.META["HTTP_X_FORWARDED_FOR"] = value.decode("latin-1")
    return client_address(request)


@database_sync_to_async
def _login_waited_on(session: Any) -> AppLogin | None:
    """The app login this browser's session is waiting on, if any (never anyone else's)."""
    token = login_session.app_login_waited_on(session)
    return app_logins.watched(token) if token else None


@database_sync_to_async
def _status(token: str) -> str | None:
    login = app_logins.watched(token)
    return login.current_status() if login is not None else None


def _start_eagerly(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
    """Run `coro` now, up to where it first waits, as Python 3.12's eager tasks do; only if it
    must wait does a task finish it. A frame is sent ten thousand times a second and almost
    never waits (only to a browser slow to take what it was sent), and a task for each made a
    third of the process's work and kept its garbage collector busy with full collections."""
    try:
        waiting_on = coro.send(None)
    except StopIteration:
        return None
    task = asyncio.ensure_future(_finish(coro, waiting_on))
    # A task cancelled before its first step never reaches `coro`: end it all the same.
    task.add_done_callback(lambda _: coro.close())
    return task


async def _finish(coro: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    await _resume(coro, waiting_on)


@types.coroutine
def _resume(coro: Coroutine[Any, Any, None], waiting_on: Any) -> Generator[Any, Any, None]:
    """Go on with `coro` where it stopped: the task waits on what it waits on (a future, or
    nothing for a bare yield), then passes it the outcome, as an `await` would have."""
    while True:
        outcome, error = None, None
        try:
            outcome = yield waiting_on
        except BaseException as raised:  # the task cancelled, for one
            error = raised
        try:
            waiting_on = coro.send(outcome) if error is None else coro.throw(error)
        except StopIteration:
            return


class AppLoginConsumer(AsyncJsonWebsocketConsumer):
    """Thousands wait at once, so each keeps only what its frames need: no channel of its own
    (its loop's listener hears for it), and no task or timer while it waits (its loop's clock
    asks it for each frame)."""

    channel_layer_alias = None
    listener: listeners.Listener | None = None
    token = ""
    frame_clock: clock.Clock | None = None
    bucket = 0
    # The frame or the statuses on their way to the browser, if any.
    sending: asyncio.Task[None] | None = None
    passing: asyncio.Task[None] | None = None
    # Status changes heard and not yet passed on, kept while connect still speaks.
    heard: list[dict[str, Any]] | None = None
    ready = False
    # The status last said to the browser: a listener catching up after a Redis restart
    # passes on every login's status, changed or not.
    said = ""
    # The client whose open sockets this one counts among (`OPEN_BY_CLIENT`), while open.
    counted_for = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels' own loop, without what it keeps for a channel this consumer has not got:
        it would wait on the socket alone through a task and `asyncio.wait` (about 2.5 KB a
        socket). Messages are handled one at a time, in order, as there."""
        self.scope, self.channel_layer, self.base_send = scope, None, send
        try:
            while True:
                message = await receive()
                # Channels' dispatch would first close stale database connections, in a thread
                # hop of its own; the consumer's queries do that in theirs
                # (`database_sync_to_async`), and connecting and leaving need no database.
                await getattr(self, get_handler_name(message))(message)
        except StopConsumer:
            pass
        finally:
            self.stop_frames()
            self.uncount()
            if self.listener is not None:  # cancelled (the server stopping), not disconnected
                await self.leave()

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        """The page never speaks on the socket: what comes is let be, unread. (Channels' JSON
        consumer would parse it, and fail on text that is not JSON, or on bytes, with a
        traceback in the log and the socket dropped: a probe's.)"""

    async def connect(self) -> None:
        if not self.count():
            # One client's flood of sockets (each sent a frame a second, held for minutes):
            # those past its share wait no more. A browser told so polls, as when Redis is
            # down, so a citizen behind a busy shared address still logs in.
            await self.accept()
            await self.close(code=TRY_AGAIN_LATER)
            return
        try:
            listener = self.listener = await listeners.hold()
        except Exception as failure:
            if not outages.is_outage(failure):
                raise
            # Redis down: said in the close code (a refused handshake says nothing), and the
            # page polls instead.
            outages.log_outage(None, failure)
            await self.accept()
            await self.close(code=TRY_AGAIN_LATER)
            return
        received = listener.received
        login = await _login_waited_on(self.scope.pop("session", None))
        if login is None:
            await self.leave()
            await self.close(code=NO_LOGIN)
            return
        self.token, self.secret = str(login.token), login.secret
        self.started, self.expires = login.started_at.timestamp(), login.expires_at.timestamp()
        listener.wait_on(self.token, self)
        status = login.current_status()
        if listener.received != received:
            # A status change reached this process while the login was read: it may be this
            # login's, sent before the socket waited on it. Read the status once more.
            status = await _status(self.token)
            if status is None:  # removed meanwhile
                await self.leave()
                await self.close(code=NO_LOGIN)
                return
        await self.accept()
        self.said = status
        await self.send_json({"type": "status", "status": status})
        if status == AppLogin.Status.WAITING and not login.same_device:
            self.start_frames()
        self.ready = True
        self.pass_on_heard()

    async def disconnect(self, code: int) -> None:
        self.stop_frames()
        self.uncount()
        await self.leave()

    def count(self) -> bool:
        """Count this socket among its client's on this process; False, uncounted, when the
        client has `APP_LOGIN_SOCKETS_PER_CLIENT` open already. A socket with no address (a
        server that gave none) is not counted."""
        client = client_of(self.scope)
        if not client:
            return True
        if OPEN_BY_CLIENT[client] >= settings.APP_LOGIN_SOCKETS_PER_CLIENT:
            return False
        OPEN_BY_CLIENT[client] += 1
        self.counted_for = client
        return True

    def uncount(self) -> None:
        client, self.counted_for = self.counted_for, ""
        if client:
            OPEN_BY_CLIENT[client] -= 1
            if OPEN_BY_CLIENT[client] <= 0:
                del OPEN_BY_CLIENT[client]

    async def leave(self) -> None:
        if self.listener is not None:
            listener, self.listener = self.listener, None
            listener.stop_waiting(self.token, self)
            await listener.release()

    def start_frames(self) -> None:
        """One frame a second, on the second, until the login is scanned or expires: the first
        at once, the others when the loop's clock says they are due."""
        now = time.time()
        self.seconds = int(now - self.started)
        self.frame_clock = clock.clock()
        self.bucket = self.frame_clock.add(self, self.started + self.seconds + 1)
        self.frame_due(now)

    def frame_due(self, now: float) -> None:
        started = self.started
        if now + EARLY_SECONDS < started + self.seconds:
            return  # the clock came round before this socket's first second was up
        # Count the seconds rather than read them off the clock, so that none is sent twice;
        # a late clock skips what it missed.
        seconds = max(self.seconds, int(now - started))
        if started + seconds >= self.expires:
            self.stop_frames()
            self.sending = asyncio.ensure_future(self.send_expired())
            return
        # A browser still taking the last frame skips this one rather than queue it.
        if self.sending is None:
            self.sending = _start_eagerly(self.send_frame(seconds))
        self.seconds = seconds + 1

    async def send_frame(self, seconds: int) -> None:
        # What send_json would send, less its work ten thousand times a second: a frame is
        # letters, digits, dots and dashes, nothing JSON must escape.
        frame = frames.frame_text(self.token, self.secret, seconds)
        try:
            await self.send(text_data=f'{{"type": "frame", "frame": "{frame}"}}')
        except OSError:  # the browser is gone (uvicorn's ClientDisconnected): its disconnect
            self.stop_frames()  # follows, and no one waits for this task to hear of it
        finally:
            self.sending = None

    async def send_expired(self) -> None:
        self.finish()
        try:
            await self.send_json({"type": "status", "status": AppLogin.Status.EXPIRED})
            await self.close()
        except OSError:
            pass  # gone already, as above

    def stop_frames(self) -> None:
        if self.frame_clock is not None:
            self.frame_clock.remove(self, self.bucket)
            self.frame_clock = None

    def finish(self) -> None:
        """The login is over for this socket: nothing more to hear of it."""
        self.heard = None
        if self.listener is not None:
            self.listener.stop_waiting(self.token, self)

    def hear(self, event: dict[str, Any]) -> None:
        """From the listener: a status change of this login. Passed on in the order heard, and
        only after connect has said the status it read itself."""
        if self.heard is None:
            self.heard = []
        self.heard.append(event)
        self.pass_on_heard()

    def pass_on_heard(self) -> None:
        if self.ready and self.heard and self.passing is None:
            self.passing = asyncio.ensure_future(self.pass_on())

    async def pass_on(self) -> None:
        try:
            while self.heard:
                await self.login_status(self.heard.pop(0))
        except OSError:
            self.stop_frames()  # gone, as in send_frame
        finally:
            self.passing = None

    async def login_status(self, event: dict[str, Any]) -> None:
        """A status change from whichever process the app's request reached."""
        if event["status"] == self.said:
            return
        self.said = event["status"]
        if event["status"] != AppLogin.Status.WAITING:
            self.stop_frames()
        if event["status"] in FINISHED:
            self.finish()
        await self.send_json({"type": "status", "status": event["status"]})
        if event["status"] in FINISHED:
            await self.close()
