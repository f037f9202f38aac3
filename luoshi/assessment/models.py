"""Assessment (考核): schemes of weighted criteria, assessors' adjustments, computed runs and
their published, frozen versions.

A Scheme is owned by a unit and assesses the division units of one level under it for one
period. Criteria draw their raw values from the data through registered sources
(``criteria.register_criterion``); nothing is typed where data exists, except the bonus and
penalty points of an Adjustment, which carry a reason and evidence.

A Run is one computation: its Score rows hold, per unit, every criterion's raw value,
normalized score, weight and contribution, the adjustments, total, rank and movement. A run
is never recomputed; publishing it makes it a numbered Publication, and later data changes
only reach a new run (and a new version, with its differences listed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Normalization(models.TextChoices):
    LINEAR = "linear", _("Linear between floor and target")
    RANK = "rank", _("By rank among peers")


class TieBreak(models.TextChoices):
    SHARE = "share", _("Tied units share the rank")
    CRITERIA = "criteria", _("Compare criteria in order, then share")


class DirectPlacement(models.TextChoices):
    """Where county-level units supervised by the province (定州, 辛集) rank."""

    CITIES = "cities", _("With the cities")
    COUNTIES = "counties", _("With the counties")
    SEPARATE = "separate", _("In a group of their own")


class AssessedLevel(models.TextChoices):
    CITY = "city", _("Cities")
    COUNTY = "county", _("Counties")
    TOWNSHIP = "township", _("Townships")


class Scheme(models.Model):
    """A 考核方案: who is assessed (a level under the owner), over which period, by which
    criteria, and what others may see of the results."""

    scope_paths = ("owner_path",)

    owner = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="assessment_schemes", verbose_name=_("owner")
    )
    owner_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    period_label = models.CharField(_("period"), max_length=40)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    level = models.CharField(_("assessed units"), max_length=10, choices=AssessedLevel.choices)
    direct_placement = models.CharField(
        _("county-level cities under the province rank"),
        max_length=10,
        choices=DirectPlacement.choices,
        default=DirectPlacement.CITIES,
    )
    tie_break = models.CharField(_("ties"), max_length=10, choices=TieBreak.choices, default=TieBreak.SHARE)
    bottom_n = models.PositiveSmallIntegerField(_("highlight the bottom"), default=10)
    ranks_public = models.BooleanField(_("ranks public to peers"), default=False)
    explanations_public = models.BooleanField(_("explanations public to peers"), default=False)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("previous period"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-period_end", "owner_path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name", "period_label"], name="assessment_scheme_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="assessment_scheme_period"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=AssessedLevel.values), name="assessment_scheme_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.period_label}）"


class Criterion(models.Model):
    """One weighted criterion. ``kind`` names a registered source of raw values; ``params``
    holds what the source needs (for indicator attainment: ``{"indicators": [{"id": 3,
    "weight": 1}], "cap": 1.2}``). Linear normalization reads ``floor`` and ``target``."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("criterion"), max_length=40)
    label = models.CharField(_("label"), max_length=60)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    direction = models.CharField(_("better direction"), max_length=4, choices=Direction.choices)
    normalization = models.CharField(
        _("normalization"), max_length=8, choices=Normalization.choices, default=Normalization.LINEAR
    )
    floor = models.FloatField(_("floor"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["scheme_id", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="assessment_criterion_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.weight}"


class Adjustment(models.Model):
    """Bonus (加分) or penalty (扣分) points an assessor gives a unit, with reason and evidence.
    Withdrawn adjustments stay (with who and when) and no longer count."""

    scope_paths = ("unit_path",)

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    unit_path = models.CharField(max_length=255)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    evidence = models.TextField(_("evidence"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("entered at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["scheme_id", "unit_path", "created_at"]
        indexes = [models.Index(fields=["unit_path"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(points=0), name="assessment_adjustment_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.points:+}"


class Run(models.Model):
    """One computation of a scheme as of a date. ``criteria`` keeps the criteria as they were
    (label, kind, weight, normalization, parameters), so a later edit of the scheme cannot
    change what a published run says."""

    scope_paths = ("owner_path",)

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="runs")
    owner_path = models.CharField(max_length=255)
    as_of = models.DateField(_("data as of"))
    criteria = models.JSONField(default=list)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} @ {self.as_of}"


class Score(models.Model):
    """One unit's result in a run. ``detail`` is the explanation: ``{"criteria": [{"key",
    "label", "kind", "raw", "raw_text", "normalized", "weight", "effective_weight",
    "contribution"}], "adjustments": [{"points", "reason", "evidence", "assessor"}]}``."""

    scope_paths = ("unit_path",)

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    unit_code = models.CharField(max_length=40)
    unit_name = models.CharField(max_length=100)
    group = models.CharField(max_length=12)
    base = models.FloatField()
    adjustments = models.FloatField(default=0)
    total = models.FloatField()
    rank = models.PositiveIntegerField()
    group_size = models.PositiveIntegerField()
    bottom = models.BooleanField(default=False)
    previous_rank = models.PositiveIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["run_id", "group", "rank", "unit_code"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="assessment_score_unique")]
        indexes = [models.Index(fields=["run", "unit_path"])]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.total} #{self.rank}"

    @property
    def movement(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank

    def as_row(self) -> dict:
        """The plain row a diff compares."""
        return {
            "code": self.unit_code,
            "name": self.unit_name,
            "group": self.group,
            "total": self.total,
            "rank": self.rank,
            "adjustments": self.adjustments,
            "criteria": self.detail.get("criteria", []),
        }


class Publication(models.Model):
    """A published run (version n of the scheme's results). Frozen: it points at a run whose
    rows are never rewritten. ``diff`` lists what changed since version n − 1."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="publications")
    run = models.OneToOneField(Run, on_delete=models.PROTECT, related_name="publication")
    version = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    diff = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["scheme_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="assessment_publication_version")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.version}"
