"""Shared fixtures: a small real tree of Hebei units and a user per role per level.

河北省
├── 石家庄市 ── 长安区 ── 建北街道 ── 建北社区 (a village)
│            └─ 桥西区            (the sibling county)
├── 保定市
├── 定州市   (coded under 保定, supervised by the province)
└── 雄安新区 ── 雄县 (keeps its 保定 code 130638)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Tests render templates without running collectstatic, and hash passwords cheaply.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # whitenoise warns about a missing static root when no collectstatic ran.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site language (a request in English must not leak into the next)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@dataclass
class Tree:
    units: dict[str, object] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.units[name]
        except KeyError:
            raise AttributeError(name) from None

    def user(self, unit_key: str, role: str):
        return self.users[f"{unit_key}-{role}"]


TREE_UNITS = [
    # key, code, name, level, parent key
    ("province", "130000000000", "河北省", "province", None),
    ("city", "130100000000", "石家庄市", "city", "province"),
    ("county", "130102000000", "长安区", "county", "city"),
    ("sibling", "130104000000", "桥西区", "county", "city"),
    ("township", "130102001000", "建北街道", "township", "county"),
    ("village", "130102001001", "建北社区", "village", "township"),
    ("baoding", "130600000000", "保定市", "city", "province"),
    ("dingzhou", "130682000000", "定州市", "county", "province"),
    ("xiongan", "133100000000", "雄安新区", "city", "province"),
    ("xiongxian", "130638000000", "雄县", "county", "xiongan"),
]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def tree(db) -> Tree:
    from luoshi.accounts.services import user_create
    from luoshi.units.services import unit_create

    t = Tree()
    for key, code, name, level, parent in TREE_UNITS:
        t.units[key] = unit_create(
            actor=None,
            code=code,
            name=name,
            level=level,
            parent=t.units[parent] if parent else None,
            parent_overridden=key in ("dingzhou", "xiongxian"),
        )
    for key in ("province", "city", "county", "sibling", "township"):
        for role in ("supervisor", "reporter", "leader", "admin"):
            t.users[f"{key}-{role}"], _ = user_create(
                actor=None, username=f"{key}-{role}", unit=t.units[key], roles=[role], password=PASSWORD
            )
    return t


@pytest.fixture
def login(client):
    """Log ``client`` in as a user (forcing the session, so axes is not involved)."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


MEETING_DAY = dt.date(2026, 3, 2)


@pytest.fixture
def source(tree):
    from luoshi.tasks import services as task_services

    return task_services.source_create(
        actor=tree.user("province", "supervisor"),
        issuer=tree.province,
        title="全省重点工作推进会",
        date=MEETING_DAY,
        sub_venues=[tree.city, tree.baoding, tree.dingzhou, tree.xiongan],
    )


@pytest.fixture
def chain(tree, source):
    """A task assigned province → city, decomposed city → county → township."""
    from luoshi.tasks import services as task_services

    task = task_services.task_create(
        actor=tree.user("province", "supervisor"),
        source=source,
        title="完成老旧小区改造",
        deadline=dt.date(2026, 6, 30),
        cadence="monthly",
    )
    (city_a,) = task_services.task_assign(
        actor=tree.user("province", "supervisor"), task=task, units=[tree.city], today=MEETING_DAY
    )
    county_task = task_services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=city_a,
        title="长安区老旧小区改造",
        units=[tree.county],
        deadline=dt.date(2026, 6, 20),
        today=MEETING_DAY,
    )
    county_a = county_task.assignments.get()
    township_task = task_services.task_decompose(
        actor=tree.user("county", "supervisor"),
        assignment=county_a,
        title="建北街道老旧小区改造",
        units=[tree.township],
        deadline=dt.date(2026, 6, 10),
        today=MEETING_DAY,
    )
    township_a = township_task.assignments.get()
    return {"task": task, "city": city_a, "county": county_a, "township": township_a}
