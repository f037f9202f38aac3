"""Helpers for benchmarks that need the database: a throw-away database, set up once."""

from __future__ import annotations

import os
import tempfile


def setup(database_url: str | None = None) -> str:
    """Point Django at a fresh database and migrate it; returns the URL used.

    Without DATABASE_URL a temporary SQLite file is used. With a PostgreSQL URL, the named
    database is dropped and created anew, so give one that holds nothing else.
    """
    url = database_url or os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='luoshi-bench-')}/bench.sqlite3"
    elif url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return url
