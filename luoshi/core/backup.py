"""Backup and restore: the database and the uploaded files in one archive.

``backup(path)`` writes a .tar.gz holding ``manifest.json`` (format, database vendor, time,
row counts per table, SHA-256 of each member), the database — SQLite through its online
backup API (consistent while the server runs), PostgreSQL through ``pg_dump --format=custom``
— and everything under MEDIA_ROOT (report attachments, ledger uploads).

``restore(path)`` checks the manifest and the members' hashes, refuses a database that already
holds data unless told to overwrite it, loads the database (a file copy for SQLite,
``pg_restore`` for PostgreSQL) and the files, and compares the row counts with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from .exceptions import DomainError

FORMAT = "luoshi-backup-1"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts() -> dict[str, int]:
    """Rows per table of every installed model (what a restore is compared against)."""
    counts = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in existing and table not in counts:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    return env, args


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise DomainError(_("%(tool)s is not installed.") % {"tool": cmd[0]}, code="missing_tool") from None
    if result.returncode != 0:
        raise DomainError(f"{cmd[0]}: {result.stderr.strip()[-500:]}", code="tool_failed")


def backup(path: Path) -> dict:
    """Write a backup archive to ``path``; returns its manifest."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        vendor = connection.vendor
        if vendor == "sqlite":
            db_file = work / "db.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(db_file)
            with target:
                connection.connection.backup(target)
            target.close()
        elif vendor == "postgresql":
            db_file = work / "db.dump"
            env, args = _pg_env()
            _run(
                [
                    "pg_dump",
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(db_file),
                    settings.DATABASES["default"]["NAME"],
                ],
                env,
            )
        else:
            raise DomainError(_("Backups support SQLite and PostgreSQL only."), code="vendor")
        media = Path(settings.MEDIA_ROOT)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        manifest = {
            "format": FORMAT,
            "vendor": vendor,
            "created": dt.datetime.now(dt.UTC).isoformat(),
            "counts": table_counts(),
            "database": {"name": db_file.name, "sha256": _sha256(db_file)},
            "files": {str(p.relative_to(media)): _sha256(p) for p in files},
        }
        (work / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(db_file, arcname=f"database/{db_file.name}")
            for p in files:
                tar.add(p, arcname=f"media/{p.relative_to(media)}")
        os.replace(partial, path)
    return manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for m in tar.getmembers():
        name = Path(m.name)
        if name.is_absolute() or ".." in name.parts or not (m.isfile() or m.isdir()):
            raise DomainError(
                _("The archive holds an unsafe path: %(name)s") % {"name": m.name}, code="bad_archive"
            )
        members.append(m)
    return members


def _has_data() -> bool:
    counts = table_counts()
    return any(n for table, n in counts.items() if table.startswith(("units_", "tasks_", "accounts_user")))


def restore(path: Path, *, overwrite: bool = False) -> dict:
    """Load a backup archive into the configured database and MEDIA_ROOT; returns its manifest."""
    path = Path(path)
    if not path.exists():
        raise DomainError(_("No such file: %(path)s") % {"path": path}, code="missing")
    try:
        tar = tarfile.open(path, "r:gz")
    except (tarfile.TarError, OSError, EOFError):
        raise DomainError(_("The file is not a luoshi backup."), code="bad_archive") from None
    with tempfile.TemporaryDirectory() as tmp, tar:
        work = Path(tmp)
        try:
            tar.extractall(work, members=_safe_members(tar), filter="data")
        except (tarfile.TarError, OSError, EOFError):
            raise DomainError(_("The backup archive is damaged."), code="bad_archive") from None
        try:
            manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise DomainError(_("The file is not a luoshi backup."), code="bad_archive") from None
        if manifest.get("format") != FORMAT:
            raise DomainError(_("The file is not a luoshi backup."), code="bad_archive")
        db_file = work / "database" / manifest["database"]["name"]
        if _sha256(db_file) != manifest["database"]["sha256"]:
            raise DomainError(_("The backup's database does not match its checksum."), code="corrupt")
        for rel, digest in manifest["files"].items():
            if _sha256(work / "media" / rel) != digest:
                raise DomainError(
                    _("The file %(name)s does not match its checksum.") % {"name": rel}, code="corrupt"
                )
        vendor = connection.vendor
        if manifest["vendor"] != vendor:
            raise DomainError(
                _("The backup is of a %(src)s database; this installation uses %(dst)s.")
                % {"src": manifest["vendor"], "dst": vendor},
                code="vendor",
            )
        if _has_data() and not overwrite:
            raise DomainError(
                _("The database already holds data; restore into an empty one or pass --overwrite."),
                code="not_empty",
            )
        if vendor == "sqlite":
            target = Path(settings.DATABASES["default"]["NAME"])
            connection.close()
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            shutil.copyfile(db_file, target)
        else:
            env, args = _pg_env()
            connection.close()
            _run(
                [
                    "pg_restore",
                    *args,
                    "--no-owner",
                    "--clean",
                    "--if-exists",
                    "--exit-on-error",
                    "--dbname",
                    settings.DATABASES["default"]["NAME"],
                    str(db_file),
                ],
                env,
            )
        media = Path(settings.MEDIA_ROOT)
        for rel in manifest["files"]:
            dest = media / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "media" / rel, dest)
    counts = table_counts()
    differ = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
    if differ:
        raise DomainError(
            _("The restored row counts differ: %(tables)s") % {"tables": differ}, code="mismatch"
        )
    return manifest
