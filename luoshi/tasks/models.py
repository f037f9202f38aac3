"""Sources (meetings, documents, instructions), the tasks decomposed from them, and their
assignment to units down the supervision tree.

A Task is what is to be done, issued by one unit. Each unit it is given to holds an Assignment
(lead or co-unit); the assignee reports on its assignment and may decompose it into sub-tasks
for its own subordinate units, whose assignments roll their progress up into it.
Stored states are human decisions; the warning light is computed (``tasks.lights``) and
cached on the assignment by ``tasks.services.lights_refresh``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    DOCUMENT = "document", _("Document")
    INSTRUCTION = "instruction", _("Leader's instruction")


class Source(models.Model):
    """Where tasks come from. A meeting lists its main venue and its sub-venues (分会场)."""

    scope_paths = ("issuer_path", "tasks__assignments__unit_path")

    kind = models.CharField(_("kind"), max_length=12, choices=SourceKind.choices, default=SourceKind.MEETING)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    issuer = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="sources", verbose_name=_("issuer")
    )
    issuer_path = models.CharField(max_length=255, db_index=True)
    venue = models.CharField(_("main venue"), max_length=100, blank=True)
    sub_venues = models.ManyToManyField(
        "units.Unit", blank=True, related_name="+", verbose_name=_("sub-venues")
    )
    text = models.TextField(_("full text"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Cadence(models.TextChoices):
    NONE = "none", _("No regular reports")
    WEEKLY = "weekly", _("Weekly")
    HALF_MONTHLY = "half_monthly", _("Half-monthly")
    MONTHLY = "monthly", _("Monthly")
    MILESTONES = "milestones", _("At milestones")


class Task(models.Model):
    """One item of work. Top-level tasks come from the source; a sub-task decomposes an
    assignment (``parent_assignment``) and is issued by that assignment's unit."""

    scope_paths = ("issuer_path", "assignments__unit_path")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("source")
    )
    parent_assignment = models.ForeignKey(
        "Assignment", null=True, blank=True, on_delete=models.CASCADE, related_name="subtasks"
    )
    issuer = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="issued_tasks")
    issuer_path = models.CharField(max_length=255, db_index=True)
    seq = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.ACTIVE
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_workdays = models.PositiveSmallIntegerField(_("deadline in working days"), null=True, blank=True)
    cadence = models.CharField(
        _("reporting cadence"), max_length=12, choices=Cadence.choices, default=Cadence.NONE
    )
    target_value = models.DecimalField(_("target"), max_digits=20, decimal_places=4, null=True, blank=True)
    target_unit = models.CharField(_("target unit"), max_length=20, blank=True)
    responsible_name = models.CharField(_("responsible person"), max_length=40, blank=True)
    responsible_post = models.CharField(_("post"), max_length=60, blank=True)
    is_relay = models.BooleanField(_("relay of the meeting"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["source_id", "seq", "id"]
        indexes = [models.Index(fields=["source", "parent_assignment"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=TaskStatus.values), name="tasks_task_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(cadence__in=Cadence.values), name="tasks_task_cadence_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A dated checkpoint with the progress expected by then (时间节点)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    title = models.CharField(_("milestone"), max_length=100)
    expected_progress = models.PositiveSmallIntegerField(_("expected progress (%)"))

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_progress__lte=100), name="tasks_milestone_progress_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class Role(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-unit")


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Assignment(models.Model):
    """A task given to one unit (交办). The unit's and the issuer's paths are copied onto the
    row so scope filters and rollups are one-table range scans."""

    scope_paths = ("unit_path", "issuer_path")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assignments")
    unit_path = models.CharField(max_length=255)
    issuer_path = models.CharField(max_length=255)
    role = models.CharField(_("role"), max_length=4, choices=Role.choices, default=Role.LEAD)
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    responsible_name = models.CharField(_("responsible person"), max_length=40, blank=True)
    responsible_post = models.CharField(_("post"), max_length=60, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_report_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    light = models.CharField(_("light"), max_length=6, choices=Light.choices, default=Light.GREEN)
    light_reason = models.CharField(_("reason"), max_length=200, blank=True)
    light_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task_id", "role", "unit_path"]
        indexes = [
            models.Index(fields=["unit_path", "status"]),
            models.Index(fields=["issuer_path", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="tasks_assignment_unique_unit"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="tasks_assignment_progress_range"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="tasks_assignment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.status == AssignmentStatus.ACTIVE
