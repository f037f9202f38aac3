"""Reads for the import wizard: drafts through the scoping function, and units under the issuer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.scoping import scope
from luoshi.core.exceptions import NotFound
from luoshi.units.models import Kind, Unit
from luoshi.units.paths import subtree_q

from .models import DraftStatus, ReadoutDraft


def drafts_for(user: Any) -> QuerySet[ReadoutDraft]:
    """Open drafts of the user's own unit (a draft is its issuing office's working paper)."""
    qs = scope(ReadoutDraft.objects.all(), user).filter(status=DraftStatus.OPEN)
    if getattr(user, "unit_id", None) is None:
        return qs.none()
    return qs.filter(issuer_id=user.unit_id).select_related("created_by")


def draft_for(user: Any, pk: int) -> ReadoutDraft:
    """One draft of the user's unit; anyone else's reads as not found (404)."""
    qs = scope(ReadoutDraft.objects.select_related("issuer", "source"), user)
    draft = qs.filter(pk=pk, issuer_id=getattr(user, "unit_id", None)).first()
    if draft is None:
        raise NotFound(_("Draft not found."))
    return draft


def units_below(issuer: Unit) -> QuerySet[Unit]:
    """Units strictly below the issuer that can still be given work."""
    return Unit.objects.filter(subtree_q(issuer.path, include_self=False), retired_at__isnull=True)


def match_names(issuer: Unit, names: Iterable[str]) -> dict[str, list[str]]:
    """Each name -> codes of the units under ``issuer`` it may denote (full name, short name or alias).

    A full-name match wins over a short-name or alias match of another unit.
    """
    names = sorted({n for n in names if n})
    if not names:
        return {}
    exact: dict[str, list[str]] = {n: [] for n in names}
    loose: dict[str, list[str]] = {n: [] for n in names}
    rows = (
        units_below(issuer)
        .filter(Q(name__in=names) | Q(short_name__in=names) | Q(aliases__name__in=names))
        .values_list("code", "name", "short_name", "aliases__name", "path")
        .distinct()
        .order_by("path")
    )
    for code, name, short, alias, _path in rows:
        if name in exact and code not in exact[name]:
            exact[name].append(code)
        for other in (short, alias):
            if other in loose and code not in loose[other]:
                loose[other].append(code)
    return {n: exact[n] or loose[n] for n in names}


def units_by_code(codes: Iterable[str]) -> dict[str, Unit]:
    codes = sorted({c for c in codes if c})
    if not codes:
        return {}
    return {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("parent")}


def sub_venue_units(issuer: Unit) -> QuerySet[Unit]:
    """The issuer's direct subordinate divisions: the default sub-venues of a video meeting."""
    return issuer.children.filter(kind=Kind.DIVISION, retired_at__isnull=True).order_by("code")


def unit_label(unit: Unit, issuer: Unit) -> str:
    """长安区 for a direct subordinate, 桥西区（张家口市） further down, so equal names differ."""
    if unit.parent_id and unit.parent_id != issuer.pk and unit.parent is not None:
        return f"{unit.name}（{unit.parent.name}）"
    return unit.name


def unit_choices(issuer: Unit, codes: Iterable[str]) -> list[tuple[str, str]]:
    """Options for the unit pickers: direct subordinates (divisions, then departments) plus the
    given units (matched, chosen or ambiguous) that lie below the issuer."""
    direct = list(units_below(issuer).filter(parent=issuer).select_related("parent").order_by("kind", "code"))
    more = [u for u in units_by_code(codes).values() if u.parent_id != issuer.pk]
    more = [u for u in more if u.retired_at is None and u.path.startswith(issuer.path + "/")]
    more.sort(key=lambda u: u.path)
    return [(u.code, unit_label(u, issuer)) for u in [*direct, *more]]
