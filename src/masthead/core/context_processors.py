from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def newsroom(request: HttpRequest) -> dict:
    from masthead.news.selectors import nav_sections

    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "SITE_TAGLINE": settings.MASTHEAD_TAGLINE,
        "nav_sections": SimpleLazyObject(nav_sections),
    }
