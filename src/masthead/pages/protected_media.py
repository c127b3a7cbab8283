"""Who may download the media files of a page (core/media.py asks, per file prefix).

A narration's MP3 and word timings are named after the article
(narration/<article id>-<text hash>.mp3 and .json, narration/services.py). They are
served when the article is one any reader may see, or, for a restricted article, to a
reader who passed its restrictions (the player on the article page itself), and then
never from a shared cache. A members-only article's audio is its whole text: served
privately to readers who may read it in full (news/visibility.may_read_in_full), to
nobody else. Files no narration refers to any more are not served.
"""

from django.http import HttpRequest

from masthead.core.media import PRIVATE, PUBLIC
from masthead.narration.selectors import narration_for_file
from masthead.news import visibility


def narration_file(request: HttpRequest, path: str) -> str | None:
    narration = narration_for_file(name=path)
    if narration is None or not narration.article.live:
        return None
    article = narration.article
    if visibility.is_gated(article):
        readable = visibility.is_visible_id(article.pk) or visibility.restrictions_passed(
            article, request
        )
        return PRIVATE if readable and visibility.may_read_in_full(article, request) else None
    if visibility.is_visible_id(article.pk):
        return PUBLIC
    return PRIVATE if visibility.restrictions_passed(article, request) else None
