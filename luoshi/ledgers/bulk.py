"""A fast INSERT for many rows of one model: tuples in, one executemany per chunk.

Django's ``bulk_create`` spent four fifths of a 10,000-row ledger import preparing values
(model instances, then ``get_db_prep_save`` per field per row, then the SQL compiler), and
the database only one fifth (profiled on SQLite; see bench/ledgers_excel.py). Here the
caller builds each row as a tuple of database-ready values in ``fields`` order, adapting
with ``adapter()`` only the fields that need it (JSON, datetimes, UUIDs), and the driver
gets one parameterised INSERT per chunk. Table and column names come from the model's
``_meta``, so nothing is spelled twice. No signals and no ``save()``, as with bulk_create.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models

CHUNK = 2000


def adapter(model: type[models.Model], name: str) -> Callable[[Any], Any]:
    """The function that turns a Python value of field ``name`` into what the driver takes."""
    field = model._meta.get_field(name)
    ops = connection.ops
    if isinstance(field, models.JSONField):
        # Serialized once here; PostgreSQL casts the quoted text to jsonb (client-side binding).
        return lambda v: (
            v if isinstance(v, str) else (None if v is None else json.dumps(v, cls=field.encoder))
        )
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.UUIDField):
        if connection.vendor == "sqlite":
            return lambda v: v.hex if isinstance(v, uuid.UUID) else v
        return lambda v: str(v) if v is not None else None
    return lambda v: field.get_db_prep_save(v, connection)


def json_text(value: Any) -> str:
    return json.dumps(value)


def insert(model: type[models.Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """INSERT ``rows`` (tuples of database-ready values in ``fields`` order, attnames such as
    ``unit_id``) into ``model``'s table."""
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in concrete)
    placeholders = ", ".join(["%s"] * len(concrete))
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({placeholders})"
    count = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
