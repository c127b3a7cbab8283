"""Image sizes that leave the site: social cards, structured data, feeds, the API.

JPEG throughout: every social network and feed reader reads it, not all read WebP.
`fill` never upscales, so a small original gives a smaller image of the same shape;
the sizes a consumer sees are always read from the rendition itself.
"""

from dataclasses import dataclass
from functools import cache

from wagtail.images.models import AbstractImage, AbstractRendition, Filter

SHARE = "fill-1200x630|format-jpeg"  # Open Graph / Twitter summary_large_image
WIDE = "fill-1200x675|format-jpeg"  # 16:9
STANDARD = "fill-1200x900|format-jpeg"  # 4:3
SQUARE = "fill-1200x1200|format-jpeg"  # 1:1
PORTRAIT = "fill-400x400|format-jpeg"  # author photos in Person data and the API
BODY = "width-1200|format-jpeg"  # images inside full-content feeds and the API
STRUCTURED_DATA = (WIDE, STANDARD, SQUARE)
ALL_SPECS = (SHARE, *STRUCTURED_DATA)


@dataclass(frozen=True)
class SizedImage:
    url: str
    width: int
    height: int

    def as_image_object(self) -> dict:
        return {"@type": "ImageObject", "url": self.url, "width": self.width, "height": self.height}


def renditions(image: AbstractImage, *specs: str) -> dict[str, AbstractRendition]:
    """Renditions by spec; no query when the image's renditions were prefetched."""
    found = image.get_renditions(*(_filter(s) for s in specs))
    return {spec: found[spec] for spec in specs}


@cache
def _filter(spec: str) -> Filter:
    # Built once: a Filter parses its spec on first use and keeps the result.
    return Filter(spec=spec)


def sized(rendition: AbstractRendition, absolute) -> SizedImage:
    return SizedImage(absolute(rendition.url), rendition.width, rendition.height)


def prepare_all(image: AbstractImage) -> int:
    """Make every outgoing size ahead of the first crawler; returns how many."""
    specs = (*ALL_SPECS, PORTRAIT, BODY)
    image.get_renditions(*(Filter(spec=s) for s in specs))
    return len(specs)
