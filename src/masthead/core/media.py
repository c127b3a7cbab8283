"""Serves uploaded media on one machine, with HTTP Range support.

Browsers need byte ranges to seek in audio; Django's static `serve` view has none.
Behind a CDN or S3 (MASTHEAD_SERVE_MEDIA=0) this view is not used.

Not every file is for everyone. Documents are served only by Wagtail's document view
(/documents/<id>/<name>, WAGTAILDOCS_SERVE_METHOD = "serve_view"), which checks the
collection's privacy: here they are not found. Other prefixes may have a guard,
registered by the app that knows who may read them (masthead/pages registers the
narration files'); a guard answers PUBLIC, PRIVATE (served, never from a shared cache)
or None (not found, as for a file that does not exist).
"""

import mimetypes
import os
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
MAX_AGE = 86400
PUBLIC, PRIVATE = "public", "private"
REFUSED_PREFIXES = ("documents/",)  # Wagtail's documents: its serve view checks privacy

_guards: dict[str, Callable[[HttpRequest, str], str | None]] = {}


def register_guard(prefix: str, guard: Callable[[HttpRequest, str], str | None]) -> None:
    """`guard(request, path)` decides who may download files under `prefix`."""
    _guards[prefix] = guard


def _access(request: HttpRequest, path: str) -> str | None:
    if path.startswith(REFUSED_PREFIXES):
        return None
    for prefix, guard in _guards.items():
        if path.startswith(prefix):
            return guard(request, path)
    return PUBLIC


def _file(path: str) -> Path:
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except ValueError as error:  # a path outside MEDIA_ROOT
        raise Http404 from error
    if not full.is_file():
        raise Http404
    return full


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    match = RANGE_RE.match(header.strip())
    if not match or (not match[1] and not match[2]):
        return None
    if match[1]:
        start, end = int(match[1]), int(match[2]) if match[2] else size - 1
    else:
        start, end = max(0, size - int(match[2])), size - 1
    return (start, min(end, size - 1)) if start <= end and start < size else (size, size)


@require_safe
def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    full = _file(path)
    # The normalised name (no "./" or "//" tricks past the prefixes), as storage has it.
    name = Path(os.path.relpath(full, os.path.abspath(settings.MEDIA_ROOT))).as_posix()
    access = _access(request, name)
    if access is None:
        raise Http404
    stat = full.stat()
    content_type = mimetypes.guess_type(full.name)[0] or "application/octet-stream"
    requested = _byte_range(request.headers.get("Range", ""), stat.st_size)
    if requested == (stat.st_size, stat.st_size):
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{stat.st_size}"
        return response
    handle = full.open("rb")
    if requested:
        start, end = requested
        handle.seek(start)
        response = FileResponse(_limited(handle, end - start + 1), status=206,
                                content_type=content_type)  # fmt: skip
        response["Content-Range"] = f"bytes {start}-{end}/{stat.st_size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(handle, content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = http_date(stat.st_mtime)
    if access == PRIVATE:
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _limited(handle, length: int, block: int = 65536):
    try:
        while length > 0:
            data = handle.read(min(block, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()
