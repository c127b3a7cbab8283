""" "Most popular" over a large archive: median query time (a benchmark).

Builds a fresh database (SQLite, and PostgreSQL when reachable) with N live articles
published evenly over the last 3 years and their daily view rows: each article is read on
each of its first 30 days (views decaying from a few hundred), and one article in five also
on 10 random later days (the long tail). So the table spans 3 years, about 32 rows an
article (3.2 million rows at 100,000 articles).

Measured, each as the median (and 90th percentile) of repeated runs:
- baseline: a plain COUNT(*) of the rows in the same 48-hour window (same table, same
  index range): what merely touching the window costs;
- ranking: the uncached ranking query most_popular runs once a minute (GROUP BY article,
  SUM(views), live articles only, top 6);
- cold: most_popular(limit=5) with an empty cache (ranking + card queries);
- warm: most_popular(limit=5) served from the cached ranking (card queries only).
Target (issue 4): ranking ≤ 20 ms at 100,000 articles.

    python -m bench.most_popular            # 2,000 articles
    python -m bench.most_popular --full     # 100,000 articles
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from bench.audience_ingest import PG_URL, make_image, postgres_database, postgres_reachable

SETTINGS_MODULE = """
from masthead.settings.dev import *  # noqa: F403

MASTHEAD_NARRATION_ENABLED = False
MASTHEAD_PREPARE_RENDITIONS = False
"""
YEARS_DAYS = 3 * 365
FRESH_DAYS = 30
BATCH = 5_000


# --- building the archive (in the child) ----------------------------------------------


def make_section():
    from wagtail.models import Page, Site

    from masthead.news.models import HomePage, SectionPage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Bench home", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "127.0.0.1", "port": 80, "root_page": home}
    )
    return home.add_child(instance=SectionPage(title="News", slug="news"))


def make_articles(section, count: int, today) -> list[tuple[int, object]]:
    """Insert `count` live article pages in bulk (tree paths computed, no per-page save)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from masthead.news.models import ArticlePage

    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale, image = Locale.get_default(), make_image()
    published = []
    for n in range(count):
        age = YEARS_DAYS * (count - n) // count  # oldest first
        published.append(timezone.now() - timedelta(days=age, minutes=n % 1440))
    with transaction.atomic():
        for start in range(0, count, BATCH):
            numbers = range(start, min(start + BATCH, count))
            pages = Page.objects.bulk_create(
                [
                    Page(
                        title=f"Article {n}",
                        draft_title=f"Article {n}",
                        slug=f"a-{n}",
                        url_path=f"{section.url_path}a-{n}/",
                        path=ArticlePage._get_path(section.path, section.depth + 1, n + 1),
                        depth=section.depth + 1,
                        numchild=0,
                        content_type=content_type,
                        locale=locale,
                        translation_key=uuid.uuid4(),
                        live=True,
                        first_published_at=published[n],
                        last_published_at=published[n],
                    )
                    for n in numbers
                ]
            )
            articles = [
                ArticlePage(
                    page_ptr_id=page.pk,
                    hero_image_id=image.pk,
                    hero_alt="-",
                    published_at=published[n],
                )
                for n, page in zip(numbers, pages, strict=True)
            ]
            fields = ArticlePage._meta.local_concrete_fields
            ArticlePage._base_manager._insert(articles, fields=fields, raw=True)
        Page.objects.filter(pk=section.pk).update(numchild=count)
    ids = ArticlePage.objects.order_by("pk").values_list("pk", flat=True)
    return [(pk, timezone.localdate(when)) for pk, when in zip(ids, published, strict=True)]


def view_rows(articles, today, seed: int = 4):
    rng = random.Random(seed)
    for pk, first_day in articles:
        for d in range(FRESH_DAYS):
            day = first_day + timedelta(days=d)
            if day > today:
                break
            yield pk, day, max(1, int(rng.randint(200, 600) * 0.8**d))
        if pk % 5 == 0:
            span = (today - first_day).days
            later = {rng.randint(FRESH_DAYS, span) for _ in range(10)} if span > FRESH_DAYS else ()
            for d in sorted(later):
                yield pk, first_day + timedelta(days=d), rng.randint(1, 20)


def insert_views(rows) -> int:
    from django.db import connection, transaction

    from masthead.audience.models import DailyArticleViews

    table = DailyArticleViews._meta.db_table
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (article_id, day, views) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} (article_id, day, views) VALUES (%s, %s, %s)"  # noqa: S608
        batch = []
        for article, day, views in rows:
            batch.append((article, day.isoformat(), views))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        cursor.executemany(sql, batch)
    return count + len(batch)


def analyse() -> None:
    """Statistics for the planners; on PostgreSQL also the visibility map that lets index-only
    scans skip the table (what autovacuum soon does to a live table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- measuring -------------------------------------------------------------------------


def timed(function, runs: int) -> dict:
    function()  # warm the connection and the database's page cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median": statistics.median(samples), "p90": samples[int(len(samples) * 0.9) - 1]}


def measure(options) -> dict:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone

    from masthead.audience.models import DailyArticleViews
    from masthead.audience.selectors import most_popular, popular_window, rank_articles

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.monotonic()
    articles = make_articles(make_section(), options.articles, today)
    rows = insert_views(view_rows(articles, today))
    analyse()
    build_seconds = time.monotonic() - started
    first_day = timezone.localdate(timezone.now() - popular_window())
    window = DailyArticleViews.objects.filter(day__gte=first_day, day__lte=today)
    current = rank_articles(first_day=first_day, last_day=today, size=1)[0][0]

    def cold():
        cache.clear()
        return most_popular(limit=5, exclude_id=current)

    most_popular(limit=5, exclude_id=current)
    result = {
        "rows": rows,
        "window_rows": window.count(),
        "build_seconds": build_seconds,
        "baseline": timed(window.count, options.runs),
        "ranking": timed(
            lambda: rank_articles(first_day=first_day, last_day=today, size=6), options.runs
        ),
        "cold": timed(cold, options.runs),
        "warm": timed(lambda: most_popular(limit=5, exclude_id=current), options.runs),
    }
    assert len(most_popular(limit=5, exclude_id=current)) == 5
    return result


# --- the parent: one child per database -----------------------------------------------


def run_child(engine: str, options, work: Path) -> dict:
    var = work / engine
    (var / "pysettings").mkdir(parents=True)
    (var / "pysettings" / "bench_popular_settings.py").write_text(SETTINGS_MODULE)
    env = {
        **os.environ,
        "MASTHEAD_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "bench_popular_settings",
        "PYTHONPATH": os.pathsep.join([str(var / "pysettings"), os.environ.get("PYTHONPATH", "")]),
    }
    database = f"masthead_bench_popular_{os.getpid()}"
    if engine == "postgres":
        postgres_database(database, create=True)
        env["DATABASE_URL"] = f"{PG_URL}/{database}"
    else:
        env.pop("DATABASE_URL", None)
    args = [sys.executable, "-m", "bench.most_popular", "--child"]
    args += ["--articles", str(options.articles), "--runs", str(options.runs)]
    try:
        child = subprocess.run(args, env=env, capture_output=True, text=True)
        if child.returncode:
            sys.stderr.write(child.stderr[-3000:])
            raise RuntimeError(f"{engine}: the measurement failed (exit {child.returncode})")
    finally:
        if engine == "postgres":
            postgres_database(database, create=False)
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="100,000 articles")
    parser.add_argument("--articles", type=int, default=0)
    parser.add_argument("--runs", type=int, default=31, help="timed runs per measurement")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    options.articles = options.articles or (100_000 if options.full else 2_000)
    if options.child:
        print(json.dumps(measure(options)))
        return 0
    engines = ["sqlite"] + (["postgres"] if postgres_reachable() else [])
    if "postgres" not in engines:
        print(f"PostgreSQL not reachable at {PG_URL}: skipped")
    work = Path(tempfile.mkdtemp(prefix="masthead-bench-popular-"))
    print(f"{options.articles:,} articles over 3 years; median (p90) of {options.runs} runs, ms\n")
    print(
        f"{'database':<11} {'rows':>10} {'in window':>9} {'baseline':>14} {'ranking':>14} "
        f"{'ratio':>6} {'cold':>14} {'warm':>14}"
    )
    slow = False
    try:
        for engine in engines:
            r = run_child(engine, options, work)

            def cell(name: str, r=r) -> str:
                return f"{r[name]['median']:>6.2f} ({r[name]['p90']:>5.2f})"

            ratio = r["ranking"]["median"] / r["baseline"]["median"]
            print(
                f"{engine:<11} {r['rows']:>10,} {r['window_rows']:>9,} {cell('baseline')} "
                f"{cell('ranking')} {ratio:>6.2f} {cell('cold')} {cell('warm')}"
            )
            slow |= r["ranking"]["median"] > 20
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        "\nbaseline = COUNT(*) of the window's rows; ratio = ranking / baseline; "
        "target: ranking ≤ 20 ms."
    )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
