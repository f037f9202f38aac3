"""The outbox: alerts fan out into deliveries; a delivery is claimed, sent once, retried on failure.

``alert_create`` writes the alert and one ``Notification`` per channel in the caller's
transaction and enqueues a django-tasks job per external delivery in that same transaction (the
database backend stores the job as a row), so an alert and its sends commit or vanish together.

``deliver`` is what the job runs: a conditional UPDATE claims the row (pending → sending, with
a lease) and only the winner sends; the outcome is written conditionally on the lease it
holds. A failed send goes back to pending with a later ``next_attempt_at`` and a job deferred
to then; after ``LUOSHI_OUTBOX_MAX_ATTEMPTS`` it is failed for good.

``recover`` (a sweep) handles crashes: a row still "sending" after its lease belonged to a
worker that was killed mid-send and is put back; a pending row long past its time lost its
job (the worker died after taking the job, before claiming the row) and gets a new one.
The one case that can send twice is a crash in the instant between the receiver accepting a
message and the outcome being committed; deliveries carry their id (Message-ID, header
X-Luoshi-Delivery) so a receiver can tell.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from luoshi.core import clock
from luoshi.units.models import Unit

from .models import Alert, Channel, ChannelKind, DeliveryStatus, Liaison, Notification
from .reminders import backoff
from .transports import TransportError, transport_for

logger = logging.getLogger(__name__)


def _enqueue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    from .jobs import send_notification

    job = send_notification.using(run_after=run_after) if run_after else send_notification
    job.enqueue(notification_id)


def channels_for(unit: Unit, kind: str) -> list[Channel]:
    """The unit's channels that want ``kind``; a unit that set up none gets the inbox."""
    channels = list(Channel.objects.filter(unit=unit))
    if not channels:
        return [Channel(unit=unit, kind=ChannelKind.INBOX)]
    return [c for c in channels if c.wants(kind)]


def alert_create(
    *,
    kind: str,
    unit: Unit,
    title: str,
    body: str = "",
    key_date: dt.date,
    assignment: Any = None,
    notice: Any = None,
    user: Any = None,
    link: str = "",
    copy_leaders_of: Unit | None = None,
    now: dt.datetime | None = None,
) -> Alert | None:
    """Record an alert and queue its deliveries; None when the same alert exists already.

    ``copy_leaders_of``: also tell the 包联 leaders of that unit (each gets a personal copy in
    the inbox).
    """
    now = now or clock.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    kind=kind,
                    unit=unit,
                    unit_path=unit.path,
                    user=user,
                    assignment=assignment,
                    notice=notice,
                    key_date=key_date,
                    title=title[:200],
                    body=body,
                    link=link[:200],
                    created_at=now,
                )
        except IntegrityError:
            return None
        if user is not None:
            targets: list[Channel] = [Channel(unit=unit, kind=ChannelKind.INBOX)]
        else:
            targets = channels_for(unit, kind)
        for channel in targets:
            inbox = channel.kind == ChannelKind.INBOX
            notification, created = Notification.objects.get_or_create(
                alert=alert,
                channel_kind=channel.kind,
                target=channel.target,
                defaults={
                    "channel": channel if channel.pk else None,
                    "status": DeliveryStatus.SENT if inbox else DeliveryStatus.PENDING,
                    "sent_at": now if inbox else None,
                    "next_attempt_at": None if inbox else now,
                    "created_at": now,
                },
            )
            if created and not inbox:
                _enqueue(notification.pk)
        if copy_leaders_of is not None and user is None:
            for liaison in Liaison.objects.filter(unit=copy_leaders_of).select_related("leader__unit"):
                leader = liaison.leader
                if leader.unit is None or not leader.is_active:
                    continue
                alert_create(
                    kind=kind,
                    unit=leader.unit,
                    user=leader,
                    title=title,
                    body=body,
                    key_date=key_date,
                    assignment=assignment,
                    notice=notice,
                    link=link,
                    now=now,
                )
    return alert


def deliver(notification_id: int, now: dt.datetime | None = None) -> str:
    """Send one delivery if it is due and nobody holds it. Returns what happened."""
    now = now or clock.now()
    lease_until = now + dt.timedelta(seconds=settings.LUOSHI_OUTBOX_LEASE)
    claimed = Notification.objects.filter(
        pk=notification_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, lease_until=lease_until, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    notification = Notification.objects.select_related("alert", "channel").get(pk=notification_id)
    mine = Notification.objects.filter(
        pk=notification_id, status=DeliveryStatus.SENDING, lease_until=lease_until
    )
    try:
        with translation.override(settings.LANGUAGE_CODE):
            transport_for(notification).notify()
    except Exception as exc:
        error = str(exc)[:500] if isinstance(exc, TransportError) else f"{type(exc).__name__}: {exc}"[:500]
        if not isinstance(exc, TransportError):
            logger.exception("delivery %s failed unexpectedly", notification_id)
        if notification.attempts >= settings.LUOSHI_OUTBOX_MAX_ATTEMPTS:
            mine.update(status=DeliveryStatus.FAILED, lease_until=None, error=error)
            return "failed"
        retry_at = now + dt.timedelta(seconds=backoff(notification.attempts, settings.LUOSHI_OUTBOX_BACKOFF))
        with transaction.atomic():
            if mine.update(
                status=DeliveryStatus.PENDING, lease_until=None, next_attempt_at=retry_at, error=error
            ):
                _enqueue(notification_id, retry_at)
        return "retry"
    mine.update(status=DeliveryStatus.SENT, lease_until=None, sent_at=clock.now(), error="")
    return "sent"


def recover(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Give a new job to deliveries whose worker died (lease expired) or whose job was lost."""
    now = now or clock.now()
    grace = dt.timedelta(seconds=settings.LUOSHI_OUTBOX_LEASE)
    count = 0
    stuck = Notification.objects.filter(status=DeliveryStatus.SENDING, lease_until__lt=now)
    for pk, lease in list(stuck.values_list("pk", "lease_until")[:limit]):
        with transaction.atomic():
            if Notification.objects.filter(pk=pk, status=DeliveryStatus.SENDING, lease_until=lease).update(
                status=DeliveryStatus.PENDING,
                lease_until=None,
                next_attempt_at=now,
                error="interrupted: the worker stopped while sending",
            ):
                _enqueue(pk)
                count += 1
    lost = Notification.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lt=now - grace)
    for pk, due in list(lost.values_list("pk", "next_attempt_at")[:limit]):
        with transaction.atomic():
            if Notification.objects.filter(pk=pk, status=DeliveryStatus.PENDING, next_attempt_at=due).update(
                next_attempt_at=now
            ):
                _enqueue(pk)
                count += 1
    return count


def deliver_due(now: dt.datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Send every due delivery now, without the queue (tests, ``luoshi worker --drain``)."""
    now = now or clock.now()
    outcome: dict[str, int] = {}
    ids: Iterable[int] = list(
        Notification.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        result = deliver(pk, now=now)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome


def localdate(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()
