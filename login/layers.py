"""Sending to channel-layer groups from synchronous code (views, tasks), cheaply.

`async_to_sync(layer.group_send)` in a WSGI worker makes a new event loop every time, and
channels_redis a new Redis connection for it. With Redis, a worker instead keeps one event
loop in a thread of its own and hands it each message; the in-memory layer (one process, for
`make run`) lives on the server's own loop, so it is sent there as usual.
"""

import asyncio
import logging
import threading
from concurrent.futures import Future
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from pages import outages

logger = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 1.0
# The channel layer's alias for sending, where settings have one: no timeout on each command,
# this one on the send as a whole.
SENDING = "send"
# After Redis restarted, each connection a pool kept is closed and fails at once; the pool
# then opens a new one. A process sends few messages at a time, so this many tries reach a new
# connection. (Only the sender tries again: a status listener whose read fails must know it,
# to join the group again and catch up, `listeners`.)
SEND_TRIES = 3

_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="channel-layer", daemon=True).start()
        return _loop


def group_send(group: str, message: dict[str, Any]) -> None:
    """Send now, or log why not. The status change is committed already (the app's answer
    stands); a browser that missed it learns it when it next asks (its polling fallback, or a
    reload), or when its server's status listener catches up after Redis is back
    (`listeners`), so a Redis blip must not turn the app's request into an error."""
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group, message)
        return
    sender = get_channel_layer(SENDING) or layer  # the same Redis (settings: CHANNEL_LAYERS)
    sent: Future[None] = asyncio.run_coroutine_threadsafe(
        _send(sender, group, message), _background_loop()
    )
    try:
        sent.result(timeout=SEND_TIMEOUT_SECONDS)
    except Exception as failure:
        sent.cancel()
        outages.warn(logger, f"Channel layer send to {group} failed", failure)


async def _send(layer: Any, group: str, message: dict[str, Any]) -> None:
    for tries_left in range(SEND_TRIES - 1, -1, -1):
        try:
            await layer.group_send(group, message)
            return
        except Exception as failure:
            if not (outages.is_outage(failure) and tries_left):
                raise
