"""Sitemap index, paged sitemaps, the Google News sitemap and robots.txt."""

from django.contrib.sitemaps.views import x_robots_tag
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .sitemaps import SITEMAPS, ArticleStats, news_entries, news_publication, write_urlset

# Caching is the page cache's (core/page_cache.py): it serves these to crawlers and
# readers, and forgets them on every publish.
ROBOTS_DISALLOW = ("/admin/", "/search/")


@require_GET
@x_robots_tag
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Every page of every sitemap. Empty sitemaps are left out (a sitemap must list at
    least one URL); pages are paths, not ?p=N, so every cache keys them apart."""
    stats = ArticleStats()
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        pages, lastmod = sitemap_class().files(stats)
        for number in range(1, pages + 1):
            path = sitemap_path(name, number)
            entries.append({"location": request.build_absolute_uri(path), "lastmod": lastmod})
    return TemplateResponse(
        request,
        "distribution/sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
    )


def sitemap_path(name: str, number: int) -> str:
    if number == 1:
        return reverse("distribution:sitemap-section", args=[name])
    return reverse("distribution:sitemap-page", args=[name, number])


@require_GET
@x_robots_tag
def sitemap_section(request: HttpRequest, section: str, page: int = 1) -> HttpResponse:
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None or page < 1:
        raise Http404(f"No sitemap {section!r}")
    urls = sitemap_class().urls(request, page)
    if not urls:  # past the last page, or nothing to list: the index does not list it
        raise Http404(f"No page {page} of sitemap {section!r}")
    prefix = f"{request.scheme}://{request.get_host()}"
    return HttpResponse(write_urlset(urls, prefix), content_type="application/xml")


def sitemap_page(request: HttpRequest, section: str, page: int) -> HttpResponse:
    if page < 2:
        raise Http404("The first page has no number")
    return sitemap_section(request, section, page)


@require_GET
def news_sitemap(request: HttpRequest) -> HttpResponse:
    context = {
        "publication": news_publication(),
        "entries": news_entries(request),
    }
    return TemplateResponse(
        request, "distribution/news_sitemap.xml", context, content_type="application/xml"
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    for name in ("distribution:sitemap-index", "distribution:news-sitemap"):
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(name))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
