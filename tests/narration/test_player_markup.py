"""The player's server-rendered markup: one duration format, and nothing that preloads the
word timings."""

import pytest
from bs4 import BeautifulSoup

from masthead.narration import services
from masthead.narration.models import Narration
from masthead.narration.templatetags.narration_tags import clock, iso_duration

from .fakes import ToneEngine


@pytest.mark.parametrize(
    ("seconds", "written", "iso"),
    [
        (None, "0:00", "PT0S"),
        (0, "0:00", "PT0S"),
        (9.99, "0:09", "PT9S"),
        (59.999, "0:59", "PT59S"),
        (60, "1:00", "PT1M0S"),
        (214.98, "3:34", "PT3M34S"),
        (3725.4, "1:02:05", "PT1H2M5S"),
        (float("nan"), "0:00", "PT0S"),
    ],
)
def test_a_length_is_written_as_minutes_and_seconds_with_the_fraction_dropped(
    seconds, written, iso
):
    assert clock(seconds) == written
    assert iso_duration(seconds) == iso


@pytest.fixture
def narrated_page(db, make_article, client):
    article = make_article(title="Bridge reopens")
    services.narration_request(article_id=article.pk, force=True, enqueue=False)
    services.narration_generate(article_id=article.pk, engine=ToneEngine())
    Narration.objects.filter(article=article).update(duration=214.98)
    narration = Narration.objects.get(article=article)
    return narration, BeautifulSoup(client.get(article.url).content, "html.parser")


def test_the_heading_and_the_player_write_the_same_length(narrated_page):
    _, soup = narrated_page
    length = soup.select_one(".narration-length time")
    assert length.get_text() == "3:34"
    assert length["datetime"] == "PT3M34S"
    assert [t.get_text() for t in soup.select(".player-total")] == ["3:34", "3:34"]
    assert " s" not in soup.select_one(".narration-heading").get_text()


def test_the_word_timings_are_only_named_for_the_script_to_fetch(narrated_page):
    narration, soup = narrated_page
    html = str(soup)
    assert soup.select_one("[data-narration]")["data-timings"] == narration.timings.url
    assert html.count(narration.timings.url) == 1  # no <link rel=preload>, no prefetch
    assert not soup.select("link[rel=preload], link[rel=prefetch]")


def test_the_player_styles_and_scripts_are_static_files_in_order(narrated_page):
    _, soup = narrated_page
    assert soup.select_one('head link[rel=stylesheet][href$="player.css"]')
    scripts = [s["src"].rsplit("/", 1)[-1] for s in soup.select("script[src]")]
    assert scripts.index("readalong.js") < scripts.index("player.js")
    inline = soup.select("script:not([src])")
    assert all(s.get("type") == "application/ld+json" for s in inline)  # data, not code
    assert not soup.select("[style]")
