"""Status changes for the browsers waiting on app logins: one channel per event loop for all.

A websocket consumer with a channel of its own keeps, while it waits, the channel layer's
receive machinery for that channel (with channels_redis a queue and two tasks, about 7 KB),
and thousands wait at once. So the consumers of an event loop share one listener: its one
channel is in the group every status change is sent to (`app_logins.announce`, whichever
process the app's request reached), each change names its login, and the listener hands it
to the consumers on its loop waiting on that login and drops the rest. A socket connecting
costs the channel layer nothing, and a status change one message per server process.

No reader outlives its loop, and none is bound to one: channels_redis guards all of a
process's own channels (`new_channel`, "...!...") with one receive lock, bound to the event
loop of the receive that holds it, and a reader left pending when a loop ends (the test suite
runs a loop per test) breaks every later receive. So a listener reads a channel of a name of
its own, which channels_redis reads directly, without that lock; it belongs to the loop it
was made on, and when its last consumer leaves it leaves the group, tells its reader to stop,
waits for it, and is forgotten; the next consumer on that loop starts a new one.

Redis may restart under it (it keeps nothing on disk): the group's members go with it, and a
status change sent while it was down is lost (the sender logs it). So once a read has failed,
the reader joins the group again before it reads on, and then reads the status of every login
its consumers wait on from the database, each consumer passing on a status it has not yet said.
"""

import asyncio
import logging
import uuid
import weakref
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from pages import outages

from . import app_logins

logger = logging.getLogger(__name__)

# After the layer failed (Redis restarting), read again after this long; what was sent
# meanwhile waits in the layer (channels_redis keeps it for a minute).
RETRY_SECONDS = 1.0
# How long a stopping listener waits for its reader to take the stop message before it
# cancels it.
STOP_SECONDS = 5.0
# The layer forgets a group's member after a day (`group_expiry`); a listener lives only
# while browsers wait, but thousands waiting one after another may keep it a day, so it joins
# again on the first consumer after this long.
RENEW_SECONDS = 3600.0
# What a listener sends itself to stop its reader between two receives.
_STOP = "login.listener.stop"
# Logins whose status one query reads when a listener catches up after Redis came back.
CATCH_UP_BATCH = 1000
# Its channel's names: settings give them room for many status changes at once.
CHANNEL_PREFIX = "login-status."


class Waiter(Protocol):
    def hear(self, event: dict[str, Any]) -> None:
        """A status change of the login it waits on (called on its loop, must not block)."""


class Listener:
    """One channel of the channel layer, in the status group, for the consumers of a loop."""

    def __init__(self, layer: Any) -> None:
        self.layer, self.channel = layer, f"{CHANNEL_PREFIX}{uuid.uuid4().hex}"
        self.waiting: dict[str, list[Waiter]] = {}
        # Consumers using the listener, some still looking up the login they wait on.
        self.holders = 0
        # Status changes received, of any login: a consumer that read its login's status
        # while none arrived cannot have missed its own.
        self.received = 0
        self.joined: asyncio.Future[None] | None = None
        # Whether a join succeeded: the channel is in the group until it leaves (or Redis
        # forgets it).
        self.member = False
        self.renew_at = 0.0
        self.reader = asyncio.create_task(self.read(), name=f"login-status-listener {self.channel}")

    async def read(self) -> None:
        lost = False
        while True:
            try:
                if lost:
                    await self.join()
                    await self.catch_up()
                    lost = False
                event = await self.layer.receive(self.channel)
            except Exception as failure:
                if not lost:  # once an outage (or a database failing the catch-up)
                    outages.warn(logger, "The login status listener could not read", failure)
                lost = True
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if event.get("type") == _STOP:
                return
            self.pass_on(event)

    def pass_on(self, event: dict[str, Any]) -> None:
        self.received += 1
        for waiter in tuple(self.waiting.get(str(event.get("login")), ())):
            try:
                waiter.hear(event)
            except Exception:
                logger.warning("A login's status did not reach its browser", exc_info=True)

    async def catch_up(self) -> None:
        """Back in the group after the layer failed: what was sent meanwhile is lost, so each
        login waited on is read from the database, and its status passed on as if heard (a
        consumer says only a status it has not said)."""
        tokens = list(self.waiting)
        for start in range(0, len(tokens), CATCH_UP_BATCH):
            batch = tokens[start : start + CATCH_UP_BATCH]
            now = await database_sync_to_async(app_logins.statuses)(batch)
            for token, status in now.items():
                self.pass_on({"type": "login.status", "status": status, "login": token})

    async def join(self) -> None:
        await self.layer.group_add(app_logins.STATUS_GROUP, self.channel)
        self.member = True

    async def join_group(self) -> None:
        """In the group before any consumer reads a status; the others wait for the first."""
        loop = asyncio.get_running_loop()
        joined = self.joined
        if (
            joined is None
            or (joined.done() and (joined.cancelled() or joined.exception() is not None))
            or (joined.done() and loop.time() >= self.renew_at)
        ):
            self.renew_at = loop.time() + RENEW_SECONDS
            self.joined = joined = asyncio.ensure_future(self.join())
        await asyncio.shield(joined)

    def wait_on(self, token: str, waiter: Waiter) -> None:
        """From now on `waiter` hears the status changes of login `token`."""
        self.waiting.setdefault(token, []).append(waiter)

    def stop_waiting(self, token: str, waiter: Waiter) -> None:
        waiters = self.waiting.get(token)
        if waiters is not None and waiter in waiters:
            waiters.remove(waiter)
            if not waiters:
                del self.waiting[token]

    async def release(self) -> None:
        """A consumer is done with the listener; the last one stops it."""
        self.holders -= 1
        loop = asyncio.get_running_loop()
        # Only once: thousands of sockets may leave at once.
        if self.holders == 0 and _listeners.get(loop) is self:
            del _listeners[loop]  # from now on a consumer starts a new listener
            await self.stop()

    async def stop(self) -> None:
        if not self.member:
            # Never in the group (its joins failed: Redis down or hanging): nothing to leave,
            # and a stop message would wait on the layer too, so the reader is cancelled now.
            self.reader.cancel()
            await asyncio.wait([self.reader])
            return
        try:
            await self.layer.group_discard(app_logins.STATUS_GROUP, self.channel)
            # Stopped between two receives rather than cancelled inside one: channels_redis
            # does not always put its per-channel locks back when a receive is cancelled.
            await self.layer.send(self.channel, {"type": _STOP})
        except Exception as failure:
            outages.warn(logger, "The login status listener could not stop in order", failure)
        else:
            await asyncio.wait([self.reader], timeout=STOP_SECONDS)
        finally:
            if not self.reader.done():
                self.reader.cancel()
                await asyncio.wait([self.reader])


# Keyed weakly: a loop that ended with consumers still holding its listener (their tasks
# cancelled rather than disconnected) takes the listener with it.
_listeners: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Listener]" = (
    weakref.WeakKeyDictionary()
)


async def hold() -> Listener:
    """The running loop's listener, in the status group, held until `Listener.release`."""
    loop = asyncio.get_running_loop()
    listener = _listeners.get(loop)
    if listener is None:
        listener = _listeners[loop] = Listener(get_channel_layer())
    listener.holders += 1
    try:
        await listener.join_group()
    except BaseException:
        await listener.release()
        raise
    return listener


def listening() -> Listener | None:
    """The running loop's listener, if any consumer holds it."""
    return _listeners.get(asyncio.get_running_loop())
