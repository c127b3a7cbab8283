from django import template
from django.utils.html import format_html

from .. import images
from ..blocks import sanitise_rich_text

register = template.Library()


@register.simple_tag
def responsive_picture(image, kind: str, alt: str, loading: str = "lazy", css_class: str = ""):
    """A <picture> with WebP and JPEG sources, srcset, width and height."""
    if image is None:
        return ""
    attrs = {"alt": alt, "loading": loading, "decoding": "async"}
    if css_class:
        attrs["class"] = css_class
    if loading == "eager":
        attrs["fetchpriority"] = "high"
    return format_html("{}", images.picture(image, kind, attrs))


@register.filter
def safe_richtext(value) -> str:
    from django.utils.safestring import mark_safe

    html = value.__html__() if hasattr(value, "__html__") else str(value)
    return mark_safe(sanitise_rich_text(html))  # noqa: S308
