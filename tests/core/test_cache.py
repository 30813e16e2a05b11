"""core.cache.RedisCache: Django's Redis backend with one client per pool, on the real Redis."""

import os
import uuid

import pytest
import redis

from core.cache import RedisCache

REDIS_URL = os.environ.get("LANTOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
REPLICA_URL = REDIS_URL.rsplit("/", 1)[0] + "/10"


@pytest.fixture
def live_redis():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")


def _key() -> str:
    return f"lantoa-test-{uuid.uuid4().hex}"


def test_round_trip_and_one_client_per_pool(live_redis):
    cache = RedisCache(REDIS_URL, {})
    key = _key()
    cache.set(key, {"học viên": [1, 2, 3]}, 30)
    assert cache.get(key) == {"học viên": [1, 2, 3]}
    client = cache._cache.get_client(key)
    assert cache._cache.get_client(key) is client
    assert cache._cache.get_client(key, write=True) is client  # one server: reads and writes share it
    assert cache.delete(key)
    assert cache.get(key, "gone") == "gone"


def test_reads_go_to_the_replica_pool_they_were_drawn_for(live_redis):
    cache = RedisCache([REDIS_URL, REPLICA_URL], {})
    key = _key()
    cache.set(key, "on the primary", 30)
    writer = cache._cache.get_client(key, write=True)
    reader = cache._cache.get_client(key)
    assert writer.connection_pool.connection_kwargs["db"] == int(REDIS_URL.rsplit("/", 1)[1])
    assert reader.connection_pool.connection_kwargs["db"] == 10
    assert reader is not writer
    # Django's semantics: a read asks the replica, which (here) never got the value.
    assert cache.get(key) is None
    assert writer.get(cache.make_and_validate_key(key)) is not None
    cache.delete(key)
