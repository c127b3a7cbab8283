"""The podcast feed: what a summary with markup in it becomes, read by an XML parser."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from lxml import etree

from masthead.narration.models import Narration

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
SUMMARY = 'Tolls & fares <script>alert("x")</script> rise'


def narrated(make_article, **fields):
    article = make_article(**fields)
    name = default_storage.save(f"narration/{article.pk}-abc.mp3", ContentFile(b"ID3 audio"))
    Narration.objects.create(
        article=article, audio=name, audio_size=9, duration=61.0, text_hash="f" * 64,
        status=Narration.Status.READY, audio_updated_at=timezone.now(),
    )  # fmt: skip
    return article


def test_a_summary_with_markup_is_text_in_the_description_and_the_itunes_summary(
    client, make_article
):
    narrated(make_article, title="Fares rise", card_summary=SUMMARY)
    response = client.get("/podcast.xml")
    assert response.status_code == 200
    (item,) = etree.fromstring(response.content).iter("item")
    # <description> holds HTML: the summary is escaped into it, so a feed reader that
    # renders it shows the characters and runs nothing.
    assert item.findtext("description") == (
        "Tolls &amp; fares &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; rise"
    )
    # <itunes:summary> is plain text: the parser gives back the summary as written.
    assert item.findtext(f"{ITUNES}summary") == SUMMARY
    assert b"<script>" not in response.content
    assert item.findtext(f"{ITUNES}duration") == "0:01:01"
