"""WSGI entry point: Django behind the in-process page cache (core/page_cache.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.dev")

from masthead.core.page_cache import PageCacheApp  # noqa: E402

application = PageCacheApp(get_wsgi_application())
