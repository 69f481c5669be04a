"""common.cache.RedisCache: Django's Redis cache, one client object per pool."""

import os

import environ
import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from common.cache import RedisCache

URL = os.environ.get("DJANGO_CACHE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("redis"), reason="needs a Redis cache")


def _location():
    return environ.Env.cache_url_config(URL)["LOCATION"]


def test_the_settings_use_it_for_redis(settings):
    assert settings.CACHES["default"]["BACKEND"] == "common.cache.RedisCache"


def test_it_reads_and_writes_what_djangos_own_does_with_one_client():
    ours = RedisCache(_location(), {"KEY_PREFIX": "test-common-cache"})
    theirs = DjangoRedisCache(_location(), {"KEY_PREFIX": "test-common-cache"})
    try:
        theirs.set("figure", {"rows": [(1, "a")]}, 60)
        assert ours.get("figure") == {"rows": [(1, "a")]}
        ours.set("other", [1, 2], 60)
        assert theirs.get("other") == [1, 2]
        assert ours.get_many(["figure", "other"]) == theirs.get_many(["figure", "other"])
        ours.delete("figure")
        assert theirs.get("figure", "gone") == "gone"
        assert ours._cache.get_client() is ours._cache.get_client(write=True)
        assert ours._cache.get_client().connection_pool is ours._cache._get_connection_pool(False)
    finally:
        theirs.delete_many(["figure", "other"])
