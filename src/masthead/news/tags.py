"""Every tag gets a slug its page, feeds and sitemap entry can be addressed by.

taggit slugifies a tag's name; a name of punctuation only ("&", ">", "---") or of
emoji gives an empty slug, and then every page that links to the tag (the article, the
topics sitemap, the API listing) failed to build its URL. Names are transliterated
when plain slugifying leaves nothing ("🔥" → "fire"), and a numbered "tag-<n>" is the
last resort.
"""

import re

from anyascii import anyascii
from django.utils.text import slugify

FALLBACK_PREFIX = "tag-"
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def is_usable(slug: str | None) -> bool:
    return bool(slug) and _LETTER_OR_DIGIT.search(slug) is not None


def usable_slug(tag_model: type, name: str, *, exclude_pk: int | None = None) -> str:
    """A slug for `name` that is usable and not taken by another tag."""
    others = tag_model._default_manager.exclude(pk=exclude_pk)
    for candidate in (slugify(name, allow_unicode=True), slugify(anyascii(name))):
        if is_usable(candidate) and not others.filter(slug=candidate).exists():
            return candidate
    taken = set(others.filter(slug__startswith=FALLBACK_PREFIX).values_list("slug", flat=True))
    n = 1
    while f"{FALLBACK_PREFIX}{n}" in taken:
        n += 1
    return f"{FALLBACK_PREFIX}{n}"


def give_tag_a_usable_slug(sender, instance, raw: bool = False, **kwargs) -> None:
    """pre_save of taggit's Tag: runs after taggit has chosen a slug, before the row
    is written."""
    if raw or is_usable(instance.slug):
        return
    instance.slug = usable_slug(sender, instance.name, exclude_pk=instance.pk)
