"""Import speed: a generated WordPress export imported into a throwaway newsroom.

Generates a WXR 1.2 file of N posts (default 10,000) of realistic length (400-1,200
words in 6-16 paragraphs, a heading, an inline image in every third post, a featured
image for every post, 2 of 30 authors, one of 12 categories, 3 of 200 tags), then
measures, each in its own process (peak RSS is that process's own):

- baseline: the raw streaming parse alone (check + every post record), and the parse
  with every body converted to blocks (no database);
- the import itself (`import_wordpress FILE`, without media: images are warned about),
  on SQLite and, with --postgres, on PostgreSQL: posts/s and peak RSS.

--large-mb M also writes an export of about M megabytes and reads it with the parser
(check + posts, the part that could hold a file in memory), to show memory stays bounded.

Target (issue 15): >= 50 posts/s on SQLite without media; a 1 GB WXR under 400 MB.

    python -m bench.import_speed [--posts 10000] [--postgres] [--large-mb 1024] [--keep]
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
WORDS = (
    "council city harbour tram budget school vote mayor street river police court housing "
    "water transit plan report residents business market workers season library park "
    "project funding election district board public local year week today officials said "
    "the a of and to in for on with at by from that this which were have has will new"
).split()
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench Courier</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url>
"""


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, post_id: int) -> str:
    paragraphs = []
    for i in range(rng.randint(6, 16)):
        text = " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 6)))
        paragraphs.append(f"<p>{text} <strong>{rng.choice(WORDS)}</strong></p>")
        if i == 2:
            paragraphs.append(f"<h2>{sentence(rng, 5)}</h2>")
        if i == 3 and post_id % 3 == 0:
            paragraphs.append(
                f'<figure><img src="https://bench.example/wp-content/uploads/2020/01/'
                f'inline-{post_id}.jpg" alt="{sentence(rng, 4)}"><figcaption>'
                f"{sentence(rng, 6)}</figcaption></figure>"
            )
    return "\n".join(paragraphs)


def item(rng: random.Random, post_id: int) -> str:
    authors = rng.sample(range(30), 2)
    tags = "".join(
        f'<category domain="post_tag" nicename="tag-{t}"><![CDATA[Tag {t}]]></category>'
        for t in rng.sample(range(200), 3)
    )
    day = 1 + post_id % 28
    return f"""<item><title>{sentence(rng, 8)}</title>
<link>https://bench.example/2020/01/{day:02d}/post-{post_id}/</link>
<dc:creator>author{authors[0]}</dc:creator>
<content:encoded><![CDATA[{body(rng, post_id)}]]></content:encoded>
<excerpt:encoded><![CDATA[{sentence(rng, 20)}]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2020-01-{day:02d} 12:00:00</wp:post_date_gmt>
<wp:post_name>post-{post_id}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category" nicename="cat-{post_id % 12}"><![CDATA[Category {post_id % 12}]]></category>
<category domain="author" nicename="author{authors[0]}">A</category>
<category domain="author" nicename="author{authors[1]}">B</category>{tags}
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{10_000_000 + post_id}</wp:meta_value></wp:postmeta>
</item>
<item><title>hero {post_id}</title><wp:post_id>{10_000_000 + post_id}</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:post_parent>{post_id}</wp:post_parent>
<wp:attachment_url>https://bench.example/wp-content/uploads/2020/01/hero-{post_id}.jpg</wp:attachment_url>
</item>
"""  # noqa: E501


def generate(path: Path, *, posts: int = 0, megabytes: int = 0) -> int:
    rng = random.Random(15)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for a in range(30):
            out.write(
                f"<wp:author><wp:author_login>author{a}</wp:author_login>"
                f"<wp:author_display_name>Author {a}</wp:author_display_name></wp:author>\n"
            )
        n = 0
        while (posts and n < posts) or (megabytes and out.tell() < megabytes * 1024 * 1024):
            n += 1
            out.write(item(rng, n))
        out.write("</channel></rss>\n")
    return n


# --- measured in child processes ---


def child_parse(path: str, convert: bool) -> dict:
    import django

    django.setup()
    from masthead.importers.html_blocks import BodyConverter
    from masthead.importers.wordpress import WordPressSource

    start = time.perf_counter()
    source = WordPressSource(path)
    source.check()
    converter = BodyConverter(resolve_image=lambda src: None, warn=lambda m: None)
    n = 0
    for post in source.posts():
        if convert:
            converter.convert(post.body_html)
        n += 1
    return {"posts": n, "seconds": time.perf_counter() - start}


def measured(argv: list[str], env: dict) -> tuple[str, float, int]:
    """Run argv; its output, wall seconds and peak RSS (MB) of that process alone."""
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(r.stdout); print(r.stderr[-3000:], file=sys.stderr); "
        "print('@@', time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *argv], env=env,
                          capture_output=True, text=True)  # fmt: skip
    tail = done.stdout.strip().splitlines()[-1].split()
    if tail[0] != "@@" or tail[3] != "0":
        raise RuntimeError(f"{argv} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout, float(tail[1]), int(tail[2]) // 1024


def newsroom_env(var: Path, database_url: str | None) -> dict:
    env = {**os.environ, "MASTHEAD_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE":
           "masthead.settings.dev", "MASTHEAD_PREPARE_RENDITIONS": "0"}  # fmt: skip
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


SETUP = (
    "from wagtail.models import Page, Site; from masthead.news.models import HomePage, "
    "SectionPage; root = Page.get_first_root_node(); [p.delete() for p in root.get_children()]; "
    "home = root.add_child(instance=HomePage(title='Home', slug='home')); "
    "Site.objects.all().delete(); Site.objects.create(hostname='localhost', root_page=home, "
    "is_default_site=True); s = home.add_child(instance=SectionPage(title='News', slug='news'));"
    " s.save_revision().publish()"
)


def import_run(path: Path, tmp: Path, label: str, database_url: str | None) -> dict:
    var = tmp / f"var-{label}"
    env = newsroom_env(var, database_url)
    manage = [sys.executable, "-m", "masthead.cli", "manage"]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True)
    out, seconds, rss = measured([*manage, "import_wordpress", str(path)], env)
    created = next(int(line.split()[-1]) for line in out.splitlines()
                   if "articles created" in line)  # fmt: skip
    return {"posts": created, "seconds": seconds, "rss": rss}


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--large-mb", type=int, default=0)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child-parse", nargs=2, metavar=("FILE", "CONVERT"))
    args = parser.parse_args()
    if args.child_parse:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.test")
        print(json.dumps(child_parse(args.child_parse[0], args.child_parse[1] == "1")))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="masthead-import-bench-"))
    try:
        return run(args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_row(path: Path, convert: bool) -> tuple[dict, int]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings.test"}
    argv = [sys.executable, "-m", "bench.import_speed", "--child-parse", str(path),
            "1" if convert else "0"]  # fmt: skip
    out, _, rss = measured(argv, env)
    return json.loads(out.strip().splitlines()[0]), rss


def run(args, tmp: Path) -> int:
    path = tmp / "export.xml"
    n = generate(path, posts=args.posts)
    size = path.stat().st_size / 1024 / 1024
    print(f"Generated {n} posts, {size:.1f} MB WXR (featured image and author bylines each)")
    rows = []
    for convert, label in ((False, "baseline: raw parse alone"),
                           (True, "baseline: parse + bodies to blocks")):  # fmt: skip
        result, rss = parse_row(path, convert)
        rows.append((label, result["posts"], result["seconds"], rss))
    result = import_run(path, tmp, "sqlite", None)
    rows.append(("import_wordpress, SQLite", result["posts"], result["seconds"], result["rss"]))
    if args.postgres:
        name = f"masthead_import_bench_{os.getpid()}"
        admin = PG_ADMIN_URL
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        try:
            url = admin.rsplit("/", 1)[0] + f"/{name}"
            result = import_run(path, tmp, "pg", url)
            rows.append(("import_wordpress, PostgreSQL", result["posts"], result["seconds"],
                         result["rss"]))  # fmt: skip
        finally:
            subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"])
    print(f"\n{'what':40} {'posts':>7} {'seconds':>8} {'posts/s':>8} {'peak RSS MB':>12}")
    for label, posts, seconds, rss in rows:
        print(f"{label:40} {posts:7d} {seconds:8.1f} {posts / seconds:8.1f} {rss:12d}")
    if args.large_mb:
        large = tmp / "large.xml"
        count = generate(large, megabytes=args.large_mb)
        result, rss = parse_row(large, False)
        mb = large.stat().st_size / 1024 / 1024
        print(f"\nLarge export: {mb:.0f} MB, {count} posts: parsed in {result['seconds']:.0f} s, "
              f"peak RSS {rss} MB")  # fmt: skip
        large.unlink()
    print("\nTarget: >= 50 posts/s on SQLite without media; a 1 GB WXR under 400 MB RSS.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
