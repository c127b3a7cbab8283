from django import template

from ..social import head_tags

register = template.Library()


@register.inclusion_tag("distribution/head.html", takes_context=True)
def distribution_head(context) -> dict:
    """Canonical URL, Open Graph and Twitter card tags, feed links and JSON-LD."""
    return {"tags": head_tags(context)}
