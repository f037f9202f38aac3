"""The one scoping function: what a user may see of any scoped model.

Every selector, page and API route narrows its queryset through ``scope`` (after NetBox's
RestrictedQuerySet.restrict). A model takes part by declaring ``scope_paths``: the field
lookups that hold a unit path (its own, or an issuer's, a lead unit's…). A row is visible
when any of those paths lies in the user's subtree. A model without ``scope_paths`` is not
scoped and is refused here, so a new model cannot leak by being forgotten.

Out of scope reads as "does not exist": views and the API answer 404, never 403.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from luoshi.units.paths import subtree_q

M = TypeVar("M", bound=models.Model)

# Models that do not declare scope paths themselves (Unit is defined before accounts).
SCOPE_PATHS: dict[str, tuple[str, ...]] = {
    "units.unit": ("path",),
    "units.unitalias": ("unit__path",),
    "units.unitgroup": ("owner__path",),
    "audit.auditentry": ("unit_path",),
    "accounts.user": ("unit__path",),
}


def scope_paths_for(model: type[models.Model]) -> tuple[str, ...]:
    paths = getattr(model, "scope_paths", None) or SCOPE_PATHS.get(model._meta.label_lower)
    if not paths:
        raise LookupError(f"{model._meta.label} declares no scope_paths")
    return tuple(paths)


def user_root_path(user: Any) -> str | None:
    """The path of the subtree a user sees, "" for everything, None for nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    unit = getattr(user, "unit", None)
    if unit is None:
        return "" if user.is_superuser else None
    return unit.path


def scope(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """Narrow ``queryset`` to the rows ``user`` may see."""
    fields = scope_paths_for(queryset.model)
    root = user_root_path(user)
    if root is None:
        return queryset.none()
    if root == "":
        return queryset
    condition = Q()
    for field in fields:
        condition |= subtree_q(root, field=field)
    # A path reached through a join (a task's assignments) can repeat a row: keep each once.
    if any("__" in f for f in fields):
        return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def can_see_path(user: Any, path: str) -> bool:
    """The same rule for one path in Python (for objects already in hand)."""
    root = user_root_path(user)
    if root is None:
        return False
    return root == "" or path == root or path.startswith(root + "/")
