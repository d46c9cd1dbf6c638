"""Status changes for the browsers waiting on app logins: one channel per event loop for all.

A websocket consumer with a channel of its own keeps, while it waits, the channel layer's
receive machinery for that channel (with channels_redis a queue and two tasks, about 7 KB),
and thousands wait at once. So the consumers of an event loop share one listener: its one
channel joins the group of every login waited on there, each status message names its login
(`app_logins.announce`), and the listener hands it to the consumers waiting on that login.

No reader outlives its loop, and none is bound to one: channels_redis guards all of a
process's own channels (`new_channel`, "...!...") with one receive lock, bound to the event
loop of the receive that holds it, and a reader left pending when a loop ends (the test suite
runs a loop per test) breaks every later receive. So a listener reads a channel of a name of
its own, which channels_redis reads directly, without that lock; it belongs to the loop it
was made on, and when its last consumer leaves it tells its reader to stop, waits for it, and
is forgotten; the next consumer on that loop starts a new one, on a new channel.
"""

import asyncio
import logging
import uuid
import weakref
from typing import Any, Protocol

from channels.layers import get_channel_layer

from . import app_logins

logger = logging.getLogger(__name__)

# After the layer failed (Redis restarting), read again after this long; what was sent
# meanwhile waits in the layer (channels_redis keeps it for a minute).
RETRY_SECONDS = 1.0
# How long a stopping listener waits for its reader to take the stop message before it
# cancels it.
STOP_SECONDS = 5.0
# What a listener sends itself to stop its reader between two receives.
_STOP = "login.listener.stop"


class Waiter(Protocol):
    def hear(self, event: dict[str, Any]) -> None:
        """A status change of the login it waits on (called on its loop, must not block)."""


class Listener:
    """One channel of the channel layer, in the group of every login waited on in its loop."""

    def __init__(self, layer: Any, channel: str) -> None:
        self.layer, self.channel = layer, channel
        self.waiting: dict[str, list[Waiter]] = {}
        self.reader = asyncio.create_task(self.read(), name=f"login-status-listener {channel}")

    async def read(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except Exception:
                logger.warning("The login status listener could not read", exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if event.get("type") == _STOP:
                return
            for waiter in tuple(self.waiting.get(str(event.get("login")), ())):
                try:
                    waiter.hear(event)
                except Exception:
                    logger.warning("A login's status did not reach its browser", exc_info=True)

    async def leave(self, token: str, waiter: Waiter) -> None:
        """`waiter` no longer waits; the last one on a login takes the channel out of its
        group, the last one of all stops the listener."""
        waiters = self.waiting.get(token)
        if waiters is None or waiter not in waiters:
            return
        waiters.remove(waiter)
        try:
            if not waiters:
                del self.waiting[token]
                await self.layer.group_discard(app_logins.group_name(token), self.channel)
        finally:
            # Checked after the await: someone may have joined meanwhile.
            if not self.waiting:
                await self.stop()

    async def stop(self) -> None:
        loop = asyncio.get_running_loop()
        if _listeners.get(loop) is self:
            del _listeners[loop]  # from now on a joining consumer starts a new listener
        # Stopped between two receives rather than cancelled inside one: channels_redis does
        # not always put its per-channel locks back when a receive is cancelled.
        try:
            await self.layer.send(self.channel, {"type": _STOP})
        except Exception:
            logger.warning("The login status listener could not be told to stop", exc_info=True)
        else:
            await asyncio.wait([self.reader], timeout=STOP_SECONDS)
        if not self.reader.done():
            self.reader.cancel()
            await asyncio.wait([self.reader])


# Keyed weakly: a loop that ended with consumers still registered (their tasks cancelled
# rather than disconnected) takes its listener with it.
_listeners: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Listener]" = (
    weakref.WeakKeyDictionary()
)


async def join(token: str, waiter: Waiter) -> Listener:
    """Have `waiter` hear the status changes of login `token`, through its loop's listener."""
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    listener = _listeners.get(loop)
    if listener is None:
        listener = _listeners[loop] = Listener(layer, f"login-status.{uuid.uuid4().hex}")
    listener.waiting.setdefault(token, []).append(waiter)
    # Every time, not only for a login's first waiter: when this returns, the group holds the
    # channel, so a status read afterwards cannot miss a change.
    try:
        await layer.group_add(app_logins.group_name(token), listener.channel)
    except BaseException:
        await listener.leave(token, waiter)
        raise
    return listener


def listening() -> Listener | None:
    """The running loop's listener, if any consumer waits on it."""
    return _listeners.get(asyncio.get_running_loop())
