"""Sending to channel-layer groups from synchronous code (views, tasks), cheaply.

`async_to_sync(layer.group_send)` in a WSGI worker makes a new event loop every time, and
channels_redis a new Redis connection for it. With Redis, a worker instead keeps one event
loop in a thread of its own and hands it each message; the in-memory layer (one process, for
`make run`) lives on the server's own loop, so it is sent there as usual.
"""

import asyncio
import threading
from concurrent.futures import Future
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

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
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group, message)
        return
    sent: Future[None] = asyncio.run_coroutine_threadsafe(
        layer.group_send(group, message), _background_loop()
    )
    sent.result(timeout=5)  # a lost status would leave a browser waiting: fail loudly
