"""``record``: the one way the application writes the audit trail.

Services call it inside their own transaction, so a change and its record commit together.
A CLI import or worker sweep passes its own actor (or None for the system) and a batch id.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import models

from luoshi.core import clock

from .models import AuditEntry

SYSTEM_ACTOR = "系统"


def new_batch() -> str:
    return uuid.uuid4().hex


def snapshot(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON-ready values (foreign keys by their id)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        data[name] = value
    return data


def _actor_name(actor: Any) -> str:
    if actor is None:
        return SYSTEM_ACTOR
    full = getattr(actor, "display_name", "") or ""
    return full or getattr(actor, "username", str(actor))


def entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
    batch: str = "",
    unit_path: str = "",
    related: models.Model | None = None,
) -> AuditEntry:
    """An unsaved entry (for bulk writes); ``record`` saves one."""
    return AuditEntry(
        time=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        batch=batch,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        unit_path=unit_path,
        before=before,
        after=after,
        message=message[:500],
    )


def record(**kwargs: Any) -> AuditEntry:
    """Write one audit entry now (call inside the service's transaction)."""
    item = entry(**kwargs)
    item.save(force_insert=True)
    return item


def record_many(entries: list[AuditEntry]) -> None:
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
