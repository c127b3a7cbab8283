"""Every image size the demo's public pages use, made before the server starts.

Without this the first reader of the home page waited for ~100 resizes (20-30 s): the
`prepare_renditions` tasks that publishing queues only run once a worker is up. The sizes
are made in parallel processes (one per core), listing sizes first, so that the home and
section pages are ready even if the rest is interrupted.
"""

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from django.db import connection, connections
from wagtail.images import get_image_model

from masthead.distribution import images as outgoing
from masthead.news import images as public
from masthead.news.models import ArticlePage, Author

# Which sizes each use of an image needs: the public kinds (news/images.py) and the
# outgoing JPEGs (distribution/images.py: social cards, structured data, feeds).
LISTING = {"hero": ("card", "thumb"), "photo": ("portrait",), "body": ()}
DETAIL = {
    "hero": (("hero",), (outgoing.SHARE, *outgoing.STRUCTURED_DATA, outgoing.BODY)),
    "photo": ((), (outgoing.PORTRAIT,)),
    "body": (("body",), (outgoing.BODY,)),
}


def image_uses() -> dict[int, set[str]]:
    """Image id → how the public site shows it: "hero", "body" or "photo"."""
    uses: dict[int, set[str]] = {}
    for page in ArticlePage.objects.live().only("pk", "hero_image_id", "body"):
        if page.hero_image_id:
            uses.setdefault(page.hero_image_id, set()).add("hero")
        for block in page.body.raw_data:
            if block["type"] == "image" and block["value"].get("image"):
                uses.setdefault(block["value"]["image"], set()).add("body")
    for photo_id in Author.objects.exclude(photo=None).values_list("photo_id", flat=True):
        uses.setdefault(photo_id, set()).add("photo")
    return uses


def _prepare(job: tuple[int, tuple[str, ...], tuple[str, ...]]) -> int:
    image_id, kinds, specs = job
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0
    filters = [f for kind in kinds for f in public.filters_for(kind)]
    filters += [outgoing._filter(spec) for spec in specs]
    if filters:
        image.get_renditions(*filters)
    return len(filters)


def jobs(uses: dict[int, set[str]]) -> list[tuple[int, tuple[str, ...], tuple[str, ...]]]:
    listing, detail = [], []
    for image_id, how in sorted(uses.items()):
        listing.append((image_id, tuple(k for u in sorted(how) for k in LISTING[u]), ()))
        kinds = tuple(k for u in sorted(how) for k in DETAIL[u][0])
        specs = tuple(dict.fromkeys(s for u in sorted(how) for s in DETAIL[u][1]))
        detail.append((image_id, kinds, specs))
    return [j for j in listing + detail if j[1] or j[2]]


def prepare_demo_renditions(*, progress: Callable[[str], None] = print,
                            processes: int | None = None) -> int:  # fmt: skip
    """Make every size the public pages and feeds use; returns how many sizes were asked
    for (existing ones are found, not made again)."""
    todo = jobs(image_uses())
    processes = processes or max(1, min(4, os.cpu_count() or 1))
    if processes == 1 or connection.in_atomic_block:  # a transaction cannot be forked
        return sum(_prepare(job) for job in todo)
    connections.close_all()  # forked children must not share the parent's connection
    done = 0
    context = get_context("fork")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        for n, count in enumerate(pool.map(_prepare, todo, chunksize=4), 1):
            done += count
            if n % 50 == 0 or n == len(todo):
                progress(f"  image sizes: {n}/{len(todo)} images")
    return done
