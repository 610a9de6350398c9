"""Django's Redis cache backend, with one redis-py client per connection pool
and `incr` in one round trip.

Django builds a new `redis.Redis` for every cache call. Since redis-py 5 that
constructor fills a table of some 170 response callbacks, which was a third of
the time of a page served from the cache (three cache calls). The client holds
no connection of its own (the pool does) and is safe to share between threads.

Django's `incr` asks EXISTS, then INCRBY: two round trips for every throttled
request, and not atomic (a key that expires in between comes back as 1). Here
one script does both in Redis.
"""

from django.core.cache.backends import redis

INCR_IF_EXISTS = """
if redis.call('exists', KEYS[1]) == 1 then
  return redis.call('incrby', KEYS[1], ARGV[1])
end
"""


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            client = self._client(connection_pool=pool)
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
