"""Demo data for supervision: a notice for a lagging sample task, an accountability action,
a 包联 leader, and inbox channel settings. Needs the demo accounts and the sample meeting."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from luoshi.accounts.models import User
from luoshi.core import clock
from luoshi.units.models import Unit

from . import services
from .models import Channel, Liaison, Notice


@transaction.atomic
def load() -> bool:
    """Returns False when the demo notice exists already (or the sample meeting is missing)."""
    from luoshi.core.demo import SAMPLE_TITLE, load_sample_meeting
    from luoshi.tasks.models import Assignment

    load_sample_meeting()
    if Notice.objects.exists():
        return False
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["hebei-supervisor", "hebei-leader", "sjz-supervisor", "sjz-leader"]
        )
    }
    sjz = Unit.objects.get(code="130100000000")
    changan = Unit.objects.get(code="130102000000")
    # A lagging assignment of 石家庄市 in the sample meeting (not green; earliest deadline first).
    lagging = (
        Assignment.objects.filter(task__source__title=SAMPLE_TITLE, unit=sjz, status="active")
        .exclude(light="green")
        .select_related("task", "unit")
        .order_by("deadline")
        .first()
    )
    if lagging is None or "hebei-supervisor" not in users:
        return False
    leader = users.get("hebei-leader")
    if leader is not None and not Liaison.objects.filter(leader=leader, unit=sjz).exists():
        services.liaison_add(actor=users["hebei-supervisor"], leader=leader, unit=sjz)
    sjz_leader = users.get("sjz-leader")
    if sjz_leader is not None and not Liaison.objects.filter(leader=sjz_leader, unit=changan).exists():
        services.liaison_add(actor=users["sjz-supervisor"], leader=sjz_leader, unit=changan)
    today = clock.today()
    notice = services.notice_issue(
        actor=users["hebei-supervisor"],
        assignment=lagging,
        problem="入户排查进度滞后于时间节点，部分县（市、区）未按期报送进展。",
        action="立即组织专项调度，逐县逐乡压实责任，补报排查进展和未稳定脱贫人员清单。",
        reply_by=today + dt.timedelta(days=7),
        today=today,
    )
    services.accountability_record(
        actor=users["hebei-supervisor"],
        unit=sjz,
        kind="interview",
        reason="重点任务推进滞后，督办后整改不到位，对牵头责任人进行约谈。",
        decided_on=today,
        person_name="王某",
        person_post="分管副市长",
        tasks=[lagging.task],
        notice=notice,
    )
    for unit, actor in ((sjz, users.get("sjz-supervisor")), (changan, None)):
        if actor is not None and not Channel.objects.filter(unit=unit).exists():
            services.channel_save(actor=actor, unit=unit, kind="inbox", name="站内消息")
    return True
