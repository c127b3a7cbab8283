"""Production settings: everything secret or machine-specific comes from the environment.

See docs/deployment.md (and deploy/README.md for a multi-machine topology).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STORAGES, VAR_DIR, database_from_env


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    raw = os.environ.get(name, "").strip()
    value = raw.lower() or default
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not one of {', '.join(choices)} (default: {default})."
        )
    return value


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
DEBUG = False
DATABASES = {"default": database_from_env(VAR_DIR / "masthead.sqlite3")}

# --- Cache: Redis when REDIS_URL is set (needed as soon as there is more than one app
# server: the page cache and its publish generation must be shared). The audience view
# buffer follows REDIS_URL too (masthead.audience.conf).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }

# --- Media: local files (served by the app with HTTP Range, or by the front server) or an
# S3-compatible bucket through django-storages.
MASTHEAD_MEDIA_STORAGE = _choice("MASTHEAD_MEDIA_STORAGE", ("local", "s3"), "local")
if MASTHEAD_MEDIA_STORAGE == "s3":
    _bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not _bucket:
        raise ImproperlyConfigured(
            "MASTHEAD_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME in the environment "
            "(and, for a provider other than AWS, AWS_S3_ENDPOINT_URL; credentials in "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the machine's AWS role)."
        )
    _s3_options = {
        "bucket_name": _bucket,
        # Never replace an existing object: two uploads named "photo.jpg" stay two files.
        "file_overwrite": False,
        # Plain public URLs: a cached page must not carry signatures that expire.
        "querystring_auth": os.environ.get("AWS_QUERYSTRING_AUTH", "0") == "1",
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    for _option, _variable in (
        ("endpoint_url", "AWS_S3_ENDPOINT_URL"),
        ("region_name", "AWS_S3_REGION_NAME"),
        ("access_key", "AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY"),
        ("custom_domain", "AWS_S3_CUSTOM_DOMAIN"),
        ("location", "AWS_LOCATION"),
        ("default_acl", "AWS_DEFAULT_ACL"),
        ("addressing_style", "AWS_S3_ADDRESSING_STYLE"),
    ):
        if os.environ.get(_variable, "").strip():
            _s3_options[_option] = os.environ[_variable].strip()
    STORAGES = {
        **STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options},
    }
    # The files are not on this machine: the app's /media/ view has nothing to serve.
    MASTHEAD_SERVE_MEDIA = False

# --- Background tasks: the database queue (db_worker) or RQ on Redis.
MASTHEAD_TASK_BACKEND = _choice("MASTHEAD_TASK_BACKEND", ("database", "rq"), "database")
if MASTHEAD_TASK_BACKEND == "rq":
    MASTHEAD_TASKS_REDIS_URL = os.environ.get("MASTHEAD_TASKS_REDIS_URL", "") or REDIS_URL
    if not MASTHEAD_TASKS_REDIS_URL:
        raise ImproperlyConfigured(
            "MASTHEAD_TASK_BACKEND=rq needs REDIS_URL (or MASTHEAD_TASKS_REDIS_URL) in the "
            "environment, e.g. redis://redis.internal:6379/0."
        )
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        name: {
            "URL": MASTHEAD_TASKS_REDIS_URL,
            # Seconds a job may run before the worker stops it (a long narration).
            "DEFAULT_TIMEOUT": int(os.environ.get("MASTHEAD_TASK_TIMEOUT", "1800")),
        }
        for name in TASK_QUEUES  # noqa: F405
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("MASTHEAD_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("MASTHEAD_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Preloading HSTS is a commitment for the whole domain: opt in explicitly.
SECURE_HSTS_PRELOAD = os.environ.get("MASTHEAD_HSTS_PRELOAD", "0") == "1"
SILENCED_SYSTEM_CHECKS = [
    # Wagtail's live preview shows the page in a same-origin frame: SAMEORIGIN, not DENY.
    "security.W019",
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
