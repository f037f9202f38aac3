"""Fixtures for ledger tests: a village with a reporter, and ledgers built from the seeds."""

from __future__ import annotations

import pytest

from conftest import PASSWORD


@pytest.fixture
def village_users(tree):
    """Reporters (and a supervisor) of the village 建北社区 and of a second, sibling village."""
    from luoshi.accounts.services import user_create
    from luoshi.units.services import unit_create

    tree.units["village2"] = unit_create(
        actor=None, code="130102001002", name="建北二村", level="village", parent=tree.township
    )
    for key in ("village", "village2"):
        for role in ("reporter", "supervisor", "leader"):
            tree.users[f"{key}-{role}"], _ = user_create(
                actor=None, username=f"{key}-{role}", unit=tree.units[key], roles=[role], password=PASSWORD
            )
    return tree


@pytest.fixture
def poverty(village_users):
    """The shipped household ledger, owned by 长安区, filled by its villages."""
    from luoshi.ledgers.services import ledgers_seed

    tree = village_users
    ledgers = ledgers_seed(actor=None, owner=tree.county, root=tree.county)
    return {ledger.key: ledger for ledger in ledgers}["poverty-households"]


FIDELITY_COLUMNS = [
    {"key": "no", "label": "户编号", "type": "text", "required": True},
    {"key": "head", "label": "户主", "type": "text", "required": True},
    {"key": "id_number", "label": "身份证号", "type": "resident_id"},
    {"key": "registered", "label": "登记日期", "type": "date"},
    {"key": "amount", "label": "金额", "type": "decimal"},
    {"key": "people", "label": "人口", "type": "integer"},
    {"key": "stable", "label": "是否稳定", "type": "yesno"},
    {"key": "phone", "label": "电话", "type": "phone"},
    {"key": "village", "label": "所在村", "type": "unit"},
    {"key": "kind", "label": "类别", "type": "choice", "choices": ["甲", "乙"]},
]


@pytest.fixture
def households(village_users):
    """A one-off ledger of every column type, owned by 长安区, filled by its villages."""
    from luoshi.ledgers.services import ledger_create

    tree = village_users
    return ledger_create(
        actor=tree.user("county", "supervisor"),
        owner=tree.county,
        key="households",
        name="户籍台账",
        cadence="once",
        columns=FIDELITY_COLUMNS,
        row_key="no",
        assign_root=tree.county,
        assign_level="village",
    )
