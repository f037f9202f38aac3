"""Submitting and reviewing progress reports.

``report_submit`` is idempotent by key: a retried POST carrying the same key returns the
report stored the first time. ``report_review`` is optimistic: the review row is unique per
report, so of two reviewers acting at once one wins and the other gets a conflict.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role as UserRole
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core import clock
from luoshi.core.exceptions import DomainError
from luoshi.core.permissions import require_acts_for
from luoshi.tasks.models import Assignment, AssignmentStatus, TaskStatus
from luoshi.tasks.services import lights_refresh, progress_refresh

from . import files
from .models import Attachment, Report, ReportState, Review


class Conflict(DomainError):
    """The object changed under the actor (someone else acted first)."""

    status = 409

    def __init__(self, message: str):
        super().__init__(message, code="conflict")


def _report_snapshot(report: Report) -> dict[str, Any]:
    return {
        "assignment": report.assignment_id,
        "percent": report.percent,
        "is_completion": report.is_completion,
        "actual_value": str(report.actual_value) if report.actual_value is not None else None,
        "supersedes": report.supersedes_id,
        "text": report.text[:200],
    }


def report_submit(
    *,
    actor: Any,
    assignment: Assignment,
    text: str,
    percent: int,
    is_completion: bool = False,
    actual_value: Decimal | None = None,
    uploads: Sequence[files.Upload] = (),
    idempotency_key: str = "",
    supersedes: Report | None = None,
) -> tuple[Report, bool]:
    """Report progress on the actor's own unit's assignment. Returns (report, created)."""
    require_acts_for(actor, assignment.unit, UserRole.REPORTER)
    key = (idempotency_key or "").strip()[:80]
    if key:
        existing = Report.objects.filter(assignment=assignment, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Describe the progress made."), code="required")
    if len(text) > 10000:
        raise DomainError(_("The report is too long (at most 10,000 characters)."), code="too_long")
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise DomainError(_("Progress must be a whole number from 0 to 100."), code="bad_percent") from None
    if not 0 <= percent <= 100:
        raise DomainError(_("Progress must be a whole number from 0 to 100."), code="bad_percent")
    if is_completion and percent != 100:
        raise DomainError(_("A completion report must state 100% progress."), code="bad_percent")
    if assignment.status != AssignmentStatus.ACTIVE:
        raise DomainError(_("This assignment is closed; no further reports are needed."), code="closed")
    if supersedes is not None:
        if supersedes.assignment_id != assignment.pk:
            raise DomainError(_("The corrected report belongs to another assignment."), code="bad_supersedes")
        if supersedes.state in (ReportState.SUPERSEDED, ReportState.ACCEPTED):
            raise Conflict(_("That report can no longer be corrected: it was accepted or corrected already."))
    checked = files.check(list(uploads))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                assignment=assignment,
                unit_path=assignment.unit_path,
                issuer_path=assignment.issuer_path,
                text=text,
                percent=percent,
                actual_value=actual_value,
                is_completion=is_completion,
                supersedes=supersedes,
                submitted_by=actor if getattr(actor, "pk", None) else None,
                submitted_at=clock.now(),
                idempotency_key=key,
            )
            for item in checked:
                files.store(item)
                Attachment.objects.create(
                    report=report,
                    filename=item.name,
                    content_type=item.content_type,
                    size=len(item.data),
                    sha256=item.sha256,
                )
            Assignment.objects.filter(pk=assignment.pk).update(last_report_at=report.submitted_at)
            record(
                actor=actor,
                action=Action.CREATE,
                obj=report,
                after=_report_snapshot(report),
                unit_path=assignment.unit_path,
                related=assignment.task,
                message=_("Correction") if supersedes else "",
            )
            assignment.refresh_from_db()
            progress_refresh(assignment)
            lights_refresh([assignment])
    except IntegrityError:
        # A concurrent retry with the same key, or a concurrent correction of the same report.
        if key:
            existing = Report.objects.filter(assignment=assignment, idempotency_key=key).first()
            if existing is not None:
                return existing, False
        raise Conflict(_("That report was corrected by someone else at the same time.")) from None
    return report, True


def report_review(*, actor: Any, report: Report, decision: str, reason: str = "") -> Review:
    """The issuing unit accepts a report or returns it with a reason.

    Accepting a completion report completes the assignment; when every assignment of the task
    is complete, the task is.
    """
    assignment = report.assignment
    task = assignment.task
    require_acts_for(actor, task.issuer, UserRole.SUPERVISOR)
    if decision not in Review.Decision.values:
        raise DomainError(_("Choose accept or return."), code="bad_decision")
    reason = (reason or "").strip()
    if decision == Review.Decision.RETURN and not reason:
        raise DomainError(_("Give the reason for returning the report."), code="required")
    try:
        with transaction.atomic():
            # Lock the report row's state by inserting the unique review; a correction that
            # arrived first makes this report superseded.
            if Report.objects.filter(supersedes=report).exists():
                raise Conflict(_("The report has been corrected since; review the latest version."))
            review = Review.objects.create(
                report=report, decision=decision, reason=reason, reviewer=actor, reviewed_at=clock.now()
            )
            if decision == Review.Decision.ACCEPT and report.is_completion:
                Assignment.objects.filter(pk=assignment.pk).update(
                    status=AssignmentStatus.COMPLETED, completed_at=review.reviewed_at, progress=100
                )
                if not task.assignments.exclude(
                    status__in=[AssignmentStatus.COMPLETED, AssignmentStatus.CANCELLED]
                ).exists():
                    type(task).objects.filter(pk=task.pk).update(status=TaskStatus.COMPLETED)
            record(
                actor=actor,
                action=Action.CREATE,
                obj=review,
                after={"report": report.pk, "decision": decision, "reason": reason},
                unit_path=assignment.unit_path,
                related=task,
            )
            assignment.refresh_from_db()
            progress_refresh(assignment)
            lights_refresh([assignment])
    except IntegrityError:
        existing = Review.objects.filter(report=report).select_related("reviewer").first()
        who = existing.reviewer if existing and existing.reviewer else None
        raise Conflict(
            _("The report was reviewed by %(who)s a moment ago.") % {"who": who or _("someone else")}
        ) from None
    return review
