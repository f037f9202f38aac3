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
