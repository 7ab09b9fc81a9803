"""The Redis channel layer used when REDIS_URL is set (settings.CHANNEL_LAYERS)."""

from __future__ import annotations

from channels_redis.core import RedisChannelLayer
from redis import asyncio as aioredis


class BlockingPoolRedisChannelLayer(RedisChannelLayer):
    """channels_redis's layer, except that a command waits for a free Redis connection instead
    of failing with "Too many connections". When 2,000 sockets close at once, each discards
    its groups at the same moment; with the stock pool the calls beyond `max_connections`
    failed and left dead members in the groups (docs/decisions.md)."""

    def create_pool(self, index: int) -> aioredis.BlockingConnectionPool:
        host = dict(self.hosts[index])
        if "address" not in host:
            raise ValueError("BlockingPoolRedisChannelLayer needs an 'address' (a redis:// URL)")
        return aioredis.BlockingConnectionPool.from_url(host.pop("address"), **host)
