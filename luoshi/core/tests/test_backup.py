"""Backup and restore: a real archive restored into an empty database, compared row for row.

Runs the commands as a person would, in subprocesses, on a file-based SQLite database or, in
the PostgreSQL run, on two scratch PostgreSQL databases.
"""

import json
import os
import subprocess
import sys
import tarfile
import uuid

import pytest

LUOSHI = [sys.executable, "-m", "luoshi.cli"]

SEED = """
from luoshi.core import demo
from luoshi.reports import files
from luoshi.reports.services import report_submit
from luoshi.tasks.models import Assignment
from luoshi.accounts.models import User
demo.load_units(); demo.ensure_accounts(); demo.load_sample_meeting()
a = Assignment.objects.get(unit__code="130102001000", task__title="建北街道、青园街道逐户排查")
report_submit(actor=User.objects.get(username="jianbei-reporter"), assignment=a, text="附照片", percent=70,
              uploads=[files.Upload("现场.png", b"\\x89PNG\\r\\n\\x1a\\n" + b"x" * 64)])
"""

COUNT = """
import json
from luoshi.core.backup import table_counts
print("COUNTS=" + json.dumps(table_counts()))
"""


def _env(tmp_path, name, database_url):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env["LUOSHI_DATA_DIR"] = str(tmp_path / name)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _luoshi(env, *args, check=True):
    result = subprocess.run([*LUOSHI, *args], env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def _counts(env):
    out = _luoshi(env, "shell", "-c", COUNT).stdout
    return json.loads(out.split("COUNTS=", 1)[1])


@pytest.fixture
def databases():
    """Two empty scratch databases of the kind this run tests (None, None for SQLite files)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None, None
        return
    import psycopg

    base = url.rsplit("/", 1)[0]
    names = [f"luoshi_bk_{uuid.uuid4().hex[:8]}_{s}" for s in ("a", "b")]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        for n in names:
            conn.execute(f'CREATE DATABASE "{n}"')
    yield tuple(f"{base}/{n}" for n in names)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        for n in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(tmp_path, databases):
    source = _env(tmp_path, "a", databases[0])
    target = _env(tmp_path, "b", databases[1])
    _luoshi(source, "migrate", "-v0")
    _luoshi(source, "shell", "-c", SEED)
    archive = tmp_path / "backup.tar.gz"
    _luoshi(source, "backup", "--output", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("media/attachments/") for n in names)

    if databases[1]:
        _luoshi(target, "migrate", "-v0")  # an empty, migrated PostgreSQL database
    result = _luoshi(target, "restore", str(archive))
    assert "row counts match" in result.stdout
    before, after = _counts(source), _counts(target)
    assert after == before and before["reports_report"] >= 4 and before["units_unit"] > 2400
    restored = list((tmp_path / "b" / "media" / "attachments").rglob("*"))
    assert any(p.is_file() and p.read_bytes().startswith(b"\x89PNG") for p in restored)
    # A second restore over the data is refused unless asked for.
    again = _luoshi(target, "restore", str(archive), check=False)
    assert again.returncode == 2 and "--overwrite" in again.stderr


def test_a_damaged_archive_is_refused(tmp_path):
    env = _env(tmp_path, "c", None)
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not an archive")
    result = _luoshi(env, "restore", str(bad), check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
