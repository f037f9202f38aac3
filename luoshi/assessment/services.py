"""Every write of the assessment app: schemes and criteria, adjustments, computing a run,
publishing it.

Each service is keyword-only, runs in one transaction, refuses with a DomainError whose
message a person can act on, and leaves an audit entry. Assessors are the supervisors of the
scheme's owner unit; ``actor=None`` is the system (the demo, a command run by the operator).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role as UserRole
from luoshi.audit.models import Action
from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.exceptions import DomainError
from luoshi.core.permissions import require_acts_for
from luoshi.units.models import Unit

from . import criteria as registry
from . import scoring, selectors
from .models import (
    Adjustment,
    AssessedLevel,
    Criterion,
    Direction,
    DirectPlacement,
    Normalization,
    Publication,
    Run,
    Scheme,
    Score,
    TieBreak,
)

SCHEME_FIELDS = (
    "owner",
    "name",
    "period_label",
    "period_start",
    "period_end",
    "level",
    "direct_placement",
    "tie_break",
    "bottom_n",
    "ranks_public",
    "explanations_public",
    "previous",
)
CRITERION_FIELDS = (
    "scheme",
    "order",
    "kind",
    "label",
    "weight",
    "direction",
    "normalization",
    "floor",
    "target",
)


class Conflict(DomainError):
    status = 409

    def __init__(self, message: str):
        super().__init__(message, code="conflict")


def _require_assessor(actor: Any, scheme_owner: Unit) -> None:
    if actor is not None:
        require_acts_for(actor, scheme_owner, UserRole.SUPERVISOR)


def _text(value: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(field)s is required.") % {"field": label}, code="required")
    if len(value) > max_length:
        raise DomainError(
            _("%(field)s is too long (at most %(n)d characters).") % {"field": label, "n": max_length},
            code="too_long",
        )
    return value


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("%(field)s must be a number.") % {"field": label}, code="bad_number") from None
    if not number.is_finite() or abs(number) >= 10000:
        raise DomainError(_("%(field)s must be a number.") % {"field": label}, code="bad_number")
    return number


# --- Schemes and criteria ----------------------------------------------------------------------


@transaction.atomic
def scheme_create(
    *,
    actor: Any,
    owner: Unit,
    name: str,
    period_label: str,
    period_start: dt.date,
    period_end: dt.date,
    level: str,
    direct_placement: str = DirectPlacement.CITIES,
    tie_break: str = TieBreak.SHARE,
    bottom_n: int = 10,
    ranks_public: bool = False,
    explanations_public: bool = False,
    previous: Scheme | None = None,
) -> Scheme:
    """Define a scheme owned by ``owner`` (its criteria are added next)."""
    _require_assessor(actor, owner)
    name = _text(name, _("Name"), 100)
    period_label = _text(period_label, _("Period"), 40)
    if period_end < period_start:
        raise DomainError(_("The period must not end before it starts."), code="bad_period")
    if level not in AssessedLevel.values:
        raise DomainError(_("Choose which units are assessed."), code="bad_level")
    if direct_placement not in DirectPlacement.values or tie_break not in TieBreak.values:
        raise DomainError(_("The request is not valid."), code="invalid")
    if not 0 <= int(bottom_n) <= 1000:
        raise DomainError(_("The number of bottom units to highlight must be 0 to 1000."), code="bad_bottom")
    if previous is not None and previous.owner_id != owner.pk:
        raise DomainError(_("The previous period must be a scheme of the same unit."), code="bad_previous")
    if Scheme.objects.filter(owner=owner, name=name, period_label=period_label).exists():
        raise DomainError(
            _("%(unit)s already has this scheme for this period.") % {"unit": owner.name}, code="duplicate"
        )
    scheme = Scheme(
        owner=owner,
        owner_path=owner.path,
        name=name,
        period_label=period_label,
        period_start=period_start,
        period_end=period_end,
        level=level,
        direct_placement=direct_placement,
        tie_break=tie_break,
        bottom_n=int(bottom_n),
        ranks_public=bool(ranks_public),
        explanations_public=bool(explanations_public) and bool(ranks_public),
        previous=previous,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    scheme.full_clean()
    scheme.save()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=scheme,
        after=snapshot(scheme, SCHEME_FIELDS),
        unit_path=owner.path,
    )
    return scheme


@transaction.atomic
def scheme_set_visibility(
    *, actor: Any, scheme: Scheme, ranks_public: bool, explanations_public: bool
) -> Scheme:
    """Who sees what of the results. Explanations are public only where ranks are."""
    _require_assessor(actor, scheme.owner)
    before = snapshot(scheme, ("ranks_public", "explanations_public"))
    scheme.ranks_public = bool(ranks_public)
    scheme.explanations_public = bool(explanations_public) and scheme.ranks_public
    scheme.save(update_fields=["ranks_public", "explanations_public"])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=scheme,
        before=before,
        after=snapshot(scheme, ("ranks_public", "explanations_public")),
        unit_path=scheme.owner_path,
    )
    return scheme


def parse_indicator_weights(text: str) -> list[dict[str, float]]:
    """ "3:2, 5" → [{"id": 3, "weight": 2}, {"id": 5, "weight": 1}] (the form's notation)."""
    out = []
    for part in (text or "").replace("，", ",").replace("：", ":").split(","):
        part = part.strip()
        if not part:
            continue
        ident, _sep, weight = part.partition(":")
        try:
            out.append({"id": int(ident), "weight": float(weight) if weight.strip() else 1.0})
        except ValueError:
            raise DomainError(
                _("“%(part)s” is not an indicator number with an optional weight (e.g. 3:2).")
                % {"part": part},
                code="bad_params",
            ) from None
    return out


def _check_params(scheme: Scheme, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    if kind != "indicator_attainment":
        issuer = params.get("issuer")
        return {"issuer": "owner"} if issuer == "owner" else {}
    from luoshi.indicators.models import Indicator
    from luoshi.units.paths import ancestor_paths

    items = params.get("indicators") or []
    if not items:
        raise DomainError(_("Choose at least one indicator."), code="bad_params")
    try:
        items = [{"id": int(i["id"]), "weight": float(i.get("weight", 1))} for i in items]
    except (KeyError, TypeError, ValueError):
        raise DomainError(_("The indicators are not valid."), code="bad_params") from None
    if any(i["weight"] <= 0 for i in items):
        raise DomainError(_("Indicator weights must be positive."), code="bad_params")
    # The scheme's owner may use its own indicators and those issued from above.
    usable = Indicator.objects.filter(
        pk__in=[i["id"] for i in items],
        owner_path__in=[scheme.owner_path, *ancestor_paths(scheme.owner_path)],
    ).count()
    if usable != len({i["id"] for i in items}):
        raise DomainError(_("An indicator was not found."), code="bad_params")
    out: dict[str, Any] = {"indicators": items}
    if params.get("cap") is not None:
        cap = float(params["cap"])
        if not 1 <= cap <= 10:
            raise DomainError(_("The attainment cap must be between 1 and 10."), code="bad_params")
        out["cap"] = cap
    return out


@transaction.atomic
def criterion_add(
    *,
    actor: Any,
    scheme: Scheme,
    kind: str,
    weight: Any,
    label: str = "",
    direction: str | None = None,
    normalization: str = Normalization.LINEAR,
    floor: float | None = None,
    target: float | None = None,
    params: dict[str, Any] | None = None,
) -> Criterion:
    """Add a weighted criterion. ``direction`` defaults to the kind's (return rate: down).

    Linear normalization needs a floor and a target that differ, in the criterion's raw unit
    (percent for rates): for "higher is better" the floor is below the target, for "lower is
    better" above it.
    """
    _require_assessor(actor, scheme.owner)
    source = registry.get(kind)
    if source is None:
        raise DomainError(_("Unknown criterion “%(kind)s”.") % {"kind": kind}, code="bad_kind")
    weight = _decimal(weight, _("Weight"))
    if weight <= 0:
        raise DomainError(_("The weight must be positive."), code="bad_weight")
    direction = direction or source.direction
    if direction not in Direction.values or normalization not in Normalization.values:
        raise DomainError(_("The request is not valid."), code="invalid")
    if normalization == Normalization.LINEAR:
        if floor is None or target is None:
            raise DomainError(_("Linear normalization needs a floor and a target."), code="bad_normalization")
        floor, target = float(floor), float(target)
        if (direction == Direction.UP and floor >= target) or (
            direction == Direction.DOWN and floor <= target
        ):
            raise DomainError(
                _(
                    "The floor must be worse than the target: below it when higher is better, above it when lower is better."
                ),
                code="bad_normalization",
            )
    else:
        floor = target = None
    params = _check_params(scheme, kind, params or {})
    label = _text(label, _("Label"), 60, required=False) or str(source.label)
    order = (scheme.criteria.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    criterion = Criterion(
        scheme=scheme,
        order=order,
        kind=kind,
        label=label,
        weight=weight,
        direction=direction,
        normalization=normalization,
        floor=floor,
        target=target,
        params=params,
    )
    criterion.full_clean()
    criterion.save()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=criterion,
        after={**snapshot(criterion, CRITERION_FIELDS), "params": params},
        unit_path=scheme.owner_path,
        related=scheme,
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor: Any, criterion: Criterion) -> None:
    """Remove a criterion. Published runs keep their own copy of the criteria."""
    scheme = criterion.scheme
    _require_assessor(actor, scheme.owner)
    before = {**snapshot(criterion, CRITERION_FIELDS), "params": criterion.params}
    record(
        actor=actor,
        action=Action.DELETE,
        obj=criterion,
        before=before,
        unit_path=scheme.owner_path,
        related=scheme,
    )
    criterion.delete()


# --- Adjustments -------------------------------------------------------------------------------


@transaction.atomic
def adjustment_add(
    *, actor: Any, scheme: Scheme, unit: Unit, points: Any, reason: str, evidence: str
) -> Adjustment:
    """Bonus (positive) or penalty (negative) points for one assessed unit, with the reason
    and the evidence (document number, inspection record, link)."""
    _require_assessor(actor, scheme.owner)
    if unit.pk not in {u.pk for group in selectors.participants(scheme).values() for u in group}:
        raise DomainError(
            _("%(unit)s is not assessed by this scheme.") % {"unit": unit.name}, code="not_assessed"
        )
    points = _decimal(points, _("Points"))
    if points == 0 or abs(points) > 100:
        raise DomainError(_("Points must be non-zero and at most 100 either way."), code="bad_points")
    adjustment = Adjustment(
        scheme=scheme,
        unit=unit,
        unit_path=unit.path,
        points=points,
        reason=_text(reason, _("Reason"), 500),
        evidence=_text(evidence, _("Evidence"), 5000),
        assessor=actor if getattr(actor, "pk", None) else None,
        created_at=clock.now(),
    )
    adjustment.full_clean()
    adjustment.save()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=adjustment,
        after={"unit": unit.code, "points": str(points), "reason": adjustment.reason},
        unit_path=unit.path,
        related=scheme,
    )
    return adjustment


@transaction.atomic
def adjustment_withdraw(*, actor: Any, adjustment: Adjustment) -> Adjustment:
    _require_assessor(actor, adjustment.scheme.owner)
    if adjustment.withdrawn_at is not None:
        raise Conflict(_("The adjustment was withdrawn already."))
    adjustment.withdrawn_at = clock.now()
    adjustment.withdrawn_by = actor if getattr(actor, "pk", None) else None
    adjustment.save(update_fields=["withdrawn_at", "withdrawn_by"])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=adjustment,
        after={"withdrawn_at": adjustment.withdrawn_at.isoformat()},
        unit_path=adjustment.unit_path,
        related=adjustment.scheme,
    )
    return adjustment


# --- Computing and publishing ------------------------------------------------------------------


def _criterion_snapshot(c: Criterion) -> dict[str, Any]:
    source = registry.get(c.kind)
    return {
        "key": str(c.pk),
        "kind": c.kind,
        "label": c.label,
        "weight": float(c.weight),
        "direction": c.direction,
        "normalization": c.normalization,
        "floor": c.floor,
        "target": c.target,
        "params": c.params,
        "measure": source.measure if source else "",
    }


def _previous_ranks(scheme: Scheme) -> dict[int, int]:
    """Ranks in the latest publication of the previous period's scheme, by unit."""
    if scheme.previous_id is None:
        return {}
    latest = Publication.objects.filter(scheme_id=scheme.previous_id).order_by("-version").first()
    if latest is None:
        return {}
    return dict(Score.objects.filter(run_id=latest.run_id).values_list("unit_id", "rank"))


@transaction.atomic
def run_compute(*, actor: Any, scheme: Scheme, as_of: dt.date | None = None) -> Run:
    """Compute every assessed unit's scores from the data as of ``as_of`` (default today, at
    most the period's end) and store them as a new run. An earlier unpublished run of the
    scheme is replaced; published runs are never touched."""
    _require_assessor(actor, scheme.owner)
    items = list(scheme.criteria.all())
    if not items:
        raise DomainError(_("The scheme has no criteria yet."), code="no_criteria")
    as_of = min(as_of or clock.today(), scheme.period_end)
    if as_of < scheme.period_start:
        raise DomainError(_("The period has not started yet."), code="not_started")
    groups = selectors.participants(scheme)
    units = [u for members in groups.values() for u in members]
    if not units:
        raise DomainError(_("No units are assessed by this scheme."), code="no_units")
    raws: dict[int, dict[int, registry.Raw]] = {}
    for c in items:
        source = registry.get(c.kind)
        if source is None:
            raise DomainError(_("Unknown criterion “%(kind)s”.") % {"kind": c.kind}, code="bad_kind")
        ctx = registry.Context(
            start=scheme.period_start, until=as_of, owner_path=scheme.owner_path, params=c.params
        )
        raws[c.pk] = source.fn(units, ctx)
    specs = [
        scoring.CriterionSpec(
            key=str(c.pk),
            label=c.label,
            weight=float(c.weight),
            direction=c.direction,
            normalization=c.normalization,
            floor=c.floor,
            target=c.target,
        )
        for c in items
    ]
    adjustments: dict[int, list[Adjustment]] = {}
    for a in scheme.adjustments.filter(withdrawn_at__isnull=True).select_related("assessor"):
        adjustments.setdefault(a.unit_id, []).append(a)
    previous = _previous_ranks(scheme)
    snapshots = [_criterion_snapshot(c) for c in items]
    kinds = {str(c.pk): c.kind for c in items}
    run = Run.objects.create(
        scheme=scheme,
        owner_path=scheme.owner_path,
        as_of=as_of,
        criteria=snapshots,
        computed_at=clock.now(),
        computed_by=actor if getattr(actor, "pk", None) else None,
    )
    rows = []
    for group, members in groups.items():
        values = {
            u.pk: {str(c.pk): (raws[c.pk].get(u.pk) or registry.Raw(None)).value for c in items}
            for u in members
        }
        texts = {
            u.pk: {str(c.pk): (raws[c.pk].get(u.pk) or registry.Raw(None)).text for c in items}
            for u in members
        }
        scored = scoring.score_group(
            specs,
            values,
            adjustments={u.pk: sum(float(a.points) for a in adjustments.get(u.pk, [])) for u in members},
            raw_texts=texts,
            tie_break=scheme.tie_break,
            bottom_n=scheme.bottom_n,
        )
        for u in members:
            result = scored[u.pk]
            detail = result.as_dict()
            for row in detail["criteria"]:
                row["kind"] = kinds[row["key"]]
            rows.append(
                Score(
                    run=run,
                    unit=u,
                    unit_path=u.path,
                    unit_code=u.code,
                    unit_name=u.name,
                    group=group,
                    base=result.base,
                    adjustments=result.adjustments,
                    total=result.total,
                    rank=result.rank,
                    group_size=len(members),
                    bottom=result.bottom,
                    previous_rank=previous.get(u.pk),
                    detail={
                        "criteria": detail["criteria"],
                        "adjustments": [
                            {
                                "points": float(a.points),
                                "reason": a.reason,
                                "evidence": a.evidence,
                                "assessor": str(a.assessor) if a.assessor else "",
                                "at": a.created_at.isoformat(),
                            }
                            for a in adjustments.get(u.pk, [])
                        ],
                    },
                )
            )
    Score.objects.bulk_create(rows, batch_size=500)
    Run.objects.filter(scheme=scheme, publication__isnull=True).exclude(pk=run.pk).delete()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=run,
        after={"scheme": scheme.pk, "as_of": as_of.isoformat(), "units": len(rows)},
        unit_path=scheme.owner_path,
        related=scheme,
    )
    return run


def run_publish(*, actor: Any, run: Run, note: str = "") -> Publication:
    """Publish a run as the scheme's next version, with its differences from the last one.

    The run's rows are the publication: nothing is recomputed when it is read, so reports
    and figures arriving later change only a later run.
    """
    scheme = run.scheme
    _require_assessor(actor, scheme.owner)
    note = _text(note, _("Note"), 200, required=False)
    try:
        with transaction.atomic():
            if Publication.objects.filter(run=run).exists():
                raise Conflict(_("This run is published already."))
            latest = scheme.publications.order_by("-version").first()
            if latest is not None and latest.run.computed_at > run.computed_at:
                raise Conflict(_("A later run is published already; compute again to publish newer results."))
            changes: list[dict[str, Any]] = []
            if latest is not None:
                changes = scoring.diff(
                    [s.as_row() for s in latest.run.scores.all()], [s.as_row() for s in run.scores.all()]
                )
            publication = Publication.objects.create(
                scheme=scheme,
                run=run,
                version=(latest.version if latest else 0) + 1,
                note=note,
                diff=changes,
                published_at=clock.now(),
                published_by=actor if getattr(actor, "pk", None) else None,
            )
            record(
                actor=actor,
                action=Action.CREATE,
                obj=publication,
                after={
                    "scheme": scheme.pk,
                    "run": run.pk,
                    "version": publication.version,
                    "changes": len(changes),
                },
                unit_path=scheme.owner_path,
                related=scheme,
            )
    except IntegrityError:
        raise Conflict(_("Someone published this scheme at the same moment; reload and try again.")) from None
    return publication
