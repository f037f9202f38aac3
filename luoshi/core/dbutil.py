"""Database helpers shared by migrations."""

from __future__ import annotations

from django.db import migrations


def c_collation(table: str, column: str, length: int = 255) -> migrations.RunPython:
    """A migration operation giving a path column the bytewise "C" collation on PostgreSQL.

    Subtree ranges compare paths as byte strings ("/" sorts just before "0"); a linguistic
    collation (en_US and the like) would order punctuation differently. SQLite compares
    bytes already, so the operation does nothing there.
    """

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "C"'
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "default"'
            )

    return migrations.RunPython(forwards, backwards)
