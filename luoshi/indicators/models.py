"""Indicators (指标): definitions, targets (目标值) and actuals (实际值) per unit and period,
and the stored rollup of actuals up the supervision tree.

Periods: an indicator is monthly, quarterly or yearly. A row's ``period`` is the month (1–12),
the quarter (1–4) or 0 for the whole year. A target with period 0 is the annual target; a
yearly indicator's actual has period 0 and holds the running figure for the year.

Targets, actuals and rollups copy their unit's path (``unit_path``, "C" collation on
PostgreSQL) so scope filters and subtree scans are one-table range scans.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Aggregation(models.TextChoices):
    """How the values of a unit's children combine into its own (see ``rollup``)."""

    SUM = "sum", _("Sum")
    MEAN = "mean", _("Mean")
    WEIGHTED = "weighted", _("Weighted mean")


class Accumulation(models.TextChoices):
    """How the periods of a year combine into the year-to-date figure."""

    SUM = "sum", _("Sum of the periods")
    MEAN = "mean", _("Mean of the periods")
    LATEST = "latest", _("Latest period")


class PeriodType(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


class ComputedFrom(models.TextChoices):
    """Where actuals come from: entered (form, Excel, API) or computed by a registered source."""

    ENTERED = "", _("Entered")
    LEDGER = "ledger", _("Ledger column")


class Origin(models.TextChoices):
    FORM = "form", _("Form")
    EXCEL = "excel", _("Excel import")
    API = "api", _("API")
    COMPUTED = "computed", _("Computed")


PERIOD_MAX = {PeriodType.MONTH: 12, PeriodType.QUARTER: 4, PeriodType.YEAR: 0}


class Indicator(models.Model):
    """A figure work is judged by (贫困人口脱贫 人, PM2.5平均浓度 μg/m³ ↓, 城市更新项目 项).

    Defined by an ``owner`` unit and issued downward: visible to the owner's subtree and to
    whoever sees the owner (``selectors.indicators_visible_to``).
    """

    scope_paths = ("owner_path",)

    owner = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="indicators", verbose_name=_("defined by")
    )
    owner_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    measure_unit = models.CharField(_("measure unit"), max_length=20, blank=True)
    direction = models.CharField(
        _("better direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    aggregation = models.CharField(
        _("aggregation over units"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    weight = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="weighted",
        verbose_name=_("weight indicator"),
    )
    period_type = models.CharField(
        _("period"), max_length=8, choices=PeriodType.choices, default=PeriodType.MONTH
    )
    accumulation = models.CharField(
        _("accumulation over periods"), max_length=8, choices=Accumulation.choices, default=Accumulation.SUM
    )
    computed_from = models.CharField(
        _("computed from"),
        max_length=12,
        choices=ComputedFrom.choices,
        default=ComputedFrom.ENTERED,
        blank=True,
    )
    computed_ref = models.JSONField(_("computation reference"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["owner_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="indicators_indicator_unique_name"),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="indicators_indicator_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(aggregation__in=Aggregation.values),
                name="indicators_indicator_aggregation_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(aggregation="weighted") | models.Q(weight__isnull=False),
                name="indicators_indicator_weighted_has_weight",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.measure_unit}）" if self.measure_unit else self.name

    @property
    def period_max(self) -> int:
        return PERIOD_MAX[self.period_type]


class _PerUnitPeriod(models.Model):
    scope_paths = ("unit_path",)

    unit_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(_("period"), default=0)

    class Meta:
        abstract = True


class Target(_PerUnitPeriod):
    """A unit's target for a year (period 0) or one period. ``baseline`` is the figure a "down"
    target is measured from (last year's PM2.5), optional."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="indicator_targets")
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4, null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator_id", "year", "period", "unit_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year", "period"], name="indicators_target_unique"
            )
        ]
        indexes = [models.Index(fields=["unit_path", "year"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit} {self.year}/{self.period}: {self.value}"


class Actual(_PerUnitPeriod):
    """A unit's reported figure for one period. A correction updates the row (audited)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="indicator_actuals")
    value = models.DecimalField(_("actual"), max_digits=20, decimal_places=4)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.FORM)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("actual")
        verbose_name_plural = _("actuals")
        ordering = ["indicator_id", "year", "period", "unit_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year", "period"], name="indicators_actual_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "year", "unit_path"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit} {self.year}/{self.period}: {self.value}"


class Rollup(_PerUnitPeriod):
    """The value of a unit that has no actual of its own, combined from its children
    (``rollup.rollup_tree``); ``n`` children contributed. Maintained by the services on every
    write of an actual, so the dashboard reads a handful of rows instead of a subtree."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rollups")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="indicator_rollups")
    value = models.FloatField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rolled-up value")
        verbose_name_plural = _("rolled-up values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "year", "period"], name="indicators_rollup_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "year", "unit_path"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_path} {self.year}/{self.period}: {self.value}"
