"""The Redis channel layer, with a connection pool that waits rather than fails.

redis-py 8 caps an asyncio pool (100 by default) and raises once it is used up. A burst of
sends (a server's listeners stopping, many status changes at once) should queue for a
connection, not crash.
"""

from typing import Any

from channels_redis.core import RedisChannelLayer  # type: ignore[import-untyped]
from redis.asyncio import BlockingConnectionPool


class WaitingRedisChannelLayer(RedisChannelLayer):
    def create_pool(self, index: int) -> Any:
        host = dict(self.hosts[index])
        address = host.pop("address")
        host.setdefault("max_connections", 200)
        return BlockingConnectionPool.from_url(address, timeout=None, **host)
