"""Reads of units, always through the one scoping function."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext as _

from luoshi.accounts.scoping import scope
from luoshi.core.exceptions import NotFound

from .models import Kind, Level, Unit, UnitGroup


def units_visible_to(user: Any, *, include_retired: bool = False) -> QuerySet[Unit]:
    qs = scope(Unit.objects.all(), user)
    if not include_retired:
        qs = qs.filter(retired_at__isnull=True)
    return qs


def unit_for(user: Any, code: str) -> Unit:
    """The unit with ``code`` if ``user`` may see it; NotFound otherwise (404, not 403)."""
    unit = units_visible_to(user, include_retired=True).select_related("parent").filter(code=code).first()
    if unit is None:
        raise NotFound(_("Unit not found."))
    return unit


def units_search(
    user: Any,
    *,
    q: str = "",
    level: str = "",
    kind: str = "",
    under: str = "",
    include_retired: bool = False,
) -> QuerySet[Unit]:
    """Visible units matching a name, short name, alias or code fragment."""
    from .paths import subtree_q

    qs = units_visible_to(user, include_retired=include_retired)
    if under:
        qs = qs.filter(subtree_q(under))
    if level:
        qs = qs.filter(level=level)
    if kind:
        qs = qs.filter(kind=kind)
    q = q.strip()
    if q:
        if q.isdigit():
            qs = qs.filter(code__startswith=q)
        else:
            qs = qs.filter(
                Q(name__contains=q) | Q(short_name__contains=q) | Q(aliases__name__contains=q)
            ).distinct()
    return qs.order_by("path")


def _descendant_count(level: str | None = None, kind: str | None = None) -> Coalesce:
    inner = Unit.objects.filter(
        path__gt=Concat(OuterRef("path"), Value("/")),
        path__lt=Concat(OuterRef("path"), Value("0")),
        retired_at__isnull=True,
    )
    if level:
        inner = inner.filter(level=level)
    if kind:
        inner = inner.filter(kind=kind)
    counted = inner.order_by().values(dummy=Value(1)).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def children_with_counts(unit: Unit) -> QuerySet[Unit]:
    """A unit's direct subordinates, each with its number of subordinate units per level.

    One query: each count is a correlated range scan on the path index.
    """
    return (
        unit.children.filter(retired_at__isnull=True)
        .annotate(
            n_counties=_descendant_count(Level.COUNTY, Kind.DIVISION),
            n_townships=_descendant_count(Level.TOWNSHIP, Kind.DIVISION),
            n_villages=_descendant_count(Level.VILLAGE, Kind.DIVISION),
            n_departments=_descendant_count(kind=Kind.DEPARTMENT),
        )
        .order_by("kind", "code")
    )


def breadcrumb(unit: Unit) -> list[Unit]:
    """The unit's ancestors and itself, root first (one query)."""
    from .paths import ancestor_paths

    ancestors = {u.path: u for u in Unit.objects.filter(path__in=ancestor_paths(unit.path))}
    return [ancestors[p] for p in ancestor_paths(unit.path) if p in ancestors] + [unit]


def unit_stats() -> dict[str, Any]:
    """Counts of current units per level and kind (for ``luoshi units stats``)."""
    rows = (
        Unit.objects.filter(retired_at__isnull=True)
        .values("level", "kind")
        .annotate(n=Count("id"))
        .order_by("level", "kind")
    )
    by_level: dict[str, dict[str, int]] = {level: {} for level in Level.values}
    for r in rows:
        by_level[r["level"]][r["kind"]] = r["n"]
    return {
        "levels": {
            level: {"division": k.get("division", 0), "department": k.get("department", 0)}
            for level, k in by_level.items()
        },
        "total": sum(r["n"] for r in rows),
        "retired": Unit.objects.filter(retired_at__isnull=False).count(),
    }


def groups_visible_to(user: Any) -> QuerySet[UnitGroup]:
    return scope(UnitGroup.objects.all(), user).select_related("owner", "root")


def group_members(group: UnitGroup) -> QuerySet[Unit]:
    """Evaluate a group's rule now."""
    from .paths import subtree_q

    qs = Unit.objects.filter(retired_at__isnull=True)
    if group.rule == UnitGroup.Rule.CHILDREN:
        return qs.filter(parent=group.root, kind=Kind.DIVISION).order_by("code")
    if group.rule == UnitGroup.Rule.LEVEL:
        return qs.filter(
            subtree_q(group.root.path, include_self=False), level=group.level, kind=Kind.DIVISION
        ).order_by("path")
    return group.members.filter(retired_at__isnull=True).order_by("path")


def resolve_names(root: Unit, text: str, *, strictly_below: bool = True) -> tuple[list[Unit], list[str]]:
    """Units under ``root`` named in ``text`` (separated by 、，,；; or spaces).

    Each name is matched against full names, short names, aliases and codes; returns the
    units found and a message for each name that matched none or several.
    """
    import re

    from .paths import subtree_q

    names = [n.strip() for n in re.split(r"[、，,；;\s]+", text or "") if n.strip()]
    base = Unit.objects.filter(subtree_q(root.path, include_self=not strictly_below), retired_at__isnull=True)
    found: list[Unit] = []
    errors: list[str] = []
    for name in names:
        matches = list(base.filter(code=name)) or list(base.filter(name=name))
        if not matches:
            matches = list(base.filter(Q(short_name=name) | Q(aliases__name=name)).distinct())
        if len(matches) == 1:
            if matches[0] not in found:
                found.append(matches[0])
        elif not matches:
            errors.append(_("No unit named “%(name)s” under %(root)s.") % {"name": name, "root": root.name})
        else:
            errors.append(
                _("“%(name)s” is ambiguous: %(options)s.")
                % {"name": name, "options": "、".join(f"{m.name}（{m.code}）" for m in matches[:5])}
            )
    return found, errors
