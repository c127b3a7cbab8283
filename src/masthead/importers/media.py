"""Images of an import: found in a media folder, or fetched by URL when asked, once each.

An image is looked up by its URL's path under `--media-dir` (every suffix of the path
is tried, so `https://old.example/wp-content/uploads/2019/05/a.jpg` is found in an
unpacked `uploads/` folder, in `wp-content/`, or in a Ghost export's `content/images/`),
then without WordPress's size suffix (`a-1024x683.jpg` → `a.jpg`). With `--fetch-media`
it is downloaded, through the same address checks as webhooks (distribution/egress.py:
no loopback, private or link-local host; MASTHEAD_WEBHOOK_ALLOWED_HOSTS for exceptions),
size-limited, redirects not followed. Every file is checked like an upload (pixel limit,
damage: core/images_validation.py) before Wagtail sees it. Each URL becomes one image,
remembered across runs (ImportedObject kind "image").
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from masthead.core.images_validation import check_not_damaged, max_image_pixels, read_header

from .report import ImportReport

logger = logging.getLogger("masthead.importers")
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}


def max_fetch_bytes() -> int:
    return int(getattr(settings, "MASTHEAD_IMPORT_MAX_IMAGE_BYTES", 20 * 1024 * 1024))


def fetch_timeout() -> float:
    return float(getattr(settings, "MASTHEAD_IMPORT_FETCH_TIMEOUT", 20))


class MediaStore:
    """`image_id(url, ...)`: the Wagtail image for a URL, or None with a warning."""

    def __init__(self, *, memory, media_dir: str, fetch: bool, dry_run: bool, report: ImportReport):
        self.memory = memory  # writer.Memory
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.fetch = fetch
        self.dry_run = dry_run
        self.report = report
        self.known: dict[str, int | None] = {}

    def image_id(self, url: str, *, source_id: str, title: str = "") -> int | None:
        url = (url or "").strip()
        if not url or url.startswith("data:"):
            return None
        key = url.split("#")[0]
        if key in self.known:
            return self.known[key]
        found = self.memory.object_id("image", key)
        if found is None:
            found = self._import(key, source_id=source_id, title=title)
        self.known[key] = int(found) if found is not None else None
        return self.known[key]

    def _import(self, url: str, *, source_id: str, title: str) -> int | None:
        data, name, why = self._local(url)
        if data is None and self.fetch:
            data, name, why = self._download(url)
        if data is None:
            self.report.count("images_missing")
            self.report.warn(source_id, f"Image not imported ({why}): {url}")
            return None
        try:
            self._check(data)
        except ValidationError as error:
            self.report.count("images_missing")
            self.report.warn(source_id, f"Image not imported ({error.messages[0]}): {url}")
            return None
        self.report.count("images_imported")
        if self.dry_run:
            return None  # found and readable: nothing is stored in a dry run
        image = get_image_model()(
            title=(title or PurePosixPath(name).stem)[:255],
            file=ImageFile(io.BytesIO(data), name=name),
        )
        image.save()
        self.memory.remember("image", url, image)
        return image.pk

    def _check(self, data: bytes) -> None:
        file = io.BytesIO(data)
        header = read_header(file)
        if header.pixels > max_image_pixels():
            raise ValidationError(f"over {max_image_pixels()} pixels")
        check_not_damaged(file, header)

    def _local(self, url: str) -> tuple[bytes | None, str, str]:
        path = unquote(urlsplit(url).path)
        parts = [p for p in PurePosixPath(path).parts if p not in ("/", "..", ".")]
        if not parts:
            return None, "", "no file name in the URL"
        name = parts[-1]
        if self.media_dir is None:
            return None, name, "no --media-dir given, and --fetch-media is off"
        for candidate_parts in (parts, [*parts[:-1], SIZE_SUFFIX.sub("", name)]):
            for start in range(len(candidate_parts)):
                candidate = self.media_dir.joinpath(*candidate_parts[start:]).resolve()
                if candidate.is_relative_to(self.media_dir) and candidate.is_file():
                    return candidate.read_bytes(), candidate.name, ""
        return None, name, f"not found under {self.media_dir}"

    def _download(self, url: str) -> tuple[bytes | None, str, str]:
        import urllib3

        from masthead.distribution import egress

        name = PurePosixPath(unquote(urlsplit(url).path)).name or "image"
        try:
            target = egress.destination(url)
        except egress.RefusedDestination as refused:
            return None, name, str(refused)
        except (OSError, UnicodeError) as error:
            return None, name, f"the host did not resolve: {error}"
        limit = max_fetch_bytes()
        timeout = urllib3.Timeout(connect=fetch_timeout(), read=fetch_timeout())
        why = "no address to connect to"
        for address in target.addresses:
            if target.https:
                import certifi

                pool = urllib3.HTTPSConnectionPool(
                    address,
                    target.port,
                    timeout=timeout,
                    retries=False,
                    server_hostname=target.host,
                    assert_hostname=target.host,
                    cert_reqs="CERT_REQUIRED",
                    ca_certs=certifi.where(),
                )
            else:
                pool = urllib3.HTTPConnectionPool(
                    address, target.port, timeout=timeout, retries=False
                )
            with pool:
                try:
                    response = pool.urlopen(
                        "GET",
                        target.target,
                        redirect=False,
                        headers={"Host": target.host_header},
                        assert_same_host=False,
                        preload_content=False,
                    )
                except urllib3.exceptions.HTTPError as error:
                    why = f"download failed: {error.__class__.__name__}"
                    continue
                try:
                    if response.status != 200:
                        return None, name, f"the server answered HTTP {response.status}"
                    data = response.read(limit + 1)
                finally:
                    response.release_conn()
                if len(data) > limit:
                    return None, name, f"larger than {limit} bytes"
                return data, name, ""
        return None, name, why
