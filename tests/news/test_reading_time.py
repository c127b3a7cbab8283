"""Reading time: words counted in any script, image time, rounding, and the label readers see."""

import pytest
from bs4 import BeautifulSoup

from masthead.news.reading_time import image_seconds, reading_label, reading_minutes
from masthead.news.text import count_words

VOCABULARY = "council harbour bridge repairs budget ferry school market river night".split()


def paragraph_of(words: int) -> list[dict]:
    text = " ".join(VOCABULARY[i % len(VOCABULARY)] for i in range(words))
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def reading_time_shown(client, page) -> str:
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    return soup.select_one(".reading-time").get_text(strip=True)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The quick brown fox jumps over the lazy dog.", 9),
        ("Єва та Ірина їли м'ята і п’ять яблук.", 8),
        ("ЄДИНІ ЇЖАКИ", 2),
        ("м'ята", 1),
        ("п’ять", 1),
        ("We don't know, she said.", 5),
        ("It's the mayor's plan", 4),
        ("1,200 people came", 3),
        ("1,200", 1),
        ("Turnout was 3.5 percent", 4),
        ("A well-known ferry", 3),
        ("Harbour — bridge", 2),
        ("   ", 0),
        ("", 0),
    ],
)
def test_counting_words_treats_apostrophes_and_digit_groups_as_part_of_a_word(text, words):
    assert count_words(text) == words


@pytest.mark.parametrize(
    ("images", "seconds"),
    [
        (0, 0),
        (1, 12),
        (2, 23),
        (3, 33),
        (10, 75),  # 12 + 11 + ... + 3
        (11, 78),  # the eleventh image is at the 3-second floor
        (12, 81),
    ],
)
def test_each_further_image_adds_one_second_less_down_to_a_floor(images, seconds):
    assert image_seconds(images) == seconds


def test_images_beyond_the_tenth_each_add_exactly_the_three_second_floor():
    assert image_seconds(12) - image_seconds(11) == 3
    assert image_seconds(30) - image_seconds(29) == 3


@pytest.mark.parametrize(
    ("words", "images", "wpm", "minutes"),
    [
        (0, 0, 265, 1),  # never less than a minute
        (1, 0, 265, 1),
        (265, 0, 265, 1),  # exactly one minute
        (266, 0, 265, 2),  # a word over rounds up
        (530, 0, 265, 2),
        (531, 0, 265, 3),
        (250, 1, 265, 2),  # 56.6 s of words + 12 s for the image
        (250, 0, 265, 1),
        (0, 12, 265, 2),  # 81 s of pictures alone
        (100, 0, 100, 1),
        (101, 0, 100, 2),
    ],
)
def test_reading_minutes_round_up_and_never_drop_below_one(words, images, wpm, minutes):
    assert reading_minutes(words=words, images=images, words_per_minute=wpm) == minutes


def test_the_reading_label_is_minutes_followed_by_min_read():
    assert reading_label(2) == "2 min read"


def test_a_338_word_article_with_a_hero_image_shows_two_minutes_read(client, make_article):
    article = make_article(body=paragraph_of(338))
    assert article.reading_time_minutes == 2
    assert reading_time_shown(client, article) == "2 min read"


def test_the_hero_image_counts_towards_reading_time(client, make_article):
    # 250 words alone are 56.6 s (1 minute); the hero image adds 12 s.
    article = make_article(body=paragraph_of(250))
    assert reading_time_shown(client, article) == "2 min read"


def test_body_images_count_towards_reading_time(client, make_article, image):
    picture = {"type": "image", "value": {"image": image.pk, "alt": "A ferry", "caption": ""}}
    # 200 words (45.3 s) + hero (12 s) is under a minute; two body images add 11 + 10 s.
    text_only = make_article(body=paragraph_of(200))
    illustrated = make_article(body=paragraph_of(200) + [picture, picture])
    assert reading_time_shown(client, text_only) == "1 min read"
    assert reading_time_shown(client, illustrated) == "2 min read"


def test_ukrainian_words_with_apostrophes_are_counted_once_for_reading_time(client, make_article):
    # 210 words (47.5 s) + hero (12 s) = 59.5 s. Splitting the 105 words with an
    # apostrophe in two would make it 315 words and two minutes.
    words = ["м'ята", "п’ять", "сім'я", "Єва", "Ірина", "їжак"] * 35
    body = [{"type": "paragraph", "value": f"<p>{' '.join(words)}</p>"}]
    article = make_article(body=body)
    assert reading_time_shown(client, article) == "1 min read"


def test_the_reading_rate_can_be_configured(client, make_article, settings):
    settings.MASTHEAD_WORDS_PER_MINUTE = 100
    # 338 words at 100 wpm = 202.8 s, plus 12 s for the hero image = 3.6 minutes.
    article = make_article(body=paragraph_of(338))
    assert reading_time_shown(client, article) == "4 min read"


def test_republishing_an_edited_article_updates_its_reading_time(client, make_article):
    article = make_article(body=paragraph_of(10))
    assert reading_time_shown(client, article) == "1 min read"
    article.body = paragraph_of(600)
    article.save_revision().publish()
    article.refresh_from_db()
    assert reading_time_shown(client, article) == "3 min read"
