"""Who may download the media files of a page (core/media.py asks, per file prefix).

A narration's MP3 and word timings are named after the article
(narration/<article id>-<text hash>.mp3 and .json, narration/services.py). They are
served when the article is one any reader may see, or, for a restricted article, to a
reader who passed its restrictions (the player on the article page itself), and then
never from a shared cache. A members-only article's audio is its whole text: served
privately to readers who may read it in full (news/visibility.may_read_in_full), to
nobody else. Files no narration refers to any more are not served.
A run's live parts and their manifest (narration/parts.py) follow the same rules, and
only while the run holds its lease (or, for the manifest, once it is ready); the manifest
is never cached, since it grows.
"""

from django.http import HttpRequest
from django.utils import timezone

from masthead.core.media import PRIVATE, PUBLIC
from masthead.narration.parts import manifest_of_part
from masthead.narration.selectors import narration_for_file
from masthead.narration.services import lease_is_stale
from masthead.news import visibility


def narration_file(request: HttpRequest, path: str) -> str | None:
    part_of = manifest_of_part(path)
    narration = narration_for_file(name=part_of or path)
    if narration is None or not narration.article.live:
        return None
    manifest = path == narration.manifest.name
    if (part_of or manifest) and not parts_followable(narration):
        return None
    article = narration.article
    if visibility.is_gated(article):
        readable = visibility.is_visible_id(article.pk) or visibility.restrictions_passed(
            article, request
        )
        return PRIVATE if readable and visibility.may_read_in_full(article, request) else None
    if visibility.is_visible_id(article.pk):
        access = PUBLIC
    else:
        access = PRIVATE if visibility.restrictions_passed(article, request) else None
    # The manifest changes while the run speaks: never from a cache.
    return PRIVATE if access and manifest else access


def parts_followable(narration) -> bool:
    """A live run's parts while its lease is held; the manifest of a finished run, which
    points players at the final file. Not a dead run's: players stop following it."""
    if narration.status == narration.Status.READY:
        return True
    return narration.status == narration.Status.RUNNING and not lease_is_stale(
        narration, timezone.now()
    )
