"""WSGI entry point: Django behind the in-process page cache (core/page_cache.py).

Before Django loads, glibc's malloc is told to give large blocks (≥ 1 MiB) their own
mappings, returned to the system when freed (see `return_large_blocks`).
"""

import ctypes
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.dev")

M_MMAP_THRESHOLD = -3  # glibc's mallopt() parameter number (malloc.h)
MMAP_THRESHOLD = 1024 * 1024


def return_large_blocks(threshold: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at `threshold` bytes; True when it was set.

    glibc starts at 128 KiB and raises the threshold to the size of every mmapped block
    freed (up to 32 MiB). A web worker that once resizes an image (Pillow frees a
    multi-MB buffer; a page's first render can create renditions, on three threads)
    then takes such buffers from its heaps, where they stay resident after being freed
    (with the demo: workers at 145-176 MB after a first render of three pages, instead
    of ~130 MB). Setting the threshold also turns that adjustment off. Skipped when
    MALLOC_MMAP_THRESHOLD_ is set (the operator chose); a no-op without glibc's mallopt
    (macOS; musl ignores it).
    """
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):  # no mallopt; no C library to open
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, threshold) == 1


return_large_blocks()

from masthead.core.page_cache import PageCacheApp  # noqa: E402

application = PageCacheApp(get_wsgi_application())
