"""Supervision: 包联 leaders, supervision notices (督办单), accountability actions (问责), and the
alerts the worker sends (reminders, missed reports, escalations) with their deliveries.

An ``Alert`` is history and queue at once (healthchecks' Flip): one row per thing a unit or a
person is told, unique per (assignment, kind, key date) so a sweep that runs twice tells no one
twice. Each channel it goes out on gets a ``Notification`` row (healthchecks' Notification):
saved as pending in the same transaction as the alert, claimed by a conditional UPDATE, marked
"sending" before the call and updated with the outcome, so a crash mid-send is visible and a
failed send is retried with back-off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Liaison(models.Model):
    """A leader assigned to a unit (包联: 省领导包县、市领导包乡、县领导包村).

    The unit lies in the subtree of the leader's own unit; ``leader_path`` copies that unit's
    path so the row is scoped like any other.
    """

    scope_paths = ("unit_path", "leader_path")

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaisons")
    leader_path = models.CharField(max_length=255)
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="liaisons")
    unit_path = models.CharField(max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("liaison leader")
        verbose_name_plural = _("liaison leaders")
        ordering = ["leader_id", "unit_path"]
        indexes = [models.Index(fields=["unit_path"])]
        constraints = [models.UniqueConstraint(fields=["leader", "unit"], name="supervision_liaison_unique")]

    def __str__(self) -> str:
        return f"{self.leader} → {self.unit}"


class NoticeCounter(models.Model):
    """The last notice number an issuing unit gave in a year; locked while a number is taken."""

    issuer = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="supervision_noticecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.year}: {self.last}"


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


class Notice(models.Model):
    """A supervision notice (督办单) for a lagging assignment: numbered per issuing unit and
    year without gaps (督办〔2026〕12号), acknowledged and answered by the unit."""

    scope_paths = ("unit_path", "issuer_path")

    issuer = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="notices_issued")
    issuer_path = models.CharField(max_length=255)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="notices_received", verbose_name=_("unit")
    )
    unit_path = models.CharField(max_length=255)
    assignment = models.ForeignKey(
        "tasks.Assignment", on_delete=models.PROTECT, related_name="notices", verbose_name=_("task")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    prefix = models.CharField(max_length=20, default="督办")
    problem = models.TextField(_("problem found"))
    action = models.TextField(_("required action"))
    reply_by = models.DateField(_("reply deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["unit_path"]), models.Index(fields=["issuer_path"])]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "number"], name="supervision_notice_number"),
            models.CheckConstraint(
                condition=Q(status__in=NoticeStatus.values), name="supervision_notice_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.number}号"

    @property
    def is_open(self) -> bool:
        return self.status != NoticeStatus.CLOSED


class AccountabilityKind(models.TextChoices):
    CIRCULATED_CRITICISM = "criticism", _("Circulated criticism (通报批评)")
    INTERVIEW = "interview", _("Interview (约谈)")
    ADMONITION = "admonition", _("Admonishment talk (诫勉谈话)")
    WRITTEN_REVIEW = "self_review", _("Written self-examination (书面检查)")
    ORGANIZATIONAL = "organizational", _("Organizational handling (组织处理)")
    OTHER = "other", _("Other")


class AccountabilityAction(models.Model):
    """An accountability action (问责) against a unit or a responsible person in it."""

    scope_paths = ("unit_path", "issuer_path")

    issuer = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="accountability_issued")
    issuer_path = models.CharField(max_length=255)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="accountability", verbose_name=_("unit")
    )
    unit_path = models.CharField(max_length=255)
    person_name = models.CharField(_("responsible person"), max_length=40, blank=True)
    person_post = models.CharField(_("post"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=AccountabilityKind.choices)
    reason = models.TextField(_("reason"))
    decided_on = models.DateField(_("date"))
    tasks = models.ManyToManyField("tasks.Task", blank=True, related_name="+", verbose_name=_("tasks"))
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.SET_NULL, related_name="accountability"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accountability action")
        verbose_name_plural = _("accountability actions")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["unit_path"]), models.Index(fields=["issuer_path"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccountabilityKind.values), name="supervision_accountability_kind_valid"
            )
        ]

    def __str__(self) -> str:
        who = f"{self.unit} {self.person_name}".strip()
        return f"{who}：{self.get_kind_display()}"


class AlertKind(models.TextChoices):
    DEADLINE = "deadline", _("Deadline reminder")
    MILESTONE = "milestone", _("Milestone reminder")
    MISSED = "missed", _("Missed report")
    ESCALATION = "escalation", _("Escalation")
    NOTICE = "notice", _("Supervision notice")
    NOTICE_REPLY = "notice_reply", _("Reply to a notice")
    NOTICE_OVERDUE = "notice_overdue", _("Notice reply overdue")
    ACCOUNTABILITY = "accountability", _("Accountability action")


class ChannelKind(models.TextChoices):
    INBOX = "inbox", _("In-app inbox")
    EMAIL = "email", _("Email")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    WECOM = "wecom", _("WeCom group robot")


class Channel(models.Model):
    """Where a unit wants its alerts: which kinds go to which channel (empty ``kinds`` = all).

    A unit without any channel gets every alert in the in-app inbox. Webhook secrets are kept
    here and never shown back in full (``secret_hint``).
    """

    scope_paths = ("unit__path",)

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    target = models.CharField(_("address or webhook URL"), max_length=500, blank=True)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    kinds = models.JSONField(_("alert kinds"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        ordering = ["unit_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChannelKind.values), name="supervision_channel_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    def wants(self, kind: str) -> bool:
        return self.enabled and (not self.kinds or kind in self.kinds)

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:4]}…（{len(self.secret)}）" if self.secret else ""

    @property
    def target_hint(self) -> str:
        """The URL without its token (``access_token=…``/``key=…`` are secrets too)."""
        if self.kind in (ChannelKind.DINGTALK, ChannelKind.WECOM):
            return self.target.split("?", 1)[0] + ("?…" if "?" in self.target else "")
        return self.target


class Alert(models.Model):
    """Something a unit (or, for a 包联 leader's copy, a person) is told. History and queue:
    its deliveries are ``Notification`` rows. ``key_date`` makes a reminder unique per
    (assignment, kind, day), so a sweep run twice or by two workers tells no one twice."""

    scope_paths = ("unit_path",)

    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="alerts")
    unit_path = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    assignment = models.ForeignKey(
        "tasks.Assignment", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    key_date = models.DateField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit_path", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "key_date"],
                condition=Q(assignment__isnull=False, user__isnull=True),
                name="supervision_alert_once",
            ),
            models.UniqueConstraint(
                fields=["assignment", "kind", "key_date", "user"],
                condition=Q(assignment__isnull=False, user__isnull=False),
                name="supervision_alert_copy_once",
            ),
            models.UniqueConstraint(
                fields=["notice", "kind", "unit"],
                condition=Q(notice__isnull=False, user__isnull=True),
                name="supervision_alert_notice_once",
            ),
            models.UniqueConstraint(
                fields=["notice", "kind", "user"],
                condition=Q(notice__isnull=False, user__isnull=False),
                name="supervision_alert_notice_copy_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AlertKind.values), name="supervision_alert_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One delivery of an alert on one channel: the outbox.

    Pending rows wait under a partial index on ``next_attempt_at``; a sender claims one by a
    conditional UPDATE (pending → sending, with a lease), sends, and records the outcome. A row
    left "sending" past its lease belonged to a worker that died mid-send; the recovery sweep
    puts it back. A failure is retried after ``backoff`` until ``max_attempts``.
    """

    scope_paths = ("alert__unit_path",)

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel_kind = models.CharField(max_length=10, choices=ChannelKind.choices)
    target = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="supervision_notif_due",
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status="sending"),
                name="supervision_notif_sending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "channel_kind", "target"], name="supervision_notification_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="supervision_notification_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert} → {self.channel_kind}"
