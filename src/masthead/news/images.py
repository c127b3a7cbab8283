"""Responsive rendition sizes used on the public site, in one place.

Templates render them with `{% responsive_picture %}`; the `prepare_renditions`
task makes them ahead of the first reader so no request has to resize images.
"""

import logging
from functools import cache

from django.apps import apps
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.images.models import AbstractImage, Filter, Picture

logger = logging.getLogger(__name__)

RENDITION_SPECS: dict[str, str] = {
    "hero": "format-{webp,jpeg} width-{640,1024,1200,1600}",  # 1200: a 390 px phone at 3x
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
    # A card beside its headline on a phone (site.css: compact cards), full width above.
    "card-compact": "(max-width: 560px) 112px, (min-width: 1100px) 360px, "
    "(min-width: 700px) 45vw, 100vw",
}


@cache
def filters_for(kind: str) -> tuple[Filter, ...]:
    """The Filters of a kind, built once: a Filter parses its spec into operations on
    first use (about 0.1 ms per picture), and keeps them."""
    return tuple(Filter(spec=spec) for spec in Filter.expand_spec(RENDITION_SPECS[kind]))


def over_pixel_limit(image: AbstractImage) -> bool:
    """An image stored before the upload limit (core/images_validation.py) and over it:
    decoding it could take gigabytes, or Pillow refuses it."""
    return (image.width or 0) * (image.height or 0) > settings.MASTHEAD_MAX_IMAGE_PIXELS


def picture(image: AbstractImage, kind: str, attrs: dict[str, str]) -> Picture:
    renditions = image.get_renditions(*filters_for(kind))
    return Picture(renditions, {"sizes": SIZES[kind], **attrs})


def picture_html(image: AbstractImage, kind: str, attrs: dict[str, str]) -> SafeString:
    """The HTML of `picture(...)`, byte for byte, built with less machinery.

    Wagtail's Picture escapes each attribute through several layers of format_html;
    with nine pictures on an article page that was a tenth of its render. Pictures
    whose sizes are not in two or more known formats are left to Wagtail. An image over
    the pixel limit is left out of the page rather than resized during a request.
    """
    if over_pixel_limit(image):
        logger.warning("Image %s is over the pixel limit; not shown", image.pk)
        return mark_safe("")
    renditions = image.get_renditions(*filters_for(kind))
    attrs = {"sizes": SIZES[kind], **attrs}
    groups: dict[str, list] = {}
    for spec, rendition in renditions.items():
        formats = Picture.source_format_order
        fmt = next((f.name for f in formats if f"format-{f.name}" in spec), None)
        if fmt is None:
            return mark_safe(Picture(renditions, attrs).__html__())  # noqa: S308
        groups.setdefault(fmt, []).append(rendition)
    order = [f for f in Picture.source_format_order if f.name in groups]
    if len(order) < 2:
        return mark_safe(Picture(renditions, attrs).__html__())  # noqa: S308
    *sources, fallback = order
    html = ["<picture>"]
    for fmt in sources:
        source = {"sizes": attrs.get("sizes"), "srcset": _srcset(groups[fmt.name]),
                  "type": fmt.mime_type}  # fmt: skip
        html.append(f"<source{_attributes(source)}>")
    first, *rest = groups[fallback.name]
    img = {**first.attrs_dict, **apps.get_app_config("wagtailimages").default_attrs, **attrs}
    if rest:
        img["srcset"] = _srcset(groups[fallback.name])
    html.append(f"<img{_attributes(img)}></picture>")
    return mark_safe("".join(html))  # noqa: S308 (every value is escaped)


def _srcset(renditions: list) -> str:
    if len(renditions) == 1:
        return renditions[0].url
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


def _attributes(attrs: dict) -> str:
    """django.forms.utils.flatatt's output: sorted, escaped, booleans as bare names."""
    pairs = sorted((k, v) for k, v in attrs.items() if v is not None and not isinstance(v, bool))
    names = sorted(k for k, v in attrs.items() if v is True)
    escape = conditional_escape
    return "".join(f' {escape(k)}="{escape(v)}"' for k, v in pairs) + "".join(
        f" {escape(k)}" for k in names
    )


def prepare_all(image: AbstractImage) -> int:
    """Create every public rendition of an image; returns how many specs were prepared.

    One at a time: Wagtail makes several renditions at once in threads, each decoding the
    whole original. An image over MASTHEAD_MAX_IMAGE_PIXELS (one stored before the upload
    limit) is not decoded at all."""
    if over_pixel_limit(image):
        logger.warning("Image %s is over the pixel limit; no renditions made", image.pk)
        return 0
    filters = [f for kind in RENDITION_SPECS for f in filters_for(kind)]
    for filter in filters:
        image.get_rendition(filter)
    return len(filters)
