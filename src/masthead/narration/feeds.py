"""The podcast feed of narrated articles: RSS 2.0 with the iTunes namespace."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape

from .selectors import podcast_narrations

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def hms(seconds: float | None) -> str:
    seconds = int(round(seconds or 0))
    return f"{seconds // 3600:d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class PodcastFeedType(Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:itunes": ITUNES_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("itunes:author", self.feed["author_name"] or "")
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:summary", self.feed["description"])
        handler.addQuickElement("itunes:category", attrs={"text": "News"})
        if self.feed.get("image_url"):
            handler.addQuickElement("itunes:image", attrs={"href": self.feed["image_url"]})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:duration", item["duration"])
        handler.addQuickElement("itunes:summary", item["summary"] or "")
        handler.addQuickElement("itunes:explicit", "false")


class PodcastFeed(Feed):
    feed_type = PodcastFeedType
    link = "/"

    def title(self) -> str:
        return f"{settings.WAGTAIL_SITE_NAME}: listen to the news"

    def description(self) -> str:
        return (
            f"Articles from {settings.WAGTAIL_SITE_NAME}, read aloud. "
            "This audio is created with AI assistance."
        )

    def author_name(self) -> str:
        return settings.WAGTAIL_SITE_NAME

    def items(self):
        return podcast_narrations(limit=getattr(settings, "MASTHEAD_PODCAST_ITEMS", 50))

    def item_title(self, narration) -> str:
        return narration.article.title

    def item_description(self, narration) -> str:
        # <description> holds HTML (feed readers render it): the plain-text summary is
        # escaped, or a standfirst typed as "<img onerror=...>" would run in the reader.
        return escape(narration.article.summary)

    def item_link(self, narration) -> str:
        return narration.article.url

    def item_guid(self, narration) -> str:
        return f"masthead-narration-{narration.pk}-{narration.text_hash[:12]}"

    item_guid_is_permalink = False

    def item_pubdate(self, narration):
        return narration.article.published_at

    def item_updateddate(self, narration):
        return narration.audio_updated_at

    def item_enclosures(self, narration):
        from django.utils.feedgenerator import Enclosure

        url = self._request.build_absolute_uri(narration.audio.url)
        return [Enclosure(url, str(narration.audio_size), "audio/mpeg")]

    def item_extra_kwargs(self, narration) -> dict:
        # itunes:summary is plain text: the summary as typed.
        return {"duration": hms(narration.duration), "summary": narration.article.summary}

    def get_feed(self, obj, request):
        self._request = request
        return super().get_feed(obj, request)
