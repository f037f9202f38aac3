"""Assessment pages and API: allowed, wrong role (403), sibling (404), bad input, Excel."""

import io
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from luoshi.assessment import services
from luoshi.assessment.models import Adjustment, Criterion, Publication, Run, Scheme

from .conftest import END, add


@pytest.fixture
def ready(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "on_time_rate", 60)
    add(scheme, boss, "completion_rate", 40)
    return scheme


def test_the_list_shows_visible_schemes_and_offers_creation_to_supervisors(tree, ready, login):
    page = login(tree.user("county", "reporter")).get(reverse("assessment:list"))
    assert page.status_code == 200 and ready.name in page.content.decode()
    assert reverse("assessment:create") not in page.content.decode()
    page = login(tree.user("city", "supervisor")).get(reverse("assessment:list"))
    assert reverse("assessment:create") in page.content.decode()
    # 桥西区's own scheme is not 长安区's business.
    services.scheme_create(
        actor=tree.user("sibling", "supervisor"),
        owner=tree.sibling,
        name="桥西区乡镇考核",
        period_label="2026年",
        period_start=END.replace(month=1, day=1),
        period_end=END,
        level="township",
    )
    assert (
        "桥西区乡镇考核"
        not in login(tree.user("county", "reporter")).get(reverse("assessment:list")).content.decode()
    )


def test_a_supervisor_creates_a_scheme_and_a_leader_may_not(tree, login):
    data = {
        "name": "市级考核",
        "period_label": "2026年上半年",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "level": "city",
        "direct_placement": "cities",
        "tie_break": "share",
        "bottom_n": 3,
    }
    assert login(tree.user("province", "leader")).post(reverse("assessment:create"), data).status_code == 403
    client = partial(login, tree.user("province", "supervisor"))
    response = client().post(reverse("assessment:create"), data)
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and scheme.owner == tree.province
    bad = client().post(reverse("assessment:create"), {**data, "name": "另一个", "period_end": "2025-01-01"})
    assert bad.status_code == 200 and Scheme.objects.count() == 1


def test_criteria_and_adjustments_through_the_page(tree, scheme, login):
    client = partial(login, tree.user("city", "supervisor"))
    url = reverse("assessment:criterion_add", args=[scheme.pk])
    ok = {"kind": "return_rate", "weight": "10", "normalization": "linear", "floor": "30", "target": "0"}
    assert client().post(url, ok).status_code == 302
    bad = client().post(url, {**ok, "floor": "0", "target": "30"})
    assert bad.status_code == 400 and Criterion.objects.count() == 1
    assert client().post(url, {**ok, "kind": "indicator_attainment", "indicators": "abc"}).status_code == 400
    criterion = Criterion.objects.get()
    assert login(tree.user("city", "leader")).post(url, ok).status_code == 403
    assert login(tree.user("sibling", "supervisor")).post(url, ok).status_code == 403  # visible, not theirs
    remove = reverse("assessment:criterion_remove", args=[scheme.pk, criterion.pk])
    assert login(tree.user("city", "leader")).post(remove).status_code == 403
    assert login(tree.user("province", "reporter")).post(remove).status_code == 403
    adj = reverse("assessment:adjustment_add", args=[scheme.pk])
    data = {"unit": tree.county.code, "points": "-1.5", "reason": "数据不实", "evidence": "督查通报第3期"}
    assert client().post(adj, {**data, "evidence": ""}).status_code == 400
    assert client().post(adj, {**data, "unit": tree.baoding.code}).status_code == 400
    assert client().post(adj, data).status_code == 302
    adjustment = Adjustment.objects.get()
    assert login(tree.user("city", "leader")).post(adj, data).status_code == 403
    withdraw = reverse("assessment:adjustment_withdraw", args=[scheme.pk, adjustment.pk])
    assert login(tree.user("city", "leader")).post(withdraw).status_code == 403
    assert client().post(withdraw).status_code == 302
    assert (
        client().post(reverse("assessment:criterion_remove", args=[scheme.pk, criterion.pk])).status_code
        == 302
    )
    assert not Criterion.objects.exists()


def test_compute_publish_and_export(tree, ready, login):
    client = partial(login, tree.user("city", "supervisor"))
    assert (
        login(tree.user("city", "leader")).post(reverse("assessment:compute", args=[ready.pk])).status_code
        == 403
    )
    assert (
        login(tree.user("sibling", "supervisor"))
        .post(reverse("assessment:compute", args=[ready.pk]))
        .status_code
        == 403
    )
    response = client().post(reverse("assessment:compute", args=[ready.pk]))
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessment:run", args=[run.pk])
    assert (
        login(tree.user("county", "supervisor")).get(reverse("assessment:run", args=[run.pk])).status_code
        == 404
    )
    publish = reverse("assessment:publish", args=[run.pk])
    assert login(tree.user("city", "leader")).post(publish).status_code == 403
    assert login(tree.user("county", "supervisor")).post(publish).status_code == 404
    assert client().post(publish, {"note": "第一次发布"}).status_code == 302
    assert Publication.objects.get().note == "第一次发布"
    page = client().get(reverse("assessment:run", args=[run.pk]))
    assert page.status_code == 200 and "长安区" in page.content.decode() and "桥西区" in page.content.decode()
    sheet = client().get(reverse("assessment:export", args=[run.pk]))
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_index(0).to_python()
    names = [r[1] for r in rows[4:]]
    assert names == ["长安区", "桥西区"]
    own = login(tree.user("county", "reporter")).get(reverse("assessment:export", args=[run.pk]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(own.content)).get_sheet_by_index(0).to_python()
    assert [r[1] for r in rows[4:]] == ["长安区"]
    assert (
        login(tree.user("sibling", "reporter"))
        .get(reverse("assessment:explanation", args=[run.pk, tree.county.code]))
        .status_code
        == 404
    )


def test_a_compute_without_criteria_explains_itself(tree, scheme, login):
    client = partial(login, tree.user("city", "supervisor"))
    response = client().post(reverse("assessment:compute", args=[scheme.pk]), follow=True)
    assert response.status_code == 200 and not Run.objects.exists()


def test_scheme_page_for_assessor_and_for_the_assessed(tree, ready, login):
    services.adjustment_add(
        actor=tree.user("city", "supervisor"),
        scheme=ready,
        unit=tree.sibling,
        points=2,
        reason="表彰",
        evidence="文件",
    )
    page = login(tree.user("city", "supervisor")).get(reverse("assessment:scheme", args=[ready.pk]))
    assert page.status_code == 200 and "表彰" in page.content.decode()
    page = login(tree.user("county", "reporter")).get(reverse("assessment:scheme", args=[ready.pk]))
    assert page.status_code == 200 and "表彰" not in page.content.decode()  # the sibling's adjustment
    assert (
        login(tree.user("province", "reporter"))
        .get(reverse("assessment:scheme", args=[ready.pk]))
        .status_code
        == 200
    )
    visibility = reverse("assessment:visibility", args=[ready.pk])
    assert login(tree.user("city", "leader")).post(visibility, {"ranks_public": "on"}).status_code == 403
    assert login(tree.user("city", "supervisor")).post(visibility, {"ranks_public": "on"}).status_code == 302
    ready.refresh_from_db()
    assert ready.ranks_public


def test_the_ranking_page_reads_a_fixed_number_of_queries(tree, ready, login):
    run = services.run_compute(actor=tree.user("city", "supervisor"), scheme=ready, as_of=END)
    client = login(tree.user("city", "leader"))
    url = reverse("assessment:run", args=[run.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    # session, user, run, unit, scheme, visibility check, scores: whatever the number of units
    assert len(few) <= 8, [q["sql"][:120] for q in few]


def test_api_lists_computes_publishes_and_explains(tree, ready, login):
    client = partial(login, tree.user("city", "supervisor"))
    schemes = client().get(reverse("api:scheme_list")).json()
    assert [s["id"] for s in schemes] == [ready.pk]
    detail = client().get(reverse("api:scheme_detail", args=[ready.pk])).json()
    assert [c["kind"] for c in detail["criteria"]] == ["on_time_rate", "completion_rate"]
    url = reverse("api:run_compute", args=[ready.pk])
    assert (
        login(tree.user("city", "leader")).post(url, {}, content_type="application/json").status_code == 403
    )
    assert client().post(url, {"as_of": "not a date"}, content_type="application/json").status_code == 422
    made = client().post(url, {"as_of": "2026-06-30"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["version"] is None
    run_id = made.json()["id"]
    county = partial(login, tree.user("county", "reporter"))
    assert county().get(reverse("api:run_detail", args=[run_id])).status_code == 404
    assert county().get(reverse("api:run_list", args=[ready.pk])).json() == []
    published = client().post(
        reverse("api:run_publish", args=[run_id]), {"note": ""}, content_type="application/json"
    )
    assert published.status_code == 201 and published.json()["version"] == 1
    again = client().post(reverse("api:run_publish", args=[run_id]), {}, content_type="application/json")
    assert again.status_code == 409
    body = county().get(reverse("api:run_detail", args=[run_id])).json()
    assert [s["unit_code"] for s in body["scores"]] == [tree.county.code]
    explanation = county().get(reverse("api:explanation", args=[run_id, tree.county.code])).json()
    assert explanation["criteria"][0]["raw"] == 50.0 and explanation["rank"] == 1
    sibling_scheme = services.scheme_create(
        actor=tree.user("sibling", "supervisor"),
        owner=tree.sibling,
        name="乡镇考核",
        period_label="2026年",
        period_start=END.replace(month=1, day=1),
        period_end=END,
        level="township",
    )
    assert county().get(reverse("api:scheme_detail", args=[sibling_scheme.pk])).status_code == 404
