"""Sitemap index, paged sitemaps, the Google News sitemap and robots.txt."""

from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .sitemaps import SITEMAPS, news_entries, news_publication

# Crawlers come back often; five minutes of staleness costs nothing and saves work.
MAX_AGE = 300
ROBOTS_DISALLOW = ("/admin/", "/search/")


@require_GET
@cache_control(public=True, max_age=MAX_AGE)
def sitemap_index(request: HttpRequest) -> HttpResponse:
    # A sitemap must list at least one URL: empty ones (no authors yet) are left out.
    sitemaps = {name: cls for name, cls in SITEMAPS.items() if cls().paginator.count}
    return sitemap_views.index(request, sitemaps, sitemap_url_name="distribution:sitemap-section")


@require_GET
@cache_control(public=True, max_age=MAX_AGE)
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(
        request, SITEMAPS, section=section, template_name="distribution/sitemap.xml"
    )


@require_GET
@cache_control(public=True, max_age=MAX_AGE)
def news_sitemap(request: HttpRequest) -> HttpResponse:
    context = {
        "publication": news_publication(),
        "entries": news_entries(request.build_absolute_uri),
    }
    return TemplateResponse(
        request, "distribution/news_sitemap.xml", context, content_type="application/xml"
    )


@require_GET
@cache_control(public=True, max_age=MAX_AGE)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    for name in ("distribution:sitemap-index", "distribution:news-sitemap"):
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(name))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
