"""The worker's periodic jobs, as plain functions of ``now`` that tests call directly.

- ``lights_sweep``: the daily recompute of every open assignment's light (tasks.services).
- ``reminders_sweep``: on working days, remind units of deadlines and milestones coming up in
  ``LUOSHI_REMINDER_LEADS`` working days (3 before, and on the day, by default).
- ``missed_sweep``: on working days, tell a unit it missed a reporting cycle; after
  ``LUOSHI_ESCALATE_AFTER`` consecutive misses, tell its supervising parent (and the unit's
  包联 leaders).
- ``notices_overdue_sweep``: a notice not answered by its reply deadline.

Each alert is unique per (assignment or notice, kind, day), so a sweep run again, by a
restarted worker or by two workers at once, tells no one twice. A day the worker missed is
caught up (up to ``CATCH_UP_DAYS``) while the dates reminded of still lie ahead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luoshi.core import clock
from luoshi.core.calendar import work_calendar
from luoshi.core.models import State
from luoshi.core.workdays import WorkCalendar, working_days_between
from luoshi.tasks import lights
from luoshi.tasks.models import Assignment, AssignmentStatus, Cadence, Milestone

from .models import AlertKind, Notice, NoticeStatus
from .outbox import alert_create
from .reminders import dates_reminded_on

logger = logging.getLogger(__name__)

CATCH_UP_DAYS = 7
REMINDERS_KEY = "supervision_reminders_on"
MISSED_KEY = "supervision_missed_on"


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def _task_link(assignment_or_task_id: int) -> str:
    return reverse("tasks:task_detail", args=[assignment_or_task_id])


def lights_sweep(now: dt.datetime) -> int:
    """Recompute the lights once a day (tasks.services records the day of the sweep)."""
    from luoshi.tasks.services import SWEEP_STATE_KEY, lights_refresh

    today = _today(now)
    if State.get(SWEEP_STATE_KEY) == today.isoformat():
        return 0
    return lights_refresh(today=today)


def _days_to_cover(key: str, today: dt.date) -> list[dt.date]:
    last = State.get(key)
    start = today
    if last:
        try:
            start = max(
                dt.date.fromisoformat(last) + dt.timedelta(days=1), today - dt.timedelta(days=CATCH_UP_DAYS)
            )
        except ValueError:
            start = today
    return [start + dt.timedelta(days=i) for i in range((today - start).days + 1)]


def _deadline_text(deadline: dt.date, day: dt.date, cal: WorkCalendar) -> str:
    left = working_days_between(day, deadline, cal)
    if left <= 0:
        return _("due today (%(date)s)") % {"date": deadline.isoformat()}
    return ngettext("due in %(n)d working day (%(date)s)", "due in %(n)d working days (%(date)s)", left) % {
        "n": left,
        "date": deadline.isoformat(),
    }


def reminders_sweep(now: dt.datetime, calendar: WorkCalendar | None = None) -> int:
    """Deadline and milestone reminders for today (and days missed since the last run)."""
    today = _today(now)
    cal = calendar or work_calendar()
    leads = settings.LUOSHI_REMINDER_LEADS
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for day in _days_to_cover(REMINDERS_KEY, today):
            dates = {d for d in dates_reminded_on(day, leads, cal) if d >= today}
            if not dates:
                continue
            due = (
                Assignment.objects.filter(status=AssignmentStatus.ACTIVE, deadline__in=dates)
                .select_related("task", "unit")
                .order_by("pk")
            )
            for a in due.iterator(chunk_size=2000):
                if a.progress >= 100:
                    continue
                if alert_create(
                    kind=AlertKind.DEADLINE,
                    unit=a.unit,
                    assignment=a,
                    key_date=day,
                    title=_("Reminder: %(task)s is %(when)s")
                    % {"task": a.task.title, "when": _deadline_text(a.deadline, day, cal)},
                    body=_("Progress so far: %(p)d%%. Please report on time.") % {"p": a.progress},
                    link=_task_link(a.task_id),
                    now=now,
                ):
                    sent += 1
            milestones: dict[int, list[Milestone]] = defaultdict(list)
            for m in Milestone.objects.filter(date__in=dates):
                milestones[m.task_id].append(m)
            if milestones:
                for a in (
                    Assignment.objects.filter(status=AssignmentStatus.ACTIVE, task_id__in=milestones)
                    .select_related("task", "unit")
                    .order_by("pk")
                ):
                    ahead = [m for m in milestones[a.task_id] if a.progress < m.expected_progress]
                    if not ahead:
                        continue
                    m = min(ahead, key=lambda m: m.date)
                    if alert_create(
                        kind=AlertKind.MILESTONE,
                        unit=a.unit,
                        assignment=a,
                        key_date=day,
                        title=_("Reminder: milestone “%(title)s” of %(task)s is %(when)s")
                        % {"title": m.title, "task": a.task.title, "when": _deadline_text(m.date, day, cal)},
                        body=_("Expected by then: %(e)d%%; reported so far: %(p)d%%.")
                        % {"e": m.expected_progress, "p": a.progress},
                        link=_task_link(a.task_id),
                        now=now,
                    ):
                        sent += 1
    State.put(REMINDERS_KEY, today.isoformat())
    return sent


def missed_sweep(now: dt.datetime, calendar: WorkCalendar | None = None, chunk: int = 5000) -> int:
    """A missed reporting cycle tells the unit; ``LUOSHI_ESCALATE_AFTER`` in a row tell its parent.

    Runs on working days; each alert is keyed on the latest due date missed, so one missed
    cycle is told once, and a further miss is told again.
    """
    from luoshi.reports.models import Report, Review
    from luoshi.tasks.services import thresholds

    today = _today(now)
    cal = calendar or work_calendar()
    if not cal.is_workday(today):
        return 0
    t = thresholds()
    escalate_after = settings.LUOSHI_ESCALATE_AFTER
    sent = 0
    active = (
        Assignment.objects.filter(status=AssignmentStatus.ACTIVE)
        .exclude(task__cadence=Cadence.NONE)
        .select_related("task", "unit", "unit__parent")
        .order_by("pk")
    )
    last_pk = 0
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            rows = list(active.filter(pk__gt=last_pk)[:chunk])
            if not rows:
                break
            last_pk = rows[-1].pk
            ids = [a.pk for a in rows]
            dates: dict[int, list[dt.date]] = defaultdict(list)
            for aid, at in (
                Report.objects.filter(assignment_id__in=ids)
                .exclude(review__decision=Review.Decision.RETURN)
                .values_list("assignment_id", "submitted_at")
            ):
                dates[aid].append(timezone.localtime(at).date())
            stones: dict[int, list[tuple[dt.date, str, int]]] = defaultdict(list)
            for task_id, date, title, expected in Milestone.objects.filter(
                task_id__in={a.task_id for a in rows}
            ).values_list("task_id", "date", "title", "expected_progress"):
                stones[task_id].append((date, title, expected))
            for a in rows:
                inputs = lights.LightInput(
                    start=a.start_date,
                    deadline=a.deadline,
                    progress=a.progress,
                    milestones=tuple(sorted(stones.get(a.task_id, ()))),
                    cadence=a.task.cadence,
                    report_dates=tuple(sorted(dates.get(a.pk, ()))),
                )
                missed = lights.missed_cycles(inputs, today, t)
                if not missed:
                    continue
                dues = [
                    d
                    for d in lights.due_dates(
                        inputs.cadence, inputs.start, today - dt.timedelta(days=1), inputs.milestones
                    )
                    if (d - inputs.start).days >= t.min_cycle_days
                ]
                last_due = dues[-1]
                if alert_create(
                    kind=AlertKind.MISSED,
                    unit=a.unit,
                    assignment=a,
                    key_date=last_due,
                    title=ngettext(
                        "Report missing: %(task)s (%(n)d cycle missed)",
                        "Report missing: %(task)s (%(n)d consecutive cycles missed)",
                        missed,
                    )
                    % {"task": a.task.title, "n": missed},
                    body=_("The report due on %(date)s has not arrived. Please report now.")
                    % {"date": last_due.isoformat()},
                    link=_task_link(a.task_id),
                    now=now,
                ):
                    sent += 1
                parent = a.unit.parent
                if missed >= escalate_after and parent is not None:
                    if alert_create(
                        kind=AlertKind.ESCALATION,
                        unit=parent,
                        assignment=a,
                        key_date=last_due,
                        title=_("Escalation: %(unit)s has missed %(n)d reports on %(task)s")
                        % {"unit": a.unit.name, "n": missed, "task": a.task.title},
                        body=_("Last report due on %(date)s. Please follow up with %(unit)s.")
                        % {"date": last_due.isoformat(), "unit": a.unit.name},
                        link=_task_link(a.task_id),
                        copy_leaders_of=a.unit,
                        now=now,
                    ):
                        sent += 1
    State.put(MISSED_KEY, today.isoformat())
    return sent


def notices_overdue_sweep(now: dt.datetime) -> int:
    """Notices not answered by their reply deadline: tell the unit (and its 包联 leaders), once."""
    today = _today(now)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for notice in Notice.objects.filter(
            status__in=[NoticeStatus.ISSUED, NoticeStatus.ACKNOWLEDGED], reply_by__lt=today
        ).select_related("unit", "assignment__task"):
            if alert_create(
                kind=AlertKind.NOTICE_OVERDUE,
                unit=notice.unit,
                notice=notice,
                key_date=notice.reply_by,
                title=_("Overdue: reply to %(code)s was due on %(date)s")
                % {"code": notice.code, "date": notice.reply_by.isoformat()},
                body=notice.assignment.task.title,
                link=reverse("supervision:notice_detail", args=[notice.pk]),
                copy_leaders_of=notice.unit,
                now=now,
            ):
                sent += 1
    return sent


def run_daily(now: dt.datetime | None = None) -> dict[str, int]:
    """Every sweep, in order; each is cheap to repeat on the same day."""
    now = now or clock.now()
    out = {}
    for name, sweep in (
        ("lights", lights_sweep),
        ("reminders", reminders_sweep),
        ("missed", missed_sweep),
        ("notices", notices_overdue_sweep),
    ):
        try:
            out[name] = sweep(now)
        except Exception:  # one failing sweep must not stop the others, nor the worker
            logger.exception("sweep %s failed", name)
            out[name] = -1
    return out
