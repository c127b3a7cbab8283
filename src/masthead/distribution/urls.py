"""Feeds, sitemaps, robots.txt and the content API.

Feeds and sitemaps live in the "distribution" namespace; the API router keeps its own
("masthead_api"), because Wagtail reverses its detail URLs from the router's namespace.
"""

from django.urls import include, path

from . import views
from .api import api_router
from .feeds import ArticleFeed


def feed_patterns(prefix: str, kind: str, slug: bool) -> list:
    arg = "<str:slug>/" if slug else ""
    return [
        path(f"{prefix}{arg}{fmt}.xml", ArticleFeed(kind, fmt), name=f"{kind}-{fmt}")
        for fmt in ("rss", "atom")
    ]


distribution_patterns = [
    *feed_patterns("feeds/", "home", slug=False),
    *feed_patterns("feeds/sections/", "section", slug=True),
    *feed_patterns("feeds/tags/", "tag", slug=True),
    *feed_patterns("feeds/authors/", "author", slug=True),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>-<int:page>.xml", views.sitemap_page, name="sitemap-page"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]

urlpatterns = [
    path("", include((distribution_patterns, "distribution"))),
    path("api/v2/", api_router.urls),
]
