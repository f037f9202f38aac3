"""The demo data set: Hebei's units, its departments and groups, and demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from luoshi.accounts.models import Role, User
from luoshi.accounts.services import user_create, user_set_password
from luoshi.units.importer import ImportResult, import_builtin
from luoshi.units.models import Level, Unit, UnitGroup
from luoshi.units.services import departments_add, group_create

# (username prefix, unit code) for the four demo levels.
DEMO_UNITS = [
    ("hebei", "130000000000"),
    ("sjz", "130100000000"),
    ("changan", "130102000000"),
    ("jianbei", "130102001000"),
]
DEMO_ROLES = [Role.SUPERVISOR, Role.REPORTER, Role.LEADER]
ROLE_NAMES = {Role.SUPERVISOR: "督查", Role.REPORTER: "填报", Role.LEADER: "领导", Role.ADMIN: "管理员"}


@dataclass
class DemoAccount:
    username: str
    unit: str
    roles: list[str]
    password: str | None


def load_units() -> ImportResult:
    result = import_builtin(actor=None, province="13")
    province = Unit.objects.get(code="130000000000")
    city = Unit.objects.get(code="130100000000")
    departments_add(actor=None, division=province)
    departments_add(actor=None, division=city)
    groups = [
        (province, "各市（含定州、辛集市）和雄安新区", UnitGroup.Rule.CHILDREN, province, ""),
        (province, "全省县（市、区）", UnitGroup.Rule.LEVEL, province, Level.COUNTY),
        (city, "石家庄市各县（市、区）", UnitGroup.Rule.LEVEL, city, Level.COUNTY),
    ]
    for owner, name, rule, root, level in groups:
        if not UnitGroup.objects.filter(owner=owner, name=name).exists():
            group_create(actor=None, owner=owner, name=name, rule=rule, root=root, level=level)
    return result


@transaction.atomic
def ensure_accounts(*, reset_passwords: bool = False) -> list[DemoAccount]:
    """Create the demo accounts that are missing; passwords are returned only when set now."""
    accounts = []
    wanted = [(f"{prefix}-{role}", code, [role]) for prefix, code in DEMO_UNITS for role in DEMO_ROLES]
    wanted.insert(0, ("hebei-admin", "130000000000", [Role.ADMIN, Role.SUPERVISOR]))
    for username, code, roles in wanted:
        unit = Unit.objects.get(code=code)
        existing = User.objects.filter(username=username).first()
        if existing is None:
            _user, password = user_create(
                actor=None,
                username=username,
                unit=unit,
                roles=roles,
                display_name=f"{unit.name}{'/'.join(ROLE_NAMES[r] for r in roles)}",
            )
        elif reset_passwords:
            password = user_set_password(actor=None, user=existing)
        else:
            password = None
        accounts.append(DemoAccount(username, unit.name, roles, password))
    return accounts


SAMPLE_TITLE = "全省重点工作调度会议（示例）"


@transaction.atomic
def load_sample_meeting() -> bool:
    """A sample meeting with tasks down to a township, reports and a review, dated around today.

    Returns False when it exists already. Lights come out mixed: an overdue task, a lagging
    one, and work on schedule.
    """
    import datetime as dt

    from luoshi.core import clock
    from luoshi.reports.services import report_review, report_submit
    from luoshi.tasks import services as tasks
    from luoshi.tasks.models import Source

    if Source.objects.filter(title=SAMPLE_TITLE).exists():
        return False
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "hebei-supervisor",
                "sjz-supervisor",
                "sjz-reporter",
                "changan-supervisor",
                "changan-reporter",
                "jianbei-reporter",
            ]
        )
    }
    unit = {
        code: Unit.objects.get(code=code)
        for code in [
            "130000000000",
            "130100000000",
            "130102000000",
            "130104000000",
            "130102001000",
            "130102002000",
            "130682000000",
            "130181000000",
            "133100000000",
            "130600000000",
            "130000000000-sthj",
        ]
    }
    province, sjz, changan = unit["130000000000"], unit["130100000000"], unit["130102000000"]
    today = clock.today()
    held = today - dt.timedelta(days=30)
    cities = list(Unit.objects.filter(parent=province, kind="division").order_by("code"))
    source = tasks.source_create(
        actor=users["hebei-supervisor"],
        issuer=province,
        title=SAMPLE_TITLE,
        date=held,
        venue="石家庄",
        sub_venues=cities,
        text="会议要求，各地各部门要压实责任，确保上半年剩余3.4万贫困人口稳定达到脱贫条件；PM2.5平均浓度下降3%左右。",
    )
    tasks.source_relay(actor=users["hebei-supervisor"], source=source, today=held)
    poverty = tasks.task_create(
        actor=users["hebei-supervisor"],
        source=source,
        title="确保剩余贫困人口稳定达到脱贫条件",
        content="逐村逐户排查，逐人建立清单台账，确保剩余3.4万贫困人口稳定达到脱贫条件。",
        deadline=today + dt.timedelta(days=60),
        cadence="monthly",
        target_value=34000,
        target_unit="人",
        milestones=[
            (today - dt.timedelta(days=5), "完成入户排查", 40),
            (today + dt.timedelta(days=30), "过半", 60),
        ],
    )
    tasks.task_assign(actor=users["hebei-supervisor"], task=poverty, units=cities, today=held)
    air = tasks.task_create(
        actor=users["hebei-supervisor"],
        source=source,
        title="PM2.5平均浓度下降3%左右",
        content="强化大气污染综合治理，确保PM2.5平均浓度同比下降3%左右。",
        deadline=today + dt.timedelta(days=120),
        target_value=3,
        target_unit="%",
    )
    tasks.task_assign(
        actor=users["hebei-supervisor"],
        task=air,
        units=[unit["130000000000-sthj"]],
        co_units=[sjz, unit["130600000000"]],
        today=held,
    )
    renewal = tasks.task_create(
        actor=users["hebei-supervisor"],
        source=source,
        title="推进城市更新重点项目",
        content="全市42项城市更新重点项目挂图作战，确保如期完成建设任务。",
        deadline=today - dt.timedelta(days=3),
        target_value=42,
        target_unit="项",
    )
    tasks.task_assign(actor=users["hebei-supervisor"], task=renewal, units=[sjz], today=held)

    sjz_poverty = poverty.assignments.get(unit=sjz)
    county_task = tasks.task_decompose(
        actor=users["sjz-supervisor"],
        assignment=sjz_poverty,
        title="长安区、桥西区脱贫攻坚排查",
        units=[changan, unit["130104000000"]],
        deadline=today + dt.timedelta(days=50),
        cadence="half_monthly",
        today=held + dt.timedelta(days=2),
    )
    changan_a = county_task.assignments.get(unit=changan)
    township_task = tasks.task_decompose(
        actor=users["changan-supervisor"],
        assignment=changan_a,
        title="建北街道、青园街道逐户排查",
        units=[unit["130102001000"], unit["130102002000"]],
        deadline=today + dt.timedelta(days=40),
        cadence="weekly",
        today=held + dt.timedelta(days=4),
    )
    jianbei_a = township_task.assignments.get(unit=unit["130102001000"])
    report_submit(
        actor=users["jianbei-reporter"],
        assignment=jianbei_a,
        text="已完成辖区内全部社区入户排查，建立台账。",
        percent=60,
    )
    first, _ = report_submit(
        actor=users["changan-reporter"], assignment=changan_a, text="排查完成一半。", percent=50
    )
    report_review(
        actor=users["sjz-supervisor"],
        report=first,
        decision="return",
        reason="请补充排查户数和未脱贫人员名单。",
    )
    report_submit(
        actor=users["changan-reporter"],
        assignment=changan_a,
        supersedes=first,
        percent=55,
        text="排查完成55%，共排查1,286户，未稳定脱贫对象37人，已逐人建立台账。",
    )
    done, _ = report_submit(
        actor=users["sjz-reporter"],
        assignment=renewal.assignments.get(unit=sjz),
        percent=100,
        is_completion=True,
        text="42项城市更新重点项目已全部开工，其中39项完工，3项收尾。",
    )
    report_review(actor=users["hebei-supervisor"], report=done, decision="accept")
    relay = source.tasks.get(is_relay=True).assignments.get(unit=sjz)
    relayed, _ = report_submit(
        actor=users["sjz-reporter"],
        assignment=relay,
        percent=100,
        is_completion=True,
        text="已召开市委常委会传达学习会议精神，并部署贯彻落实工作。",
    )
    report_review(actor=users["hebei-supervisor"], report=relayed, decision="accept")
    tasks.lights_refresh()
    return True
