"""The newsletter e-mail: rendered once per send, personalised per recipient by filling in
two links.

HTML: table layout, CSS inlined (css_inline) for clients that drop <style>, a <style>
kept for those that honour media queries (narrow screens, dark mode), images with
absolute URLs, width and alt text. Plain text beside it. No open-tracking pixel and no
rewritten links: what a reader opens or clicks is not recorded.
"""

import uuid

import css_inline
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from masthead.news.models import ArticlePage
from masthead.news.text import lead_paragraph, teaser
from masthead.news.visibility import visible_to_readers

from . import links
from .models import Send
from .notices import newsroom_name, sender_for

UNSUBSCRIBE = "https://masthead.invalid/unsubscribe-link"
PREFERENCES = "https://masthead.invalid/preferences-link"
IMAGE_SPEC = "fill-1200x675"


def _image(article: ArticlePage) -> dict | None:
    if article.hero_image is None:
        return None
    rendition = article.hero_image.get_rendition(IMAGE_SPEC)
    return {
        "url": links.absolute(rendition.url),
        "alt": article.hero_alt or article.title,
        "width": 600,
        "height": round(600 * rendition.height / rendition.width),
    }


def _audio(article: ArticlePage) -> str | None:
    from masthead.narration.selectors import playable_narration

    narration = playable_narration(article_id=article.pk)
    return links.absolute(narration.audio.url) if narration else None


def stories(article_ids: list[int]) -> list[dict]:
    """The send's articles readers may see (news/visibility.py), in the chosen order."""
    found = visible_to_readers(ArticlePage.objects.filter(pk__in=article_ids)).select_related(
        "hero_image"
    )
    by_id = {article.pk: article for article in found}
    result = []
    for pk in article_ids:
        article = by_id.get(pk)
        if article is None:
            continue
        lead = lead_paragraph(article.body.raw_data)
        result.append(
            {
                "title": article.title,
                "url": links.absolute(article.get_url() or article.url_path),
                "summary": article.card_summary or article.dek,
                "lead": teaser(lead, 600) if lead else "",
                "image": _image(article),
                "audio": _audio(article),
                "minutes": article.reading_time_minutes,
            }
        )
    return result


class NothingToSend(Exception):
    """None of the issue's stories may be seen by readers any more (unpublished, moved
    behind a restriction): an empty issue is not sent."""


def render_issue(send: Send) -> tuple[str, str]:
    """(HTML with CSS inlined, plain text) of the issue, with placeholder links."""
    chosen = stories(list(send.article_ids))
    if not chosen:
        raise NothingToSend("none of its stories is published for readers any more")
    context = {
        "send": send,
        "newsletter": send.newsletter,
        "newsroom": newsroom_name(),
        "home_url": links.absolute("/"),
        "stories": chosen,
        "digest": send.kind == Send.Kind.DIGEST,
        "date": timezone.localdate(),
        "unsubscribe_url": UNSUBSCRIBE,
        "preferences_url": PREFERENCES,
    }
    html = render_to_string("newsletters/email/issue.html", context)
    text = render_to_string("newsletters/email/issue.txt", context)
    inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
    return inliner.inline(html), text


class IssueMessage(EmailMultiAlternatives):
    """The send's own MIME boundary, made once: Python otherwise draws a random one per
    message and searches both parts for it (an eighth of the cost of a message)."""

    boundary = ""

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if self.boundary and msg.is_multipart():
            msg.set_boundary(self.boundary)
        return msg


class IssueTemplate:
    """A send's message, made per recipient: their unsubscribe and preferences links in
    the body and in the List-Unsubscribe headers (RFC 2369, one-click RFC 8058)."""

    def __init__(self, send: Send) -> None:
        self.send_id = send.pk
        self.newsletter_id = send.newsletter_id
        self.subject = send.subject
        self.sender = sender_for(send.newsletter)
        self.html, self.text = send.html, send.text
        self.boundary = f"=_masthead_{uuid.uuid4().hex}"
        self.domain = _domain()
        self.list_id = f"{send.newsletter.name} <{send.newsletter.slug}.{self.domain}>"

    def message(
        self, *, subscriber_id: int, address: str, connection=None
    ) -> EmailMultiAlternatives:
        unsubscribe = links.unsubscribe_url(
            subscriber_id=subscriber_id, newsletter_id=self.newsletter_id
        )
        preferences = links.preferences_url(subscriber_id=subscriber_id)

        def fill(body: str) -> str:
            return body.replace(UNSUBSCRIBE, unsubscribe).replace(PREFERENCES, preferences)

        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": self.list_id,
            # The same id if a message is ever made twice: clients and servers that see
            # both keep one.
            "Message-ID": f"<send{self.send_id}.r{subscriber_id}@{self.domain}>",
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        }
        message = IssueMessage(
            self.subject,
            fill(self.text),
            self.sender,
            [address],
            headers=headers,
            connection=connection,
        )
        message.boundary = self.boundary
        message.attach_alternative(fill(self.html), "text/html")
        return message


def _domain() -> str:
    from urllib.parse import urlsplit

    from django.conf import settings

    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
