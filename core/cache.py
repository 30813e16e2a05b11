"""Django's Redis cache backend, keeping one Redis client per connection pool.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis`
object for every cache operation (a few hundred Python-level attribute sets each time).
Sessions are read from this cache on every signed-in request, so that construction was a
measurable share of a learner page (benchmarks/page_cpu.py). A `redis.Redis` is safe to
share between threads (every command borrows a connection from the pool, which also
resets itself in a forked worker), so one per pool is enough. Nothing else changes:
settings, serialisation and key handling are Django's.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # As Django's `_get_connection_pool`, for this index (it would draw a read index anew).
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
