"""Reads of schemes, runs and scores, through the one scoping function.

Who sees what (decided here and nowhere else):

- A scheme is visible to its owner's subtree (``scope`` on ``owner_path``) and to the units
  below its owner (a scheme issued from above, as indicators are), so the assessed can read
  the rules they are assessed by.
- The owner's supervisors, leaders and administrators (and those of the units above it) see
  everything: unpublished runs, every unit's result and explanation, the adjustments.
- Everyone else sees published runs only, and in them the scores of units in their own
  subtree (``scope`` on ``unit_path``: a county sees its own; a city sees its counties') with
  their explanations. Where the scheme makes ranks public, they also see the totals and ranks
  of their peer group (the group of the assessed unit they belong to); explanations of those
  peers only where the scheme also makes explanations public. Anything else is "not found".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role
from luoshi.accounts.scoping import can_see_path, scope, user_root_path
from luoshi.core.exceptions import NotFound
from luoshi.units.models import Kind, Level, Unit
from luoshi.units.paths import ancestor_paths, subtree_q

from . import peers
from .models import Adjustment, Publication, Run, Scheme, Score

FULL_VIEW_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def participants(scheme: Scheme) -> dict[str, list[Unit]]:
    """The scheme's peer groups of units (see ``peers``), in path order. One query."""
    levels = {scheme.level, Level.COUNTY}
    units = list(
        Unit.objects.filter(
            subtree_q(scheme.owner_path, include_self=False),
            kind=Kind.DIVISION,
            retired_at__isnull=True,
            level__in=levels,
        ).only("pk", "code", "name", "path", "level")
    )
    by_pk = {u.pk: u for u in units}
    members = [peers.Member(u.pk, u.code, u.name, u.path, u.level) for u in units]
    owner_level = Unit.objects.filter(pk=scheme.owner_id).values_list("level", flat=True).first()
    groups = peers.peer_groups(
        scheme.owner_path,
        members,
        level=scheme.level,
        direct=scheme.direct_placement,
        owner_level=owner_level,
    )
    return {key: [by_pk[m.pk] for m in group] for key, group in groups.items()}


def schemes_visible_to(user: Any) -> QuerySet[Scheme]:
    own = scope(Scheme.objects.all(), user)
    root = user_root_path(user)
    qs = (
        Scheme.objects.filter(Q(pk__in=own.values("pk")) | Q(owner_path__in=ancestor_paths(root)))
        if root
        else own
    )
    return qs.select_related("owner").order_by("-period_end", "owner_path", "name")


def scheme_for(user: Any, pk: int) -> Scheme:
    scheme = schemes_visible_to(user).filter(pk=pk).first()
    if scheme is None:
        raise NotFound(_("Assessment scheme not found."))
    return scheme


def sees_all(user: Any, scheme: Scheme) -> bool:
    """The owner's (or a unit above it) supervisors, leaders and administrators."""
    if getattr(user, "is_superuser", False):
        return can_see_path(user, scheme.owner_path)
    roles = set(getattr(user, "roles", None) or [])
    return can_see_path(user, scheme.owner_path) and bool(roles & set(FULL_VIEW_ROLES))


def runs_visible_to(user: Any, scheme: Scheme) -> QuerySet[Run]:
    qs = Run.objects.filter(scheme=scheme).select_related("publication")
    if not sees_all(user, scheme):
        qs = qs.filter(publication__isnull=False)
    return qs.order_by("-computed_at", "-id")


def run_for(user: Any, pk: int) -> Run:
    run = Run.objects.filter(pk=pk).select_related("publication", "scheme").first()
    if run is not None:
        run.scheme = scheme_for(user, run.scheme_id)  # NotFound when the scheme is out of sight
        if runs_visible_to(user, run.scheme).filter(pk=pk).exists():
            return run
    raise NotFound(_("Assessment results not found."))


def publications_of(user: Any, scheme: Scheme) -> QuerySet[Publication]:
    return scheme.publications.select_related("run", "published_by").order_by("-version")


def scores_visible_to(user: Any, run: Run) -> QuerySet[Score]:
    """The rows of ``run`` the user may see (ranks and totals)."""
    scheme = run.scheme
    qs = Score.objects.filter(run=run)
    if sees_all(user, scheme):
        return qs
    own = scope(qs, user)
    root = user_root_path(user)
    if not scheme.ranks_public or not root:
        return own
    mine = qs.filter(Q(unit_path=root) | Q(unit_path__in=ancestor_paths(root))).values("group")
    return qs.filter(Q(pk__in=own.values("pk")) | Q(group__in=mine))


def explanation_visible(user: Any, run: Run, score: Score) -> bool:
    """Whether the user may read ``score``'s explanation (criteria and adjustments).

    ``score`` must already be one of ``scores_visible_to(user, run)``.
    """
    return sees_all(user, run.scheme) or can_see_path(user, score.unit_path) or run.scheme.explanations_public


def explanation_for(user: Any, run: Run, code: str) -> Score:
    score = scores_visible_to(user, run).filter(unit_code=code).first()
    if score is None or not explanation_visible(user, run, score):
        raise NotFound(_("Assessment results not found."))
    return score


def adjustments_visible_to(user: Any, scheme: Scheme) -> QuerySet[Adjustment]:
    """All of a scheme's adjustments for those who see everything; otherwise those of units
    in the user's own subtree."""
    qs = scheme.adjustments.select_related("unit", "assessor", "withdrawn_by")
    if not sees_all(user, scheme):
        qs = scope(qs, user)
    return qs.order_by("unit_path", "created_at")


def latest_publication(scheme: Scheme) -> Publication | None:
    return scheme.publications.select_related("run").order_by("-version").first()


def latest_publications(scheme_ids: list[int]) -> list[Publication]:
    """The latest publication of each of the given schemes (one query)."""
    from django.db.models import Max

    latest = (
        Publication.objects.filter(scheme_id__in=scheme_ids)
        .values("scheme_id")
        .annotate(v=Max("version"))
        .values_list("scheme_id", "v")
    )
    wanted = Q()
    for scheme_id, version in latest:
        wanted |= Q(scheme_id=scheme_id, version=version)
    if not wanted:
        return []
    return list(Publication.objects.filter(wanted).select_related("run"))
