"""One clock per event loop that tells every waiting QR socket when its next frame is due.

Ten thousand sockets each send a frame a second, each on the second of its own login's start.
A timer per socket (or a task sleeping per socket) keeps, for every socket, a handful of
objects that live a second and are then made anew; the garbage collector's young generation
is then tens of thousands of objects, each of its collections took 30 ms or more with 10,000
sockets, and what survived them set off full collections of about a second. So a loop's
sockets share one clock: a socket sits in one of a thousand buckets, one per millisecond of
the second its frames fall due in, for as long as it waits, and the clock wakes for each
millisecond that has sockets in it and asks each of them for its frame.
"""

import asyncio
import logging
import math
import time
import weakref
from typing import Protocol

logger = logging.getLogger(__name__)

BUCKETS = 1000  # one per millisecond of a second


class Ticking(Protocol):
    def frame_due(self, now: float) -> None:
        """Called at or just after the moment its next frame is due (must not block)."""


class Clock:
    def __init__(self) -> None:
        self.buckets: list[list[Ticking]] = [[] for _ in range(BUCKETS)]
        self.count = 0
        # The next millisecond (since the epoch) whose bucket is to be served, and the one
        # the clock sleeps until.
        self.next_tick = self.wake_tick = math.floor(time.time() * 1000)
        self.alarm: asyncio.Future[None] | None = None
        self.runner = asyncio.create_task(self.run(), name="qr-frame-clock")

    def add(self, socket: Ticking, due: float) -> int:
        """Serve `socket` at `due` and each second after; returns its bucket (to remove it)."""
        # Rounded up: a socket is never asked before its frame is due.
        tick = math.ceil(due * 1000)
        bucket = tick % BUCKETS
        self.buckets[bucket].append(socket)
        self.count += 1
        if tick < self.wake_tick and self.alarm is not None and not self.alarm.done():
            self.alarm.set_result(None)  # it sleeps past this socket's first frame: wake it
        return bucket

    def remove(self, socket: Ticking, bucket: int) -> None:
        self.buckets[bucket].remove(socket)
        self.count -= 1
        if self.count == 0:
            loop = asyncio.get_running_loop()
            if _clocks.get(loop) is self:
                del _clocks[loop]
            self.runner.cancel()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        buckets = self.buckets
        while True:
            now = time.time()
            tick = math.floor(now * 1000)
            # A clock held up serves what it missed, each bucket once at most.
            for served in range(max(self.next_tick, tick - BUCKETS + 1), tick + 1):
                for socket in tuple(buckets[served % BUCKETS]):
                    try:
                        socket.frame_due(now)
                    except Exception:
                        logger.warning("A QR frame was not sent", exc_info=True)
            self.next_tick = later = tick + 1
            while not buckets[later % BUCKETS] and later < tick + BUCKETS:
                later += 1
            self.wake_tick = later
            self.alarm = alarm = loop.create_future()
            timer = loop.call_later(max(0.0, later / 1000 - time.time()), _ring, alarm)
            try:
                await alarm
            finally:
                timer.cancel()


def _ring(alarm: "asyncio.Future[None]") -> None:
    if not alarm.done():
        alarm.set_result(None)


_clocks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Clock]" = weakref.WeakKeyDictionary()


def clock() -> Clock:
    """The running loop's clock; it stops and is forgotten when its last socket leaves."""
    loop = asyncio.get_running_loop()
    found = _clocks.get(loop)
    if found is None:
        found = _clocks[loop] = Clock()
    return found
