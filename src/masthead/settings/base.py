"""Settings shared by every environment.

Every Masthead setting is read from the environment with a documented default
(see docs/settings.md; a test fails when one is undocumented).
"""

import json
import os
from pathlib import Path

import dj_database_url

from masthead.core.email_url import email_settings

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MASTHEAD_VAR_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "masthead.core",
    "masthead.news",
    "masthead.curation",
    "masthead.audience",
    "masthead.narration",
    "masthead.distribution",
    "masthead.importers",
    "masthead.newsletters",
    "masthead.members",
    "masthead.pages",
    "masthead.demo",
    # wagtail.contrib.frontend_cache (its purge backends; the redirects app purges old URLs
    # through it), with Masthead's own after-commit purging: see core/front_cache.py.
    "masthead.core.front_cache.FrontendCacheConfig",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.sites",
    "masthead.core.users_app.UsersAppConfig",  # wagtail.users with guarded user screens
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # After Wagtail: search and reference index tasks that tolerate a deleted object
    # (news/object_tasks.py).
    "masthead.news.object_tasks.ObjectTasksConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy, above the page cache so cached
    # pages carry them too (core/headers.py).
    "masthead.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Old WordPress addresses of the home page (/?p=12) to their imported article, before
    # the page cache answers them with the home page (importers/links.py).
    "masthead.importers.links.OldQueryRedirectMiddleware",
    # Anonymous page hits are answered here, before sessions, auth and CSRF run.
    "masthead.core.page_cache.PageCacheMiddleware",
    # The request's site and home page, kept until the next publish (core/sites.py).
    "masthead.core.sites.SiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-step sign-in for staff when MASTHEAD_OTP is on (core/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "masthead.core.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns a locked-out sign-in into the sign-in page with the reason (core/login_guard.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masthead.core.context_processors.newsroom",
            ],
        },
    },
]


def sqlite_options() -> dict:
    # WAL + IMMEDIATE transactions + a long busy timeout: with Django's defaults,
    # concurrent publishers and the task worker lose writes to "database is locked".
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }


def database_from_env(default_sqlite: Path) -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    db = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["OPTIONS"] = {**sqlite_options(), **db.get("OPTIONS", {})}
    return db


DATABASES = {"default": database_from_env(VAR_DIR / "masthead.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # A file cache is shared by every worker process; a local-memory cache is not
    # and would keep serving stale pages from other workers after a publish.
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}

# Two lanes (core/lanes.py): "default" for fast work, "slow" for narration and the like.
TASK_QUEUES = ["default", "slow"]
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("MASTHEAD_LANGUAGE", "en-us")
# The newsroom's time zone: every date a reader sees is shown in it.
TIME_ZONE = os.environ.get("MASTHEAD_TIME_ZONE", "America/New_York")
USE_I18N = True
# Newsroom words for some of Wagtail's admin wording ("Submit for review"): locale/en.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MASTHEAD_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

LOGIN_URL = "wagtailadmin_login"

# --- Wagtail ---
WAGTAIL_SITE_NAME = os.environ.get("MASTHEAD_SITE_NAME", "The Calder Ledger")
WAGTAILADMIN_BASE_URL = os.environ.get("MASTHEAD_BASE_URL", "http://127.0.0.1:8000")
# Wagtail's database backend (PostgreSQL, SQLite FTS5), with SQLite's relevance ranking
# in one pass (news/search_backend.py); reader search: news/search.py, docs/scale.md.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "masthead.news.search_backend"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "webp": "webp"}
WAGTAILIMAGES_AVIF_QUALITY = 60
WAGTAILIMAGES_WEBP_QUALITY = 78
WAGTAILIMAGES_JPEG_QUALITY = 82
# Uploads over this many pixels (all frames of a GIF together) are refused; Pillow's own
# limit is set to it too (news/apps.py). Checked from the header: core/images_validation.py.
MASTHEAD_MAX_IMAGE_PIXELS = int(os.environ.get("MASTHEAD_MAX_IMAGE_PIXELS", "40000000"))
WAGTAILIMAGES_MAX_IMAGE_PIXELS = MASTHEAD_MAX_IMAGE_PIXELS
WAGTAILIMAGES_IMAGE_FORM_BASE = "masthead.core.images_validation.BoundedImageForm"
# Documents always go through Wagtail's serve view, which checks the collection's privacy
# (a redirect to the storage's URL, Wagtail's default for S3, would skip it); /media/
# refuses them (core/media.py).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        # Opens stored HTML the stock editor cannot parse (news/rich_text.py).
        "WIDGET": "masthead.news.rich_text.TolerantDraftailRichTextArea",
        "OPTIONS": {"features": ["bold", "italic", "link", "superscript", "subscript"]},
    }
}
TAGGIT_CASE_INSENSITIVE = True

# --- Masthead (every one documented in docs/settings.md) ---
MASTHEAD_WORDS_PER_MINUTE = int(os.environ.get("MASTHEAD_WORDS_PER_MINUTE", "265"))
MASTHEAD_TEASER_LENGTH = int(os.environ.get("MASTHEAD_TEASER_LENGTH", "140"))
MASTHEAD_PAGE_SIZE = int(os.environ.get("MASTHEAD_PAGE_SIZE", "12"))
MASTHEAD_MOST_POPULAR_LIMIT = int(os.environ.get("MASTHEAD_MOST_POPULAR_LIMIT", "5"))
MASTHEAD_EDITORS_PICKS_LIMIT = int(os.environ.get("MASTHEAD_EDITORS_PICKS_LIMIT", "4"))
MASTHEAD_SCHEDULED_PUBLISH_INTERVAL = int(
    os.environ.get("MASTHEAD_SCHEDULED_PUBLISH_INTERVAL", "30")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MASTHEAD_LOG_LEVEL", "WARNING")},
    "loggers": {
        "masthead": {"level": os.environ.get("MASTHEAD_LOG_LEVEL", "INFO")},
        "django_tasks_db": {"level": "INFO"},
    },
}
# Operations (docs/operations.md): worker heartbeats, health thresholds, media deletion.
MASTHEAD_HEARTBEAT_INTERVAL = float(os.environ.get("MASTHEAD_HEARTBEAT_INTERVAL", "30"))
MASTHEAD_HEALTH_WORKER_STALE = float(os.environ.get("MASTHEAD_HEALTH_WORKER_STALE", "120"))
# Leases and recycling of background work (docs/worker.md).
MASTHEAD_TASK_RECLAIM_GRACE = float(os.environ.get("MASTHEAD_TASK_RECLAIM_GRACE", "5"))
MASTHEAD_TASK_MAX_RECLAIMS = int(os.environ.get("MASTHEAD_TASK_MAX_RECLAIMS", "3"))
MASTHEAD_SLOW_WORKER_MAX_TASKS = int(os.environ.get("MASTHEAD_SLOW_WORKER_MAX_TASKS", "10"))
MASTHEAD_HEALTH_REQUIRE_WORKER = os.environ.get("MASTHEAD_HEALTH_REQUIRE_WORKER", "1") == "1"
MASTHEAD_HEALTH_MIN_FREE_MB = int(os.environ.get("MASTHEAD_HEALTH_MIN_FREE_MB", "1024"))
MASTHEAD_HEALTH_QUEUE_MAX_WAIT = float(os.environ.get("MASTHEAD_HEALTH_QUEUE_MAX_WAIT", "900"))
MASTHEAD_HEALTH_TASK_MAX_RUNTIME = float(os.environ.get("MASTHEAD_HEALTH_TASK_MAX_RUNTIME", "3600"))
MASTHEAD_MEDIA_DELETE_GRACE = float(os.environ.get("MASTHEAD_MEDIA_DELETE_GRACE", "86400"))
MASTHEAD_HOUSEKEEPING_INTERVAL = float(os.environ.get("MASTHEAD_HOUSEKEEPING_INTERVAL", "3600"))
MASTHEAD_WEBHOOKS_PAUSED = os.environ.get("MASTHEAD_WEBHOOKS_PAUSED", "0") == "1"
MASTHEAD_SERVE_MEDIA = os.environ.get("MASTHEAD_SERVE_MEDIA", "1") == "1"
MASTHEAD_TAGLINE = os.environ.get("MASTHEAD_TAGLINE", "Independent news for Calder Bay")
# Make every public image size in the background as soon as an image is uploaded.
MASTHEAD_PREPARE_RENDITIONS = os.environ.get("MASTHEAD_PREPARE_RENDITIONS", "1") == "1"
# Narration: onnxruntime threads per worker (1 is best on a busy 2-core machine).
MASTHEAD_NARRATION_THREADS = int(os.environ.get("MASTHEAD_NARRATION_THREADS", "1"))
MASTHEAD_NARRATION_ENABLED = os.environ.get("MASTHEAD_NARRATION_ENABLED", "1") == "1"
# Full-page cache for anonymous readers (see docs/caching.md).
MASTHEAD_PAGE_CACHE_ENABLED = os.environ.get("MASTHEAD_PAGE_CACHE_ENABLED", "1") == "1"
MASTHEAD_PAGE_CACHE_SECONDS = int(os.environ.get("MASTHEAD_PAGE_CACHE_SECONDS", "240"))
# `before`: a listing's "Older" link (news/keyset.py) is a page of its own.
MASTHEAD_PAGE_CACHE_QUERY_PARAMS = ("page", "q", "before")
# Article cards (image, sizes, byline) each web process keeps until the next publish
# (news/selectors.CardStore); 0 turns the store off.
MASTHEAD_CARD_CACHE_SIZE = int(os.environ.get("MASTHEAD_CARD_CACHE_SIZE", "500"))
# The request's site and home page and the editors' picks, kept by each web process until
# the next publish or for this many seconds (core/memo.py); 0 turns it off.
MASTHEAD_MEMO_SECONDS = float(os.environ.get("MASTHEAD_MEMO_SECONDS", "60"))
# Each web process also keeps complete responses in memory (core/page_cache.PageCacheApp).
MASTHEAD_PAGE_CACHE_LOCAL_SECONDS = float(os.environ.get("MASTHEAD_PAGE_CACHE_LOCAL_SECONDS", "10"))
MASTHEAD_PAGE_CACHE_LOCAL_MAX_BYTES = int(
    os.environ.get("MASTHEAD_PAGE_CACHE_LOCAL_MAX_BYTES", str(16 * 1024 * 1024))
)
# Front cache (Varnish with deploy/varnish/default.vcl): where to send PURGE and BAN after
# a change, e.g. "http://127.0.0.1:6081"; several comma-separated; empty = none.
MASTHEAD_VARNISH_URL = os.environ.get("MASTHEAD_VARNISH_URL", "")
WAGTAILFRONTENDCACHE = {
    f"varnish{i}": {"BACKEND": "masthead.core.front_cache.VarnishBackend", "LOCATION": url}
    for i, url in enumerate(u.strip() for u in MASTHEAD_VARNISH_URL.split(",") if u.strip())
}

# --- Security headers (docs/security.md) ---
# Extra origins images and audio may come from, comma-separated: the S3 bucket's or CDN's
# origin when media are not served by this site, e.g. "https://media.example.org".
MASTHEAD_CSP_MEDIA_SOURCES = [
    s.strip() for s in os.environ.get("MASTHEAD_CSP_MEDIA_SOURCES", "").split(",") if s.strip()
]
# Where browsers send reports of blocked content (a URL); empty = no reports.
MASTHEAD_CSP_REPORT_URI = os.environ.get("MASTHEAD_CSP_REPORT_URI", "")
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, *MASTHEAD_CSP_MEDIA_SOURCES],
        "media-src": [_SELF, *MASTHEAD_CSP_MEDIA_SOURCES],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "form-action": [_SELF],
        "frame-ancestors": [_SELF],
        **({"report-uri": [MASTHEAD_CSP_REPORT_URI]} if MASTHEAD_CSP_REPORT_URI else {}),
    },
}
# The Wagtail admin's policy: the reader policy plus only what the admin was seen to need
# in headless Chromium (tests/core/test_csp_browser.py): Wagtail 7.4's editor and listings
# run inline <script> blocks (per-page data, so no hash fits) and its editor widgets set
# inline styles. Still nothing from other sites, no eval, no plugins, no <base>.
_UNSAFE_INLINE = "'unsafe-inline'"
MASTHEAD_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [_SELF, _UNSAFE_INLINE],
        "style-src": [_SELF, _UNSAFE_INLINE],
        "img-src": [_SELF, "data:", "blob:", *MASTHEAD_CSP_MEDIA_SOURCES],
    },
}
# Browser features no Masthead page uses, switched off for every origin.
MASTHEAD_PERMISSIONS_POLICY = [
    f.strip()
    for f in os.environ.get(
        "MASTHEAD_PERMISSIONS_POLICY",
        "accelerometer,autoplay,browsing-topics,camera,display-capture,geolocation,gyroscope,"
        "interest-cohort,magnetometer,microphone,midi,payment,usb",
    ).split(",")
    if f.strip()
]
# The admin makes no requests to other sites: no Gravatar, no Wagtail update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- E-mail (password reset, workflow notifications): one URL, see core/email_url.py.
MASTHEAD_EMAIL_URL = os.environ.get("MASTHEAD_EMAIL_URL", "smtp://localhost:25")
globals().update(email_settings(MASTHEAD_EMAIL_URL))
MASTHEAD_EMAIL_FROM = os.environ.get("MASTHEAD_EMAIL_FROM", "Masthead <noreply@localhost>")
DEFAULT_FROM_EMAIL = SERVER_EMAIL = MASTHEAD_EMAIL_FROM
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = MASTHEAD_EMAIL_FROM
# Newsletters (docs/newsletters.md): sending pace, and the provider's bounce webhooks
# (django-anymail; served only when a secret is set, or anyone could report bounces).
MASTHEAD_NEWSLETTER_RATE = float(os.environ.get("MASTHEAD_NEWSLETTER_RATE", "50"))
MASTHEAD_NEWSLETTER_BATCH = int(os.environ.get("MASTHEAD_NEWSLETTER_BATCH", "100"))
MASTHEAD_ANYMAIL_WEBHOOK_SECRET = os.environ.get("MASTHEAD_ANYMAIL_WEBHOOK_SECRET", "")
ANYMAIL = {**json.loads(os.environ.get("MASTHEAD_ANYMAIL", "{}") or "{}"),
           "WEBHOOK_SECRET": MASTHEAD_ANYMAIL_WEBHOOK_SECRET}  # fmt: skip

# --- Sign-in throttling (django-axes; core/login_guard.py) and two-step sign-in.
AUTHENTICATION_BACKENDS = [
    "masthead.core.login_guard.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MASTHEAD_LOGIN_FAILURE_LIMIT = int(os.environ.get("MASTHEAD_LOGIN_FAILURE_LIMIT", "5"))
MASTHEAD_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("MASTHEAD_LOGIN_LOCKOUT_MINUTES", "15"))
# Proxies in front of the app that append the client's address to X-Forwarded-For
# (0: the connection's own address is the client's).
MASTHEAD_TRUSTED_PROXY_COUNT = int(os.environ.get("MASTHEAD_TRUSTED_PROXY_COUNT", "0"))
AXES_FAILURE_LIMIT = MASTHEAD_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "masthead.core.login_guard.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "masthead.core.login_guard.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # failed attempts only: no log of every staff sign-in
if MASTHEAD_TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = MASTHEAD_TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Two-step sign-in (TOTP, django-otp): when on, superusers must confirm an authenticator
# app before using the admin, and every staff member who set one up is asked for a code.
MASTHEAD_OTP = os.environ.get("MASTHEAD_OTP", "0") == "1"
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

# Edges readers and administrators can push on (docs/settings.md, "Abuse limits"): counted
# views of one article per address a day, and the hosts webhooks may reach although they
# resolve to a private, loopback or link-local address (comma-separated names, addresses
# or networks such as 10.1.0.0/16).
MASTHEAD_AUDIENCE_DAILY_CAP = int(os.environ.get("MASTHEAD_AUDIENCE_DAILY_CAP", "20"))
MASTHEAD_AUDIENCE_BURST_LIMIT = int(os.environ.get("MASTHEAD_AUDIENCE_BURST_LIMIT", "20"))
MASTHEAD_WEBHOOK_ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("MASTHEAD_WEBHOOK_ALLOWED_HOSTS", "").split(",") if h.strip()
]

# --- Members (docs/members.md): sign-in links, limits, the registration wall.
MASTHEAD_MEMBERS_LINK_MAX_AGE = int(os.environ.get("MASTHEAD_MEMBERS_LINK_MAX_AGE", "3600"))
MASTHEAD_MEMBERS_LINKS_PER_ADDRESS = int(os.environ.get("MASTHEAD_MEMBERS_LINKS_PER_ADDRESS", "5"))
MASTHEAD_MEMBERS_LINKS_PER_CLIENT = int(os.environ.get("MASTHEAD_MEMBERS_LINKS_PER_CLIENT", "30"))
MASTHEAD_MEMBERS_SESSION_DAYS = int(os.environ.get("MASTHEAD_MEMBERS_SESSION_DAYS", "60"))
MASTHEAD_MEMBERS_PREVIEW_PARAGRAPHS = int(
    os.environ.get("MASTHEAD_MEMBERS_PREVIEW_PARAGRAPHS", "2")
)
