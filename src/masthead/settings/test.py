"""Test settings: SQLite (or DATABASE_URL, e.g. PostgreSQL in CI), immediate tasks."""

import os
import tempfile
from pathlib import Path

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
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(_TMP / "cache"),
    }
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WAGTAILADMIN_BASE_URL = "http://testserver"
MASTHEAD_TEST_REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
MASTHEAD_PREPARE_RENDITIONS = False
MASTHEAD_NARRATION_CACHE_DIR = _TMP / "voices"
# Off by default so tests see each render; tests/core/test_page_cache.py turns it on.
MASTHEAD_PAGE_CACHE_ENABLED = False
# Off by default so publishing in unrelated tests does not run the voice;
# tests/narration/ turns it on.
MASTHEAD_NARRATION_ENABLED = False
