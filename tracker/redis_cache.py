"""Django's Redis cache backend, with one redis-py client per connection pool
and `incr` in one round trip.

Django builds a new `redis.Redis` for every cache call. Since redis-py 5 that
constructor fills a table of some 170 response callbacks, which was a third of
the time of a page served from the cache (three cache calls). The client holds
no connection of its own (the pool does) and is safe to share between threads.

Django's `incr` asks EXISTS, then INCRBY: two round trips for every throttled
request, and not atomic (a key that expires in between comes back as 1). Here
one script does both in Redis.

A Redis that accepts connections but never answers costs one short timeout
(REDIS_TIMEOUT_SECONDS, or `socket_timeout` and `socket_connect_timeout` in
OPTIONS), after which the cache fails at once, as for a closed port, for
REDIS_RETRY_SECONDS: the callers fail open (`agreements.data_version.safely`),
so a page costs one timeout per process in that time, not one per cache call.
"""

import threading
import time

import redis as redis_py
from django.conf import settings
from django.core.cache.backends import redis

# Redis servers that failed: {address: monotonic time to try again}. Shared by
# the threads of a process (each has its own cache object and pools).
_down_until = {}
_down_lock = threading.Lock()

INCR_IF_EXISTS = """
if redis.call('exists', KEYS[1]) == 1 then
  return redis.call('incrby', KEYS[1], ARGV[1])
end
"""


class FailFastRedis(redis_py.Redis):
    """A client that, once a command on its server failed for the connection (a
    timeout, a refused or lost connection), refuses every command at once until
    the server's retry time has come."""

    retry_seconds = 5.0

    @property
    def address(self):
        kwargs = self.connection_pool.connection_kwargs
        return kwargs.get("path") or (kwargs.get("host"), kwargs.get("port"))

    def execute_command(self, *args, **options):
        if _down_until.get(self.address, 0) > time.monotonic():
            raise redis_py.ConnectionError(f"Redis {self.address} is marked down.")
        try:
            return super().execute_command(*args, **options)
        except (redis_py.ConnectionError, redis_py.TimeoutError):
            with _down_lock:
                _down_until[self.address] = time.monotonic() + self.retry_seconds
            raise


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, servers, *args, **kwargs):
        # redis-py waits 5 s to connect and 5 s for each answer by default.
        kwargs.setdefault("socket_connect_timeout", settings.REDIS_TIMEOUT_SECONDS)
        kwargs.setdefault("socket_timeout", settings.REDIS_TIMEOUT_SECONDS)
        self._retry_seconds = kwargs.pop("retry_seconds", settings.REDIS_RETRY_SECONDS)
        super().__init__(servers, *args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            client = FailFastRedis(connection_pool=pool)
            client.retry_seconds = self._retry_seconds
            client.incr_if_exists = client.register_script(INCR_IF_EXISTS)
            self._clients[pool] = client
        return self._clients[pool]

    def incr(self, key, delta=1):
        value = self.get_client(key, write=True).incr_if_exists(
            keys=[key], args=[delta]
        )
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
