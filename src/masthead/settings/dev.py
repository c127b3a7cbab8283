"""Laptop and demo settings: SQLite under var/, file cache, database task queue."""

import os

from django.core.management.utils import get_random_secret_key

from masthead.core.email_url import email_settings

from .base import *  # noqa: F403
from .base import LOGGING as BASE_LOGGING
from .base import VAR_DIR
from .dev_logging import dev_logging

DEBUG = os.environ.get("MASTHEAD_DEBUG", "0") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *ALLOWED_HOSTS]  # noqa: F405


def _dev_secret_key() -> str:
    # A per-checkout key kept under var/: never in the repository, stable across restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
# Serve static files straight from the apps: no collectstatic step for the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Mail stays on this machine: one file per message under var/mail/ unless
# MASTHEAD_EMAIL_URL says otherwise.
MASTHEAD_EMAIL_URL = os.environ.get("MASTHEAD_EMAIL_URL", f"file://{VAR_DIR / 'mail'}")
globals().update(email_settings(MASTHEAD_EMAIL_URL))
# One short line per finished task that matters; routine ones and task starts are not
# logged (settings/dev_logging.py). Production keeps base.py's logging.
LOGGING = dev_logging(BASE_LOGGING)
