"""A fast INSERT for many rows of one model: tuples in, COPY or executemany out.

Django's ``bulk_create`` spent four fifths of a 10,000-row ledger import preparing values
(model instances, then ``get_db_prep_save`` per field per row, then the SQL compiler), and
the database only one fifth (profiled on SQLite; see bench/ledgers_excel.py). Here the
caller builds each row as a tuple of database-ready values in ``fields`` order, adapting
with ``adapter()`` only the fields that need it (JSON, datetimes, UUIDs). The rows go to
PostgreSQL by COPY (psycopg's client-side binding spent most of its time parsing long
parameterised statements) and to SQLite by ``executemany``. Table and column names come
from the model's ``_meta``, so nothing is spelled twice. No signals and no ``save()``, as
with ``bulk_create``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models


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
    ``unit_id``) into ``model``'s table: COPY on PostgreSQL, executemany on SQLite."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    table = quote(meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 2000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
