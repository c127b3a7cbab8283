"""Test settings: SQLite (or DATABASE_URL, e.g. PostgreSQL in CI), immediate tasks, a file
cache (or Redis with MASTHEAD_TEST_CACHE=redis)."""

import os
import tempfile
import uuid
from glob import escape as glob_escape
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_from_env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
_TMP = Path(tempfile.mkdtemp(prefix="masthead-test-"))
DATABASES = {"default": database_from_env(_TMP / "test.sqlite3")}
MEDIA_ROOT = _TMP / "media"
STATIC_ROOT = _TMP / "static"
STATIC_ROOT.mkdir()
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": TASK_QUEUES,  # noqa: F405
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WAGTAILADMIN_BASE_URL = "http://testserver"
MASTHEAD_TEST_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
# The cache the suite runs on: `file` (default) or `redis` (CI's PostgreSQL pass), the
# production engine. Keys carry a prefix of this run's own; clearing deletes only them.
MASTHEAD_TEST_CACHE = os.environ.get("MASTHEAD_TEST_CACHE", "file")
if MASTHEAD_TEST_CACHE == "redis":
    from django_redis.client import DefaultClient

    class RunScopedRedisClient(DefaultClient):
        """`cache.clear()` deletes this run's keys, not the database (FLUSHDB) that other
        tests and test runs on the same Redis also use."""

        def clear(self, client=None) -> None:
            client = client or self.get_client(write=True)
            pattern = glob_escape(self._backend.key_prefix) + ":*"
            batch = []
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) == 1000:
                    client.delete(*batch)
                    batch.clear()
            if batch:
                client.delete(*batch)

    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": MASTHEAD_TEST_REDIS_URL,
            "KEY_PREFIX": f"masthead-test-cache:{uuid.uuid4().hex}",
            "OPTIONS": {"CLIENT_CLASS": "masthead.settings.test.RunScopedRedisClient"},
        }
    }
elif MASTHEAD_TEST_CACHE == "file":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(_TMP / "cache"),
        }
    }
else:
    raise ImproperlyConfigured(f"MASTHEAD_TEST_CACHE={MASTHEAD_TEST_CACHE!r}: use file or redis.")
MASTHEAD_PREPARE_RENDITIONS = False
# Replaced media files go at once in tests (core/housekeeping.py); its tests set a grace.
MASTHEAD_MEDIA_DELETE_GRACE = 0
MASTHEAD_NARRATION_CACHE_DIR = _TMP / "voices"
# Off by default so tests see each render; tests/core/test_page_cache.py turns it on.
MASTHEAD_PAGE_CACHE_ENABLED = False
# Likewise the per-process card store and memo (core/memo.py): a test's publish is never
# committed, so its on-commit invalidation never runs; tests/news/test_card_store.py
# turns them on.
MASTHEAD_CARD_CACHE_SIZE = 0
MASTHEAD_MEMO_SECONDS = 0
# Off by default so publishing in unrelated tests does not run the voice;
# tests/narration/ turns it on.
MASTHEAD_NARRATION_ENABLED = False
