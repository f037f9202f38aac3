"""The dashboard: who may see it, what it counts, the half-way check, exports, query count."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.dashboard import selectors
from luoshi.dashboard.views import parse_filters


def _data(client, code, **params):
    """The page's data, as its script reads it from the json_script block."""
    response = client.get(reverse("dashboard:unit", args=[code]), params)
    assert response.status_code == 200
    assert 'id="dashboard-data"' in response.content.decode()
    return json.loads(json.dumps(response.context["payload"]))


def test_the_half_way_check_passes_one_city_and_fails_another_with_reasons(tree, work, login):
    data = _data(login(tree.user("province", "leader")), tree.province.code, year=2026, month=6)
    by_name = {c["name"]: c for c in data["children"]}
    city, baoding = by_name["石家庄市"], by_name["保定市"]
    # 石家庄: tasks A and B count once each (A's decomposition to 长安区 is inside its own area).
    assert city["tasks"]["total"] == 2 and city["tasks"]["done"] == 1
    assert city["indicator"]["attainment"] == 60.0
    assert city["halfway"]["passed"] is True
    assert baoding["halfway"]["passed"] is False
    assert len(baoding["halfway"]["reasons"]) == 2
    assert "0 of 1" in baoding["halfway"]["reasons"][0] or "0" in baoding["halfway"]["reasons"][0]
    assert "贫困人口脱贫" in baoding["halfway"]["reasons"][1]
    assert by_name["定州市"]["halfway"]["passed"] is None  # nothing to judge
    assert [f["name"] for f in data["failing"]] == ["保定市"]
    # The province itself: three assignments it issued, one done; the decomposition is not counted again.
    assert data["own"]["tasks"]["total"] == 3 and data["own"]["tasks"]["done"] == 1
    assert data["status"] == {"completed": 1, "green": 1, "yellow": 0, "red": 1, "overdue": 0}
    assert [lag["name"] for lag in data["lagging"]] == ["保定市"]
    assert sum(w["completed"] for w in data["weeks"]) == 1


def test_a_city_leader_sees_only_that_city(tree, work, login):
    client = login(tree.user("city", "leader"))
    data = _data(client, tree.city.code, year=2026, month=6)
    assert [c["name"] for c in data["children"]] == ["长安区", "桥西区"]
    assert data["unit"]["name"] == "石家庄市"
    # 长安区's decomposed share counts for 长安区 when the city looks at its counties.
    assert data["children"][0]["tasks"]["total"] == 1
    geo = client.get(reverse("dashboard:geo", args=[tree.city.code])).json()
    assert sorted(f["properties"]["name"] for f in geo["features"]) == ["桥西区", "长安区"]
    assert client.get(reverse("dashboard:unit", args=[tree.province.code])).status_code == 404
    assert client.get(reverse("dashboard:unit", args=[tree.baoding.code])).status_code == 404
    assert client.get(reverse("dashboard:geo", args=[tree.province.code])).status_code == 404
    api = client.get(reverse("api:dashboard", args=[tree.province.code]))
    assert api.status_code == 404
    assert client.get(reverse("dashboard:home")).url == reverse("dashboard:unit", args=[tree.city.code])


def test_the_province_map_has_the_supervision_regions(tree, login):
    client = login(tree.user("province", "leader"))
    geo = client.get(reverse("dashboard:geo", args=[tree.province.code])).json()
    names = sorted(f["properties"]["name"] for f in geo["features"])
    assert names == sorted(["石家庄市", "保定市", "定州市", "雄安新区"])
    xiongan = (
        login(tree.user("province", "leader")).get(reverse("dashboard:geo", args=[tree.xiongan.code])).json()
    )
    assert [f["properties"]["name"] for f in xiongan["features"]] == ["雄县"]


def test_roles_and_siblings(tree, work, login):
    assert (
        login(tree.user("county", "reporter"))
        .get(reverse("dashboard:unit", args=[tree.county.code]))
        .status_code
        == 403
    )
    assert (
        login(tree.user("county", "leader"))
        .get(reverse("dashboard:unit", args=[tree.county.code]))
        .status_code
        == 200
    )
    assert (
        login(tree.user("county", "leader"))
        .get(reverse("dashboard:unit", args=[tree.sibling.code]))
        .status_code
        == 404
    )
    assert (
        login(tree.user("county", "supervisor"))
        .get(reverse("dashboard:export", args=[tree.sibling.code, "children"]))
        .status_code
        == 404
    )
    assert (
        login(tree.user("county", "reporter"))
        .get(reverse("api:dashboard", args=[tree.county.code]))
        .status_code
        == 403
    )


@pytest.mark.parametrize("table", ["children", "indicators", "lagging", "halfway"])
def test_every_table_exports_to_excel(tree, work, login, table):
    from python_calamine import CalamineWorkbook

    response = login(tree.user("province", "leader")).get(
        reverse("dashboard:export", args=[tree.province.code, table]), {"year": 2026, "month": 6}
    )
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert "河北省" in rows[0][0]
    if table == "halfway":
        assert rows[2][2] == "保定市"


def test_the_dashboard_query_count_does_not_grow_with_units_or_tasks(tree, work, login):
    from luoshi.tasks import services as task_services
    from luoshi.tasks.models import Assignment, AssignmentStatus
    from luoshi.units.services import unit_create

    user = tree.user("province", "leader")
    filters = parse_filters({"year": "2026", "month": "6"})

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.as_json(selectors.dashboard(user, tree.province, filters))
        return len(ctx.captured_queries)

    before = count()
    sup = tree.user("province", "supervisor")
    more = [
        unit_create(
            actor=None, code=f"13{i:02d}00000000", name=f"测试市{i}", level="city", parent=tree.province
        )
        for i in (2, 3, 4)
    ]
    task = task_services.task_create(actor=sup, source=work["source"], title="新增任务")
    task_services.task_assign(actor=sup, task=task, units=more, today=work["source"].date)
    Assignment.objects.filter(status=AssignmentStatus.ACTIVE).update(
        light_date=filters.as_of(work["source"].date)
    )
    from luoshi.core import clock

    Assignment.objects.update(light_date=clock.today())
    assert count() == before
    assert before <= 16
