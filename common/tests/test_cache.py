"""common.cache.RedisCache: Django's Redis cache, one client object per pool."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from common.cache import RedisCache

BASE_SETTINGS = Path(settings.BASE_DIR) / "ictstrategy" / "settings" / "base.py"


def _location():
    # The Redis the suite already needs: the Celery broker's (a loopback server).
    return settings.CELERY_BROKER_URL


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/1", "common.cache.RedisCache"),
        ("locmemcache://", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_the_settings_use_it_for_a_redis_cache_and_only_for_one(monkeypatch, url, backend):
    monkeypatch.setenv("DJANGO_CACHE_URL", url)
    assert runpy.run_path(str(BASE_SETTINGS))["CACHES"]["default"]["BACKEND"] == backend


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
