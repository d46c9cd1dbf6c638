"""The Redis channel layer, with a connection pool that waits rather than fails, and a short
blocking read.

redis-py 8 caps an asyncio pool (100 by default) and raises once it is used up. A burst of
sends (a server's listeners stopping, many status changes at once) should queue for a
connection, not crash.

A blocking read (BZPOPMIN) must end before the socket's timeout, or a healthy, idle Redis
reads as one that hangs. One channel per server process reads (`login.listeners`), so a read
of 1 s rather than channels_redis's 5 costs a round trip a second a process, and lets the
socket's timeout (`CHANNEL_LAYER_TIMEOUT_SECONDS`) be short enough for a handshake to give up
on a Redis that hangs.
"""

from typing import Any

from channels_redis.core import RedisChannelLayer  # type: ignore[import-untyped]
from redis.asyncio import BlockingConnectionPool


class WaitingRedisChannelLayer(RedisChannelLayer):
    brpop_timeout = 1

    def create_pool(self, index: int) -> Any:
        host = dict(self.hosts[index])
        address = host.pop("address")
        host.setdefault("max_connections", 200)
        return BlockingConnectionPool.from_url(address, timeout=None, **host)
