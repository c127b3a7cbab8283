"""Export files uploaded on the admin's Import screen: checked, then kept privately.

An upload is refused before it is stored when it is too big
(`MASTHEAD_IMPORT_UPLOAD_MAX_MB`, default 512), empty, or neither a WordPress export
(XML, `.xml`) nor a Ghost export (JSON, `.json`), judged by its first bytes as well as
its name. Accepted files go to `MASTHEAD_IMPORT_UPLOAD_DIR` (default `var/imports/`),
readable by the server's user only and never under MEDIA_ROOT: an export holds e-mail
addresses and drafts that were never public. The background task reads the file from
there (the worker must see the same folder), and the full check of the export (valid
XML or JSON, a real export, a supported version) happens in the dry run, whose report
shows what is wrong and where.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError

DEFAULT_MAX_MB = 512
KINDS = {".xml": "wordpress", ".json": "ghost"}
KIND_LABELS = {"wordpress": "WordPress", "ghost": "Ghost"}


def max_upload_bytes() -> int:
    return int(getattr(settings, "MASTHEAD_IMPORT_UPLOAD_MAX_MB", DEFAULT_MAX_MB)) * 1048576


def upload_dir() -> Path:
    folder = Path(
        getattr(settings, "MASTHEAD_IMPORT_UPLOAD_DIR", "") or settings.VAR_DIR / "imports"
    )
    folder = folder.resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    if folder == media or media in folder.parents:
        raise ImproperlyConfigured("MASTHEAD_IMPORT_UPLOAD_DIR must not be inside MEDIA_ROOT")
    return folder


def sniff_kind(upload) -> str:
    """'wordpress' or 'ghost' for an uploaded file, or ValidationError saying why not."""
    if upload.size > max_upload_bytes():
        raise ValidationError(
            f"The file is {upload.size / 1048576:.0f} MB; the limit is "
            f"{max_upload_bytes() // 1048576} MB (MASTHEAD_IMPORT_UPLOAD_MAX_MB)."
        )
    suffix = Path(upload.name or "").suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        raise ValidationError(
            "Upload the export as it was downloaded: a WordPress export ends in .xml, "
            "a Ghost export in .json."
        )
    upload.seek(0)
    head = upload.read(2048).lstrip(b"\xef\xbb\xbf \t\r\n")
    upload.seek(0)
    if not head:
        raise ValidationError("The file is empty.")
    expected = b"<" if kind == "wordpress" else b"{"
    if not head.startswith(expected):
        what = "an XML file (WordPress export)" if kind == "wordpress" else "a JSON file"
        raise ValidationError(
            f"This .{suffix[1:]} file is not {what}: its content does not match its name."
        )
    return kind


def store_upload(upload, kind: str) -> str:
    """The private path the upload was written to (owner-only permissions)."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{uuid.uuid4().hex}{'.xml' if kind == 'wordpress' else '.json'}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return str(path)


def display_name(upload) -> str:
    return Path(upload.name or "export").name[:255]
