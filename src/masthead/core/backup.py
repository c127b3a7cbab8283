"""`masthead manage backup PATH`: the database, the media files and the secret key in one
.tar with a manifest (versions, row counts, sizes and SHA-256 of every file).

Consistency: the database is copied first, in one read transaction (SQLite's online backup
API, which includes what is still in the WAL; pg_dump on PostgreSQL), and the media folder
after it. A file the copy names cannot have been deleted meanwhile, because replaced media
are only deleted after MASTHEAD_MEDIA_DELETE_GRACE (core/housekeeping.py); files added
meanwhile are copied too and are harmless. Referenced files that are still missing are
listed in the manifest (`media.missing`).
"""

import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.utils import timezone

FORMAT = 1
KIND = "masthead-backup"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
SECRET_FILE = "secret_key"  # noqa: S105 (a file name)
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


class BackupError(Exception):
    """Something the operator must act on; the message says what."""


def engine() -> str:
    vendor = settings.DATABASES["default"]["ENGINE"]
    if vendor.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in vendor:
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")


def media_is_local() -> bool:
    return settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")


def secret_key_path() -> Path:
    # Where the dev settings keep a generated key (settings/dev.py); production sets
    # SECRET_KEY in the environment, which the operator keeps elsewhere.
    return Path(settings.VAR_DIR) / "secret_key"


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field: the media files the database points at.
    Not a model's `transient_file_fields` (files that come and go while work runs)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        transient = getattr(model, "transient_file_fields", ())
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.name not in transient:
                found.append((model._meta.db_table, field.column))
    return sorted(set(found))


def versions() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    return {
        "masthead": version("masthead"),
        "django": version("django"),
        "wagtail": version("wagtail"),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- the database ---


def sqlite_snapshot(source: Path, target: Path) -> None:
    """A consistent copy while others keep writing: the backup API copies every page in
    one step under one read transaction, WAL included (a file copy would miss the WAL)."""
    if not source.exists():
        raise BackupError(f"There is no database at {source}: run `masthead manage migrate`.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=60000")
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def sqlite_facts(path: Path) -> tuple[dict[str, int], dict[str, str], set[str]]:
    """Row counts per table, the last migration per app, and the media files it names."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]  # fmt: skip
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
        migrations = {}
        for app, name in db.execute("SELECT app, name FROM django_migrations ORDER BY id"):
            migrations[app] = name
        named = set()
        for table, column in file_columns():
            if table in counts:
                rows = db.execute(f'SELECT DISTINCT "{column}" FROM "{table}"')  # noqa: S608
                named |= {r[0] for r in rows if r[0]}
    finally:
        db.close()
    return counts, migrations, named


def pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore."""
    db = settings.DATABASES["default"]
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"The database is PostgreSQL and `{tool}` is not on PATH. Install the PostgreSQL "
            f"client tools (same major version as the server), or back up with "
            f"`pg_dump --format=custom` yourself: see docs/operations.md."
        )
    return path


def pg_dump(target: Path) -> None:
    args, env = pg_environment()
    cmd = [require("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
           "--file", str(target), *args, settings.DATABASES["default"]["NAME"]]  # fmt: skip
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def live_facts() -> tuple[dict[str, int], dict[str, str], set[str]]:
    """The same facts read from the live database (PostgreSQL, right after pg_dump)."""
    counts = {}
    named: set[str] = set()
    columns = dict.fromkeys(file_columns())
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        for table, column in columns:
            if table in counts:
                cursor.execute(f'SELECT DISTINCT "{column}" FROM "{table}"')  # noqa: S608
                named |= {r[0] for r in cursor.fetchall() if r[0]}
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = dict(cursor.fetchall())
    return counts, migrations, named


# --- the archive ---


def media_files(root: Path) -> Iterable[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


class _Hashing(io.RawIOBase):
    """Reads a file for tarfile while hashing it, so each file is read once."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.handle.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


def add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict | None:
    """Add one file; None when it vanished before it could be read."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        info = tar.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _Hashing(handle)
        tar.addfile(info, reader)
    return {"bytes": info.size, "sha256": reader.digest.hexdigest()}


def backup_create(*, target: Path, progress: Progress = print) -> dict:
    """Write the archive to `target` (a new .tar); returns its manifest."""
    target = Path(target).resolve()
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new name.")
    if target.suffix != ".tar":
        raise BackupError("The backup is one .tar file: give a path ending in .tar.")
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    kind = engine()
    work = Path(tempfile.mkdtemp(prefix=".masthead-backup-", dir=target.parent))
    partial = target.with_name(target.name + ".partial")
    try:
        if kind == "sqlite":
            db_file = work / SQLITE_FILE
            sqlite_snapshot(Path(settings.DATABASES["default"]["NAME"]), db_file)
            counts, migrations, named = sqlite_facts(db_file)
        else:
            db_file = work / PG_FILE
            pg_dump(db_file)
            counts, migrations, named = live_facts()
        progress(f"  database copied ({kind}, {sum(counts.values())} rows)")
        files: dict[str, dict] = {}
        with tarfile.open(partial, "w") as tar:
            files[db_file.name] = add_file(tar, db_file, db_file.name)
            media = {"storage": "local" if media_is_local() else "remote", "files": 0,
                     "bytes": 0, "missing": []}  # fmt: skip
            if media_is_local():
                root = Path(settings.MEDIA_ROOT)
                for path in media_files(root):
                    rel = path.relative_to(root).as_posix()
                    entry = add_file(tar, path, f"media/{rel}")
                    if entry is not None:
                        files[f"media/{rel}"] = entry
                        media["files"] += 1
                        media["bytes"] += entry["bytes"]
                media["missing"] = sorted(n for n in named if f"media/{n}" not in files)
                progress(f"  media copied ({media['files']} files, {media['bytes']} bytes)")
            else:
                progress("  media are in the bucket, not in this archive: keep the bucket "
                         "versioned (docs/operations.md)")  # fmt: skip
            secret = secret_key_path()
            if secret.exists():
                files[SECRET_FILE] = add_file(tar, secret, SECRET_FILE)
            manifest = {
                "kind": KIND,
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "seconds": round(time.monotonic() - started, 2),
                "versions": versions(),
                "database": {
                    "engine": kind,
                    "file": db_file.name,
                    "tables": counts,
                    "rows": sum(counts.values()),
                    "migrations": migrations,
                },  # fmt: skip
                "media": media,
                "secret_key": SECRET_FILE in files,
                "files": files,
            }
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
            tar.addfile(info, io.BytesIO(data))
        partial.chmod(0o600)  # it holds the secret key and every user's password hash
        partial.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return manifest
