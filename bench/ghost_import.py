"""Ghost import speed: a generated Ghost 5 export imported into a throwaway newsroom.

Generates a Ghost 5 JSON export of N posts (default 10,000) as Ghost writes them: a
`lexical` body of realistic length (400-1,200 words in 6-16 paragraphs, a heading, a
quote, an image card in every third post), the same body again as `html` and as
`plaintext`, a feature image, 2 of 30 authors in `posts_authors`, 3 of 200 tags, and a
`posts_meta` row. Then measures, each in its own process (peak RSS is that process's):

- baseline: the parse alone (`GhostSource.check()` and every post record, bodies
  converted from lexical to HTML), and the same with every body turned into blocks;
- the import itself (`import_ghost FILE --section news`, without media: images are
  warned about) on SQLite and, with --postgres, on PostgreSQL: posts/s and peak RSS.

A Ghost export is read whole with `json` (importers/ghost.py), so the parse's memory
grows with the file: the figures say by how much.

Target (issue 15): >= 50 posts/s on SQLite without media.

    python -m bench.ghost_import [--posts 10000] [--import-posts N] [--postgres] [--keep]
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The WordPress benchmark's vocabulary, newsroom setup and environment, shared.
from bench.import_speed import PG_ADMIN_URL, SETUP, WORDS, newsroom_env, sentence


def text(value: str, fmt: int = 0) -> dict:
    return {"type": "text", "text": value, "format": fmt, "detail": 0, "mode": "normal",
            "style": "", "version": 1}  # fmt: skip


def post(rng: random.Random, n: int) -> tuple[dict, list[dict], list[dict], dict]:
    nodes, html = [], []
    for i in range(rng.randint(6, 16)):
        para = " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 6)))
        word = rng.choice(WORDS)
        nodes.append({"type": "paragraph", "children": [text(para + " "), text(word, 1)]})
        html.append(f"<p>{para} <strong>{word}</strong></p>")
        if i == 2:
            heading = sentence(rng, 5)
            nodes.append({"type": "heading", "tag": "h2", "children": [text(heading)]})
            html.append(f"<h2>{heading}</h2>")
        if i == 4:
            quote = sentence(rng, 12)
            nodes.append({"type": "quote", "children": [text(quote)]})
            html.append(f"<blockquote>{quote}</blockquote>")
        if i == 3 and n % 3 == 0:
            src = f"__GHOST_URL__/content/images/2024/01/inline-{n}.jpg"
            nodes.append({"type": "image", "src": src, "alt": sentence(rng, 4),
                          "caption": sentence(rng, 6)})  # fmt: skip
            html.append(f'<figure><img src="{src}"></figure>')
    pid = f"p{n}"
    row = {
        "id": pid, "uuid": f"u-{n}", "title": sentence(rng, 8), "slug": f"post-{n}",
        "type": "post", "status": "published", "visibility": "public", "featured": n % 50 == 0,
        "published_at": f"2024-01-{1 + n % 28:02d}T12:00:00.000Z",
        "updated_at": f"2024-02-{1 + n % 28:02d}T12:00:00.000Z",
        "custom_excerpt": sentence(rng, 20), "mobiledoc": None,
        "lexical": json.dumps({"root": {"type": "root", "children": nodes}}),
        "html": "".join(html), "plaintext": " ".join(h for h in html),
        "feature_image": f"__GHOST_URL__/content/images/2024/01/hero-{n}.jpg",
    }  # fmt: skip
    authors = [{"id": f"pa{n}-{i}", "post_id": pid, "author_id": f"a{a}", "sort_order": i}
               for i, a in enumerate(rng.sample(range(30), 2))]  # fmt: skip
    tags = [{"id": f"pt{n}-{i}", "post_id": pid, "tag_id": f"t{t}", "sort_order": i}
            for i, t in enumerate(rng.sample(range(200), 3))]  # fmt: skip
    meta = {"id": f"m{n}", "post_id": pid, "meta_title": row["title"][:60],
            "feature_image_alt": sentence(rng, 5)}  # fmt: skip
    return row, authors, tags, meta


def generate(path: Path, posts: int) -> None:
    rng = random.Random(15)
    data = {"posts": [], "posts_authors": [], "posts_tags": [], "posts_meta": [],
            "users": [{"id": f"a{a}", "name": f"Author {a}", "slug": f"author-{a}",
                       "password": "x", "email": f"a{a}@bench.example"} for a in range(30)],
            "tags": [{"id": f"t{t}", "name": f"Tag {t}", "slug": f"tag-{t}"}
                     for t in range(200)]}  # fmt: skip
    for n in range(1, posts + 1):
        row, authors, tags, meta = post(rng, n)
        data["posts"].append(row)
        data["posts_authors"] += authors
        data["posts_tags"] += tags
        data["posts_meta"].append(meta)
    document = {"db": [{"meta": {"exported_on": 0, "version": "5.80.0"}, "data": data}]}
    path.write_text(json.dumps(document))


def child_parse(path: str, convert: bool) -> dict:
    import django

    django.setup()
    from masthead.importers.ghost import GhostSource
    from masthead.importers.html_blocks import BodyConverter

    start, cpu = time.perf_counter(), time.process_time()
    source = GhostSource(path)
    source.check()
    converter = BodyConverter(resolve_image=lambda src: None, warn=lambda m: None)
    n = 0
    for record in source.posts():
        if convert:
            converter.convert(record.body_html)
        n += 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"posts": n, "seconds": time.perf_counter() - start, "rss": usage.ru_maxrss // 1024,
            "cpu": time.process_time() - cpu}  # fmt: skip


def measured(argv: list[str], env: dict) -> tuple[str, float, int, float]:
    """Run argv; its output, wall seconds, peak RSS (MB) and CPU seconds of that process."""
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(r.stdout); print(r.stderr[-3000:], file=sys.stderr); "
        "print('@@', time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime "
        "+ resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime)"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *argv], env=env,
                          capture_output=True, text=True)  # fmt: skip
    tail = done.stdout.strip().splitlines()[-1].split()
    if tail[0] != "@@" or tail[3] != "0":
        raise RuntimeError(f"{argv} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout, float(tail[1]), int(tail[2]) // 1024, float(tail[4])


def import_run(path: Path, tmp: Path, label: str, database_url: str | None) -> dict:
    env = newsroom_env(tmp / f"var-{label}", database_url)
    manage = [sys.executable, "-m", "masthead.cli", "manage"]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, capture_output=True)
    argv = [*manage, "import_ghost", str(path), "--section", "news"]
    out, seconds, rss, cpu = measured(argv, env)
    created = next(int(line.split()[-1]) for line in out.splitlines()
                   if "articles created" in line)  # fmt: skip
    return {"posts": created, "seconds": seconds, "rss": rss, "cpu": cpu}


def parse_run(path: Path, convert: bool) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "masthead.settings.test"}
    argv = [sys.executable, "-m", "bench.ghost_import", "--child-parse", str(path),
            "1" if convert else "0"]  # fmt: skip
    out = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def line(label: str, result: dict) -> None:
    """Wall-clock rate, and the rate per CPU second (steadier on a shared machine)."""
    rate = result["posts"] / max(result["seconds"], 1e-9)
    cpu_rate = result["posts"] / max(result["cpu"], 1e-9)
    print(f"{label:<44} {result['posts']:>6} posts {result['seconds']:>7.1f} s {rate:>6.0f}/s "
          f"{cpu_rate:>6.0f}/cpu-s {result['rss']:>5} MB peak", flush=True)  # fmt: skip


def generated(path: Path, posts: int) -> None:
    """In a process of its own: the export is built in memory, and a child forked from a
    big parent would start its peak RSS at the parent's size."""
    argv = [sys.executable, "-m", "bench.ghost_import", "--generate", str(path), str(posts)]
    subprocess.run(argv, check=True)


def run(args, tmp: Path) -> int:
    big = tmp / "ghost-big.json"
    generated(big, args.posts)
    print(f"Generated a Ghost 5 export of {args.posts} posts: {big.stat().st_size / 1e6:.0f} MB")
    line("baseline: parse to records (lexical → HTML)", parse_run(big, convert=False))
    line("parse + bodies to blocks (no database)", parse_run(big, convert=True))
    small = tmp / "ghost-import.json"
    generated(small, args.import_posts or args.posts)
    line("import_ghost on SQLite (no media)", import_run(small, tmp, "sqlite", None))
    if args.postgres:
        name = f"masthead_bench_ghost_{os.getpid()}"
        admin = [sys.executable, "-c", "import psycopg, sys; c = psycopg.connect(sys.argv[1], "
                 "autocommit=True); c.execute(sys.argv[2])", PG_ADMIN_URL]  # fmt: skip
        subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True)
        try:
            url = f"postgres://postgres@127.0.0.1:5432/{name}"
            line("import_ghost on PostgreSQL (no media)", import_run(small, tmp, "pg", url))
        finally:
            subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name}"], check=False)
    print("Target: >= 50 posts/s on SQLite without media (issue 15).")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument(
        "--import-posts", type=int, default=0, help="posts imported (default: --posts)"
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child-parse", nargs=2, metavar=("FILE", "CONVERT"))
    parser.add_argument("--generate", nargs=2, metavar=("FILE", "POSTS"))
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate[0]), int(args.generate[1]))
        return 0
    if args.child_parse:
        print(json.dumps(child_parse(args.child_parse[0], args.child_parse[1] == "1")))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="masthead-ghost-bench-"))
    try:
        return run(args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
