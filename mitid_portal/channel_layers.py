"""The Redis channel layer, with a connection pool that waits rather than fails, and tries a
command once more on a new connection when its pooled one was closed.

redis-py 8 caps an asyncio pool (100 by default) and raises once it is used up. A burst of
sends (a server's listeners stopping, many status changes at once) should queue for a
connection, not crash. And after Redis restarted, each connection the pool kept is closed:
without a second try, the first status change each process sends then would be lost.
"""

from typing import Any

from channels_redis.core import RedisChannelLayer  # type: ignore[import-untyped]
from redis.asyncio import BlockingConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


class WaitingRedisChannelLayer(RedisChannelLayer):
    def create_pool(self, index: int) -> Any:
        host = dict(self.hosts[index])
        address = host.pop("address")
        host.setdefault("max_connections", 200)
        # On a connection error or timeout (redis-py's default errors for a retry).
        host.setdefault("retry", Retry(NoBackoff(), 1))
        return BlockingConnectionPool.from_url(address, timeout=None, **host)
