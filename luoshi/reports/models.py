"""Progress reports (进展报送), their reviews (审核) and attachments.

Reports are append-only: a correction is a new report that supersedes the old one, and a
review is a row of its own, so no report row is ever updated. One review per report and one
correction per report are database constraints: of two reviewers acting at once, one wins
and the other gets a conflict.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class Report(models.Model):
    scope_paths = ("unit_path", "issuer_path")

    assignment = models.ForeignKey("tasks.Assignment", on_delete=models.CASCADE, related_name="reports")
    unit_path = models.CharField(max_length=255)
    issuer_path = models.CharField(max_length=255)
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    actual_value = models.DecimalField(
        _("figure reached"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    is_completion = models.BooleanField(_("completion report"), default=False)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    idempotency_key = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["unit_path"]), models.Index(fields=["issuer_path"])]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="reports_report_idempotency",
            ),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="reports_report_percent_range"),
            models.CheckConstraint(
                condition=models.Q(is_completion=False) | models.Q(percent=100),
                name="reports_report_completion_is_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.percent}%"

    @property
    def state(self) -> str:
        if getattr(self, "_superseded", None) or hasattr(self, "superseded_by"):
            return ReportState.SUPERSEDED
        review = getattr(self, "review", None)
        if review is None:
            return ReportState.PENDING
        return ReportState.ACCEPTED if review.decision == Review.Decision.ACCEPT else ReportState.RETURNED

    @property
    def state_label(self) -> str:
        return str(ReportState(self.state).label)


class Review(models.Model):
    """The issuer's decision on a report: accept, or return with a reason."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        RETURN = "return", _("Return")

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="review")
    decision = models.CharField(_("decision"), max_length=6, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="return") | ~models.Q(reason=""),
                name="reports_review_return_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.report}"


class Attachment(models.Model):
    """A file attached to a report, stored once by its SHA-256 under MEDIA_ROOT/attachments."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def storage_name(self) -> str:
        return f"attachments/{self.sha256[:2]}/{self.sha256}"
