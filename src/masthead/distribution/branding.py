"""The publisher's logo and default share image: static files, sizes read once."""

from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static

from .images import SizedImage

DEFAULT_LOGO = "masthead/distribution/publisher-logo.png"
DEFAULT_SHARE_IMAGE = "masthead/distribution/share-card.png"


def site_name() -> str:
    return settings.WAGTAIL_SITE_NAME


def publisher_logo(absolute) -> SizedImage:
    return _static_image(getattr(settings, "MASTHEAD_PUBLISHER_LOGO", DEFAULT_LOGO), absolute)


def share_image(absolute) -> SizedImage:
    """The Open Graph image of pages that have none of their own (home, sections, tags)."""
    return _static_image(getattr(settings, "MASTHEAD_SHARE_IMAGE", DEFAULT_SHARE_IMAGE), absolute)


def _static_image(path: str, absolute) -> SizedImage:
    width, height = _dimensions(path)
    return SizedImage(absolute(static(path)), width, height)


@lru_cache(maxsize=8)
def _dimensions(path: str) -> tuple[int, int]:
    from PIL import Image

    found = finders.find(path)
    try:
        with Image.open(found or staticfiles_storage.open(path)) as image:
            return image.size
    except (OSError, ValueError):
        return (0, 0)
