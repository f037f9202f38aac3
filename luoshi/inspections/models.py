"""Inspections: checklists sent for self-inspection (自查), random spot checks (抽查, 双随机),
and the problem ledger (问题清单) whose every finding is rectified as a task and closed
(销号) only when its issuer verifies the evidence.

Unit paths are copied onto every row that scoping or a subtree filter reads, as tasks do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Checklists and self-inspection ---------------------------------------------------------------


class Checklist(models.Model):
    """A list of items to check, each with its standard and a score or pass/fail (检查清单)."""

    scope_paths = ("owner_path", "self_checks__unit_path")

    owner = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    owner_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.ForeignKey(
        "tasks.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def max_score(self):
        return sum((i.max_score or 0) for i in self.items.all() if i.kind == ItemKind.SCORE)


class ItemKind(models.TextChoices):
    SCORE = "score", _("Score")
    PASS = "pass", _("Pass / fail")


class ChecklistItem(models.Model):
    """One item: what is checked, the standard it is held to, and how it is marked.

    ``key`` names the problem category for repeat detection: the same key found again in
    the same unit is a repeat problem, across checklists and years (by default the item's
    text, normalized).
    """

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("item"), max_length=300)
    standard = models.TextField(_("standard"), blank=True)
    kind = models.CharField(_("marking"), max_length=5, choices=ItemKind.choices, default=ItemKind.PASS)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, null=True, blank=True)
    key = models.CharField(_("problem key"), max_length=120)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "seq"], name="inspections_item_unique_seq"),
            models.CheckConstraint(
                condition=models.Q(kind__in=ItemKind.values), name="inspections_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="pass") | models.Q(max_score__gt=0),
                name="inspections_item_score_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text}"


class SelfCheckStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answers")
    SUBMITTED = "submitted", _("Submitted")


class SelfCheck(models.Model):
    """A checklist sent to one unit for self-inspection, with a deadline; answered item by item."""

    scope_paths = ("unit_path", "owner_path")

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="self_checks")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    unit_path = models.CharField(max_length=255)
    owner_path = models.CharField(max_length=255)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=SelfCheckStatus.choices, default=SelfCheckStatus.PENDING
    )
    sent_at = models.DateTimeField(_("sent at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2, null=True, blank=True)
    failed = models.PositiveSmallIntegerField(_("items failed"), default=0)

    class Meta:
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")
        ordering = ["checklist_id", "unit_path"]
        indexes = [models.Index(fields=["unit_path"]), models.Index(fields=["owner_path"])]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "unit"], name="inspections_selfcheck_unique_unit"),
            models.CheckConstraint(
                condition=models.Q(status__in=SelfCheckStatus.values),
                name="inspections_selfcheck_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checklist} · {self.unit}"


class Answer(models.Model):
    """A unit's answer to one item: pass/fail or a score, a note and the evidence it rests on."""

    self_check = models.ForeignKey(SelfCheck, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="answers")
    passed = models.BooleanField(_("passed"), null=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["self_check", "item"], name="inspections_answer_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.self_check} · {self.item.seq}"


# --- Spot checks -------------------------------------------------------------------------------------


class Draw(models.Model):
    """A random spot-check draw (双随机). The seed, the canonical input, its digest and the
    result are stored as they were, so ``draw.verify`` can re-run it and compare."""

    scope_paths = ("owner_path", "inspections__unit_path", "inspections__inspectors__unit_path")

    class Strata(models.TextChoices):
        NONE = "none", _("Not stratified")
        LEVEL = "level", _("By level")
        CITY = "city", _("By subordinate area (city)")

    owner = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("organizer")
    )
    owner_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("draw date"))
    checklist = models.ForeignKey(
        Checklist,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="draws",
        verbose_name=_("checklist"),
    )
    levels = models.JSONField(_("levels"), default=list)
    strata = models.CharField(_("strata"), max_length=5, choices=Strata.choices, default=Strata.NONE)
    seed = models.CharField(_("seed"), max_length=64)
    inputs = models.JSONField(_("input"))
    digest = models.CharField(_("input digest"), max_length=64)
    result = models.JSONField(_("result"))
    source = models.ForeignKey(
        "tasks.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spot-check draw")
        verbose_name_plural = _("spot-check draws")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class Inspection(models.Model):
    """One unit drawn for a spot check, with the inspectors drawn for it."""

    scope_paths = ("unit_path", "owner_path", "inspectors__unit_path")

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="inspections")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    unit_path = models.CharField(max_length=255)
    owner_path = models.CharField(max_length=255)
    stratum = models.CharField(_("stratum"), max_length=255, blank=True)
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["draw_id", "unit_path"]
        indexes = [models.Index(fields=["unit_path", "date"]), models.Index(fields=["owner_path"])]
        constraints = [
            models.UniqueConstraint(fields=["draw", "unit"], name="inspections_inspection_unique_unit")
        ]

    def __str__(self) -> str:
        return f"{self.draw} · {self.unit}"


class Inspector(models.Model):
    """An inspector drawn for an inspection; ``unit_path`` is the inspector's own unit."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="inspectors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        indexes = [models.Index(fields=["unit_path"])]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="inspections_inspector_unique_user")
        ]

    def __str__(self) -> str:
        return str(self.user)


# --- The problem ledger ------------------------------------------------------------------------------


class FindingSource(models.TextChoices):
    SPOT_CHECK = "spot_check", _("Spot check")
    SELF_CHECK = "self_check", _("Self-inspection")
    AUDIT = "audit", _("Audit")
    TOUR = "tour", _("Inspection tour")
    SUPERVISION = "supervision", _("Supervision")
    ASSESSMENT = "assessment", _("Assessment")


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    CRITICAL = "critical", _("Critical")


class FindingStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded, awaiting issue")
    RECTIFYING = "rectifying", _("Being rectified")
    CLOSED = "closed", _("Closed (verified)")


class Finding(models.Model):
    """A problem found (问题), its rectification (整改) and its closing (销号).

    The issuer tracks it and alone may close it; ``assignment`` is the current rectification
    assignment (a real task given to the responsible unit). Reopening starts a new round with
    a new assignment; ``FindingEvent`` keeps every state change.
    """

    scope_paths = ("unit_path", "issuer_path", "inspection__inspectors__unit_path")

    issuer = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    issuer_path = models.CharField(max_length=255)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit")
    )
    unit_path = models.CharField(max_length=255)
    source_kind = models.CharField(_("found by"), max_length=12, choices=FindingSource.choices)
    source_ref = models.CharField(_("source"), max_length=200, blank=True)
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    self_check = models.ForeignKey(
        SelfCheck, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    problem_key = models.CharField(_("problem key"), max_length=120, blank=True)
    description = models.TextField(_("problem"))
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.GENERAL
    )
    measures = models.TextField(_("rectification measures"), blank=True)
    deadline = models.DateField(_("rectification deadline"))
    found_on = models.DateField(_("found on"))
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.RECORDED
    )
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    task_source = models.ForeignKey(
        "tasks.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "tasks.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["unit_path", "status"]),
            models.Index(fields=["issuer_path", "status"]),
            models.Index(fields=["unit", "problem_key"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source_kind__in=FindingSource.values),
                name="inspections_finding_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values), name="inspections_finding_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FindingStatus.values), name="inspections_finding_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="inspections_finding_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status != FindingStatus.CLOSED


class FindingEvent(models.Model):
    """One change of a finding's state (append-only): its history survives reopening."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        ISSUED = "issued", _("Rectification issued")
        MEASURES = "measures", _("Measures updated")
        CLOSED = "closed", _("Verified and closed")
        REOPENED = "reopened", _("Reopened")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    round = models.PositiveSmallIntegerField(_("round"))
    assignment = models.ForeignKey(
        "tasks.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("finding event")
        verbose_name_plural = _("finding events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.finding}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Finding events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Finding events are append-only.")
