"""Django's Redis cache, with one Redis client object per connection pool.

Django's RedisCacheClient makes a new redis.Redis object for every cache read and write
(get_client), and each builds its table of some 170 response callbacks: about 530
Python calls per read, more than the read itself, and a page reading four precomputed
figures paid some 2,000 calls for them. A redis.Redis object holds nothing but its pool
(connections are taken from the pool for each command, and the pool starts afresh in a
forked process), and redis-py documents it as safe to share between threads; Django
keeps one cache backend per thread besides. So each pool's client is made once and
used again: the same commands go to the same server."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
