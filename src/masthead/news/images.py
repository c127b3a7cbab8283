"""Responsive rendition sizes used on the public site, in one place.

Templates render them with `{% responsive_picture %}`; the `prepare_renditions`
task makes them ahead of the first reader so no request has to resize images.
"""

from wagtail.images.models import AbstractImage, Filter, Picture

RENDITION_SPECS: dict[str, str] = {
    "hero": "format-{webp,jpeg} width-{640,1024,1600}",
    "card": "format-{webp,jpeg} fill-{400x225,800x450}",
    "thumb": "format-{webp,jpeg} fill-{160x120,320x240}",
    "body": "format-{webp,jpeg} width-{640,1024}",
    "portrait": "format-{webp,jpeg} fill-{160x160,320x320}",
}
SIZES: dict[str, str] = {
    "hero": "(min-width: 1100px) 760px, 100vw",
    "card": "(min-width: 1100px) 360px, (min-width: 700px) 45vw, 100vw",
    "thumb": "160px",
    "body": "(min-width: 1100px) 700px, 100vw",
    "portrait": "160px",
}


def filters_for(kind: str) -> list[Filter]:
    return [Filter(spec=spec) for spec in Filter.expand_spec(RENDITION_SPECS[kind])]


def picture(image: AbstractImage, kind: str, attrs: dict[str, str]) -> Picture:
    renditions = image.get_renditions(*filters_for(kind))
    return Picture(renditions, {"sizes": SIZES[kind], **attrs})


def prepare_all(image: AbstractImage) -> int:
    """Create every public rendition of an image; returns how many specs were prepared."""
    filters = [f for kind in RENDITION_SPECS for f in filters_for(kind)]
    image.get_renditions(*filters)
    return len(filters)
