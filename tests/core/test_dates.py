"""Dates readers see are in the newsroom's time zone, in one format."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.utils import timezone

from masthead.core.templatetags.masthead_tags import newsroom_datetime

LATE_EVENING_IN_NEW_YORK = dt.datetime(2024, 10, 15, 2, 32, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("America/New_York", "October 14, 2024 10:32 PM EDT"),
        ("Europe/Kyiv", "October 15, 2024 5:32 AM EEST"),
        ("UTC", "October 15, 2024 2:32 AM UTC"),
    ],
)
def test_newsroom_datetime_shows_an_aware_time_in_the_newsroom_time_zone(zone, shown):
    with override_settings(TIME_ZONE=zone):
        timezone.deactivate()
        assert newsroom_datetime(LATE_EVENING_IN_NEW_YORK) == shown


@override_settings(TIME_ZONE="America/New_York")
def test_a_winter_time_names_standard_time_and_a_summer_time_daylight_time():
    timezone.deactivate()
    winter = dt.datetime(2025, 1, 15, 15, 5, tzinfo=dt.UTC)
    assert newsroom_datetime(winter) == "January 15, 2025 10:05 AM EST"
    assert newsroom_datetime(LATE_EVENING_IN_NEW_YORK).endswith(" EDT")


def test_newsroom_datetime_of_nothing_is_an_empty_string():
    assert newsroom_datetime(None) == ""


@override_settings(TIME_ZONE="America/New_York")
def test_the_article_page_shows_the_publication_date_in_the_newsroom_time_zone(
    client, make_article
):
    timezone.deactivate()
    article = make_article(display_date=LATE_EVENING_IN_NEW_YORK)
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    published = soup.select_one("time.published")
    assert published.get_text(strip=True) == "October 14, 2024 10:32 PM EDT"
    assert dt.datetime.fromisoformat(published["datetime"]) == LATE_EVENING_IN_NEW_YORK


@override_settings(TIME_ZONE="America/New_York")
def test_the_article_page_shows_a_substantive_update_in_the_same_format(client, make_article):
    timezone.deactivate()
    article = make_article(
        display_date=LATE_EVENING_IN_NEW_YORK,
        last_updated_at=LATE_EVENING_IN_NEW_YORK + dt.timedelta(hours=13, minutes=5),
    )
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert soup.select_one(".updated").get_text(" ", strip=True) == (
        "Updated October 15, 2024 11:37 AM EDT"
    )


def test_an_article_without_an_update_shows_no_updated_line(client, make_article):
    article = make_article(display_date=LATE_EVENING_IN_NEW_YORK)
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert soup.select_one(".updated") is None
