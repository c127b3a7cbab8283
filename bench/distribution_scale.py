"""Distribution at newsroom scale (a benchmark, not a test).

Builds a throwaway newsroom of N published articles (SQLite, test settings), then times
warm requests for feeds, sitemaps and the content API and counts their SQL queries at
N/5 and N articles: the counts must not change. Last, publishing with and without a dead
webhook endpoint (nothing listening; a 5 s timeout) shows publishing never waits for it.

    python -m bench.distribution_scale [--articles 500]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.test")
os.environ.setdefault("MASTHEAD_VAR_DIR", tempfile.mkdtemp(prefix="masthead-bench-"))

URLS = [  # (label, path, full-content feeds)
    ("RSS, home", "/feeds/rss.xml", False),
    ("Atom, home, full content", "/feeds/atom.xml", True),
    ("RSS, one topic", "/feeds/tags/topic-1/rss.xml", False),
    ("sitemap index", "/sitemap.xml", False),
    ("articles sitemap", "/sitemap-articles.xml", False),
    ("news sitemap", "/news-sitemap.xml", False),
    ("API, 20 articles", "/api/v2/articles/?limit=20", False),
    ("API, one topic", "/api/v2/articles/?tag=topic-1", False),
]


def build(count: int, start: int, sections, authors, images) -> None:
    from masthead.news.models import ArticleAuthor, ArticlePage

    for n in range(start, start + count):
        body = [
            {"type": "paragraph", "value": f"<p>Paragraph one of story {n}.</p>"},
            {"type": "image", "value": {"image": images[n % len(images)].pk, "alt": "A picture"}},
            {"type": "paragraph", "value": "<p>Another paragraph.</p>"},
        ]
        page = ArticlePage(
            title=f"Story {n}",
            slug=f"story-{n}",
            dek=f"Standfirst of story {n}.",
            hero_image=images[n % len(images)],
            hero_alt="A picture",
            body=body,
            narrate=False,
        )
        for order, author in enumerate(authors[n % 7 : n % 7 + 2]):
            page.article_authors.add(ArticleAuthor(author=author, sort_order=order))
        page.tags.add(f"topic-{n % 10}", f"place-{n % 13}")
        sections[n % len(sections)].add_child(instance=page)
        page.save_revision().publish()


def setup_newsroom():
    from django.core.management import call_command
    from wagtail.images import get_image_model
    from wagtail.models import Page, Site

    from masthead.news.models import Author, HomePage, SectionPage
    from tests.conftest import make_image_file

    call_command("migrate", verbosity=0)
    root = Page.get_first_root_node()
    for child in root.get_children():
        child.delete()
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    sections = []
    for name in ("News", "Business", "Culture", "Opinion", "World"):
        section = home.add_child(instance=SectionPage(title=name, slug=name.lower()))
        section.save_revision().publish()
        sections.append(section)
    authors = [Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}") for n in range(9)]
    Image = get_image_model()
    images = [
        Image.objects.create(
            title=f"Picture {n}",
            file=make_image_file(f"p{n}.jpg", size=(1600, 900), colour=(n * 40, 90, 120)),
        )
        for n in range(5)
    ]
    return sections, authors, images


def measure(client, path: str, full: bool) -> tuple[float, int]:
    """Median of 5 warm requests (ms), and the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    content = "full" if full else "summary"
    with override_settings(MASTHEAD_FEED_CONTENT=content, MASTHEAD_PAGE_CACHE_ENABLED=False):
        client.get(path)  # warm: renditions, navigation
        times = []
        for _ in range(5):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
    return statistics.median(times) * 1000, len(captured)


def publish_times(make, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    sections, authors, images = setup_newsroom()
    client = Client()
    small = max(10, args.articles // 5)
    print(f"building {small} articles …", flush=True)
    build(small, 0, sections, authors, images)
    cache.clear()
    before = {label: measure(client, path, full) for label, path, full in URLS}
    print(f"building {args.articles - small} more …", flush=True)
    build(args.articles - small, small, sections, authors, images)
    cache.clear()
    after = {label: measure(client, path, full) for label, path, full in URLS}

    print(f"\n{'':28} {'ms @' + str(small):>10} {'ms @' + str(args.articles):>10}  queries")
    same = True
    for label, _path, _full in URLS:
        (t1, q1), (t2, q2) = before[label], after[label]
        same &= q1 == q2
        print(f"{label:28} {t1:10.1f} {t2:10.1f}  {q1} → {q2}")
    print("query counts constant:", "yes" if same else "NO")

    from masthead.distribution.models import Webhook

    counter = iter(range(10_000, 20_000))

    def publish_one():
        build(1, next(counter), sections, authors, images)

    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        no_hooks = publish_times(publish_one)
        Webhook.objects.create(name="Dead", url="http://127.0.0.1:9/never-answers")
        dead_hook = publish_times(publish_one)
    print(
        f"\npublish (median of 5): {no_hooks:.0f} ms without webhooks, "
        f"{dead_hook:.0f} ms with a dead endpoint (delivery queued for the worker)"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
