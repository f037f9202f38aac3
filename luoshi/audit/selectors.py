"""Reads of the audit trail: administrators see their own subtree's history."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role
from luoshi.accounts.scoping import scope
from luoshi.core.exceptions import NotFound
from luoshi.core.permissions import require_role

from .models import AuditEntry


def entries_visible_to(user: Any, *, object_type: str = "", object_id: str = "") -> QuerySet[AuditEntry]:
    require_role(user, Role.ADMIN)
    qs = scope(AuditEntry.objects.all(), user)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs


def entry_for(user: Any, pk: int) -> AuditEntry:
    item = entries_visible_to(user).filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Audit entry not found."))
    return item
