"""Page weight: an article page at 390 px in headless Chromium, bytes on the wire.

Builds a throwaway demo newsroom, collects the static files the way production does
(whitenoise's CompressedManifestStaticFilesStorage: .gz and .br next to each file),
starts `masthead serve` and opens an article page in the system Chromium (Playwright)
at 390 × 844 CSS px, device scale 3 (a phone), as a first visit (empty browser cache).
Prints every response: its type, the bytes transferred (headers + encoded body, as the
browser received them) and the content encoding, then the totals. The baseline of the
same run: the same page fetched without Accept-Encoding (as sent before compression).

Without Chromium (/usr/bin/chromium), only an estimate is printed: the document and what
its HTML asks for at once (stylesheets, scripts, the icon, images not marked
loading="lazy", the srcset candidate a 390 px, scale-3 screen picks), each fetched with
`Accept-Encoding: gzip, deflate, br` and counted with its headers. The estimate is printed
with Chromium too, beside the real figures.

Target (issue 14): ≤ 50 KB on the wire and ≤ 8 requests.

    python -m bench.page_weight [--work DIR]   # DIR: a previous run's, kept, to skip the demo load
"""

import http.client
import os
import re
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench.soak import env_for, manage, start, stop, wait_for

PORT = 8194
SLUG = "old-quay-warehouse-fire-cause-disputed"
SETTINGS = """
from masthead.settings.dev import *  # noqa: F403
WHITENOISE_USE_FINDERS = False
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
"""


def measure(url: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from chromium import CHROMIUM, CHROMIUM_ARGS

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844},
                                          device_scale_factor=3, is_mobile=True)  # fmt: skip
            page = context.new_page()
            responses = []
            page.on("response", responses.append)
            page.goto(url, wait_until="load")
            page.wait_for_load_state("networkidle")
            for response in responses:
                sizes = response.request.sizes()
                rows.append({
                    "url": response.url.removeprefix(f"http://127.0.0.1:{PORT}"),
                    "type": response.request.resource_type,
                    "bytes": sizes["responseHeadersSize"] + sizes["responseBodySize"],
                    "encoding": response.headers.get("content-encoding", "-"),
                })  # fmt: skip
        finally:
            browser.close()
    return rows


WIDTH, SCALE = 390, 3


def fetch(path: str) -> tuple[int, str, bytes]:
    """(bytes on the wire: status line, headers and body; Content-Encoding; the body)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip, deflate, br"})
        response = connection.getresponse()
        body = response.read()
        head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + sum(
            len(f"{k}: {v}\r\n") for k, v in response.getheaders()
        )
        return head + 2 + len(body), response.getheader("Content-Encoding", "-"), body
    finally:
        connection.close()


def slot_width(sizes: str) -> float:
    """The width a `sizes` attribute gives at 390 px (media conditions on min/max-width)."""
    for entry in (e.strip() for e in sizes.split(",")):
        condition, _, length = entry.rpartition(" ")
        low = re.search(r"min-width:\s*(\d+)px", condition)
        high = re.search(r"max-width:\s*(\d+)px", condition)
        if (low and WIDTH < int(low[1])) or (high and WIDTH > int(high[1])):
            continue
        if length.endswith("vw"):
            return WIDTH * float(length[:-2]) / 100
        return float(length.removesuffix("px") or WIDTH)
    return WIDTH


def pick(srcset: str, sizes: str) -> str:
    candidates = []
    for item in srcset.split(","):
        url, _, descriptor = item.strip().partition(" ")
        candidates.append((int(descriptor.strip().rstrip("w") or 0), url))
    wanted = slot_width(sizes) * SCALE
    fitting = sorted(c for c in candidates if c[0] >= wanted)
    return (fitting[0] if fitting else max(candidates))[1]


def estimate(path: str) -> list[dict]:
    from bs4 import BeautifulSoup

    size, encoding, body = fetch(path)
    rows = [{"url": path, "type": "document", "bytes": size, "encoding": encoding}]
    html = urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}").read().decode()
    soup = BeautifulSoup(html, "html.parser")
    wanted = [("stylesheet", link["href"]) for link in soup.select("link[rel~=stylesheet]")]
    wanted += [("script", script["src"]) for script in soup.select("script[src]")]
    wanted += [("image", link["href"]) for link in soup.select("link[rel~=icon]")]
    for img in soup.select("img"):
        if img.get("loading") == "lazy":
            continue
        source = img.find_previous_sibling("source", type="image/webp")
        srcset = (source or img).get("srcset")
        sizes = (source or img).get("sizes") or img.get("sizes") or f"{WIDTH}px"
        wanted.append(("image", pick(srcset, sizes) if srcset else img["src"]))
    for kind, url in wanted:
        size, encoding, _ = fetch(url)
        rows.append({"url": url, "type": kind, "bytes": size, "encoding": encoding})
    return rows


def report(title: str, rows: list[dict]) -> None:
    print(f"\n{title}, {len(rows)} requests:")
    print(f"{'type':11}{'bytes':>9} {'enc':6} url")
    for row in rows:
        print(f"{row['type']:11}{row['bytes']:>9} {row['encoding']:6} {row['url'][:90]}")
    total = sum(r["bytes"] for r in rows)
    print(f"total {total / 1024:.1f} KB on the wire in {len(rows)} requests")


def main() -> int:
    import argparse
    import shutil

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", help="a kept directory of an earlier run (demo loaded)")
    args = parser.parse_args()
    reuse = bool(args.work)
    work = Path(args.work) if reuse else Path(tempfile.mkdtemp(prefix="masthead-page-weight-"))
    (work / "bench_settings.py").write_text(SETTINGS)
    env = env_for(work / "var", DJANGO_SETTINGS_MODULE="bench_settings")
    env["PYTHONPATH"] = f"{work}:{env.get('PYTHONPATH', '')}"
    print("Loading a demo newsroom for the benchmark ...", flush=True)
    if not reuse:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    server = start(env, "serve", "--port", str(PORT), "--workers", "1")
    url = f"http://127.0.0.1:{PORT}/news/{SLUG}/"
    browser_rows = None
    try:
        wait_for(url)
        uncompressed = len(urllib.request.urlopen(url).read())
        guessed = estimate(url.removeprefix(f"http://127.0.0.1:{PORT}"))
        if os.path.exists("/usr/bin/chromium"):
            browser_rows = measure(url)
    finally:
        stop(server)
        if not reuse:
            shutil.rmtree(work, ignore_errors=True)
    if browser_rows is None:
        print("\n/usr/bin/chromium is not installed: the estimate only")
    else:
        report("article page at 390 px (device scale 3) in Chromium, first visit", browser_rows)
    report("estimate from the HTML (what it asks for at once, at 390 px, scale 3)", guessed)
    print(
        f"baseline, same run: the HTML alone uncompressed {uncompressed / 1024:.1f} KB, "
        f"as sent now {guessed[0]['bytes'] / 1024:.1f} KB ({guessed[0]['encoding']})"
    )
    print("targets: ≤ 50 KB, ≤ 8 requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
