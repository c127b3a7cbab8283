"""`masthead manage restore PATH`: put a backup (core/backup.py) into an empty var dir.

Every file is checked against the manifest's SHA-256 before anything is installed. After
the database is in place it is migrated (an older backup on newer code), webhook
deliveries are paused (a copy must not send the original's deliveries again; resume them
with `masthead manage webhooks resume`), and the task queue is emptied unless asked to
keep it (the copy's tasks belong to the original's workers).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from .backup import (
    CHUNK,
    FORMAT,
    KIND,
    MANIFEST,
    SECRET_FILE,
    BackupError,
    Progress,
    engine,
    media_is_local,
    pg_environment,
    require,
    secret_key_path,
)


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        handle = tar.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("Not a Masthead backup: there is no manifest.json in it.") from None
    manifest = json.load(handle)
    if manifest.get("kind") != KIND or manifest.get("format") != FORMAT:
        raise BackupError(
            f"Not a backup this version can read (kind {manifest.get('kind')!r}, "
            f"format {manifest.get('format')!r}; this reads {KIND!r} format {FORMAT})."
        )
    return manifest


def what_is_there() -> list[str]:
    """What a restore would overwrite: a database with tables, media files."""
    found = []
    if engine() == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        if path.exists() and path.stat().st_size:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                tables = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='table'")
                if tables.fetchone()[0]:
                    found.append(f"a database at {path}")
            finally:
                db.close()
    else:
        with connection.cursor() as cursor:
            if connection.introspection.table_names(cursor):
                name = settings.DATABASES["default"]["NAME"]
                found.append(f"tables in the PostgreSQL database {name}")
    if media_is_local():
        root = Path(settings.MEDIA_ROOT)
        if root.exists() and any(p.is_file() for p in root.rglob("*")):
            found.append(f"media files under {root}")
    return found


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"Refusing a file with an unsafe name in the backup: {name!r}")
    return path


def extract_verified(tar: tarfile.TarFile, manifest: dict, work: Path) -> None:
    """Every file of the manifest, written under `work` and checked against its SHA-256."""
    expected = manifest["files"]
    seen = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        if member.name not in expected or not member.isfile():
            raise BackupError(f"{member.name!r} is in the archive but not in its manifest.")
        target = work / _safe_name(member.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tar.extractfile(member) as source, target.open("wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected[member.name]["sha256"]:
            raise BackupError(f"{member.name} is damaged: its checksum does not match.")
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"The archive lacks {len(missing)} file(s), e.g. {missing[0]}.")


def install_sqlite(source: Path) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=60)
    try:
        # Through the backup API rather than a file move: correct even over an existing
        # database in WAL mode (--force), whose -wal file a move would leave behind.
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def install_postgresql(source: Path, *, clean: bool) -> None:
    args, env = pg_environment()
    cmd = [require("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
           *(["--clean", "--if-exists"] if clean else []), *args,
           "--dbname", settings.DATABASES["default"]["NAME"], str(source)]  # fmt: skip
    connections.close_all()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def install_media(source: Path, *, replace: bool) -> int:
    root = Path(settings.MEDIA_ROOT)
    if replace and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    count = 0
    if source.exists():
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            count += 1
    return count


def install_secret_key(source: Path) -> None:
    target = secret_key_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(source.read_text())
    target.chmod(0o600)


def after_restore(*, source_name: str, keep_queue: bool) -> dict[str, int]:
    """Make the copy safe to start: webhooks paused, the old queue and workers gone."""
    from django_tasks_db.models import DBTaskResult

    from masthead.core import page_cache
    from masthead.core.models import WorkerHeartbeat
    from masthead.core.switches import set_webhooks_paused
    from masthead.distribution.models import WebhookDelivery

    when = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    set_webhooks_paused(paused=True, note=f"restored from {source_name} on {when}")
    dropped = 0
    if not keep_queue:
        dropped = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).delete()[0]
    # Caught mid-send in the original: sent again (once) after `webhooks resume`.
    sending = WebhookDelivery.Status.SENDING
    WebhookDelivery.objects.filter(status=sending).update(status=WebhookDelivery.Status.PENDING)
    workers = WorkerHeartbeat.objects.all().delete()[0]
    cache.clear()
    page_cache.invalidate_all()
    return {"tasks_dropped": dropped, "workers_forgotten": workers}


def backup_restore(
    *, source: Path, force: bool = False, keep_queue: bool = False, progress: Progress = print
) -> dict:
    """Restore `source` into the configured database and media folder; returns the
    manifest plus what was done after."""
    source = Path(source).resolve()
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    kind = engine()
    present = what_is_there()
    if present and not force:
        raise BackupError(
            "The target is not empty: " + "; ".join(present) + ". Restore into an empty var "
            "dir (set MASTHEAD_VAR_DIR) and an empty database, or pass --force to replace them."
        )
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".masthead-restore-", dir=var_dir))
    try:
        with tarfile.open(source, "r:") as tar:
            manifest = read_manifest(tar)
            if manifest["database"]["engine"] != kind:
                raise BackupError(
                    f"The backup holds a {manifest['database']['engine']} database; this site "
                    f"runs on {kind}. Restore it on the same kind of database."
                )
            extract_verified(tar, manifest, work)
        progress(f"  {len(manifest['files'])} files verified")
        db_file = work / manifest["database"]["file"]
        if kind == "sqlite":
            install_sqlite(db_file)
        else:
            install_postgresql(db_file, clean=force)
        progress(f"  database restored ({manifest['database']['rows']} rows)")
        if manifest["media"]["storage"] == "local" and media_is_local():
            count = install_media(work / "media", replace=force)
            progress(f"  media restored ({count} files)")
        elif manifest["media"]["storage"] == "local":
            progress("  media were local, this site keeps them in a bucket: upload the "
                     "archive's media/ folder to the bucket yourself")  # fmt: skip
        if manifest["secret_key"]:
            install_secret_key(work / SECRET_FILE)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    call_command("migrate", interactive=False, verbosity=0)
    done = after_restore(source_name=source.name, keep_queue=keep_queue)
    return {**manifest, "after": done}
