"""Page weight: an article page at 390 px in headless Chromium, bytes on the wire.

Builds a throwaway demo newsroom, collects the static files the way production does
(whitenoise's CompressedManifestStaticFilesStorage: .gz and .br next to each file),
starts `masthead serve` and opens an article page in the system Chromium (Playwright)
at 390 × 844 CSS px, device scale 3 (a phone), as a first visit (empty browser cache).
Prints every response: its type, the bytes transferred (headers + encoded body, as the
browser received them) and the content encoding, then the totals. The baseline of the
same run: the same page fetched without Accept-Encoding (as sent before compression).

Target (issue 14): ≤ 50 KB on the wire and ≤ 8 requests.

    python -m bench.page_weight
"""

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


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="masthead-page-weight-"))
    (work / "bench_settings.py").write_text(SETTINGS)
    env = env_for(work / "var", DJANGO_SETTINGS_MODULE="bench_settings")
    env["PYTHONPATH"] = f"{work}:{env.get('PYTHONPATH', '')}"
    print("Loading a demo newsroom for the benchmark ...", flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    server = start(env, "serve", "--port", str(PORT), "--workers", "1")
    url = f"http://127.0.0.1:{PORT}/news/{SLUG}/"
    try:
        wait_for(url)
        uncompressed = len(urllib.request.urlopen(url).read())
        rows = measure(url)
    finally:
        stop(server)
    print(f"\narticle page at 390 px (device scale 3), first visit, {len(rows)} requests:")
    print(f"{'type':11}{'bytes':>9} {'enc':6} url")
    for row in rows:
        print(f"{row['type']:11}{row['bytes']:>9} {row['encoding']:6} {row['url'][:90]}")
    total = sum(r["bytes"] for r in rows)
    html = next((r["bytes"] for r in rows if r["type"] == "document"), 0)
    print(f"total {total / 1024:.1f} KB on the wire in {len(rows)} requests; the HTML "
          f"{html / 1024:.1f} KB (baseline, same run: {uncompressed / 1024:.1f} KB "
          "uncompressed)")  # fmt: skip
    print("targets: ≤ 50 KB, ≤ 8 requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
