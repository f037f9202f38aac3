"""/api/v1/inspections: checklists, self-inspections, draws and findings, scoped as the pages."""

import pytest

from luoshi.accounts.services import token_create
from luoshi.inspections.models import Finding, FindingStatus

from .conftest import finish_rectification

BASE = "/api/v1/inspections"


@pytest.fixture
def api(client):
    def _as(user):
        _token, key = token_create(actor=None, user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return _as


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_checklist_through_the_api(tree, api):
    client = api(tree.user("city", "supervisor"))
    created = _post(
        client,
        f"{BASE}/checklists",
        {
            "title": "自查清单",
            "items": [{"text": "台账", "kind": "pass"}, {"text": "人员", "kind": "score", "max_score": 5}],
        },
    )
    assert created.status_code == 201 and [i["kind"] for i in created.json()["items"]] == ["pass", "score"]
    cid = created.json()["id"]
    sent = _post(
        client, f"{BASE}/checklists/{cid}/send", {"unit_codes": ["130102000000"], "deadline": "2027-01-31"}
    )
    assert sent.status_code == 201
    sc = sent.json()[0]
    items = created.json()["items"]
    county = api(tree.user("county", "reporter"))
    answered = _post(
        county,
        f"{BASE}/self-checks/{sc['id']}/answers",
        {
            "answers": [
                {"item": items[0]["id"], "passed": True, "evidence": "台账"},
                {"item": items[1]["id"], "score": 4, "evidence": "名册"},
            ],
            "submit": True,
        },
    )
    assert answered.status_code == 200 and answered.json()["status"] == "submitted"
    assert answered.json()["score"] == "4.00" or float(answered.json()["score"]) == 4
    assert client.get(f"{BASE}/checklists/{cid}/self-checks").json()[0]["status"] == "submitted"
    # Wrong role, out of scope, bad input.
    assert (
        _post(
            api(tree.user("city", "reporter")), f"{BASE}/checklists", {"title": "x", "items": [{"text": "a"}]}
        ).status_code
        == 403
    )
    assert api(tree.user("sibling", "supervisor")).get(f"{BASE}/self-checks/{sc['id']}").status_code == 404
    assert api(tree.user("township", "supervisor")).get(f"{BASE}/checklists/{cid}").status_code == 404
    bad = _post(api(tree.user("city", "supervisor")), f"{BASE}/checklists", {"title": "x", "items": []})
    assert bad.status_code == 400 and bad.json()["code"] == "no_items"


def test_a_draw_through_the_api_is_verifiable(tree, api):
    client = api(tree.user("city", "supervisor"))
    created = _post(
        client,
        f"{BASE}/draws",
        {
            "title": "抽查",
            "date": "2026-09-01",
            "levels": ["county"],
            "share": 1,
            "inspectors": ["county-supervisor", "sibling-supervisor"],
            "inspectors_per_unit": 1,
            "seed": "api",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["seed"] == "api" and body["result"]["sample"] == ["130102000000", "130104000000"]
    assert {i["unit"]["code"]: i["inspectors"] for i in body["inspections"]} == {
        "130102000000": ["sibling-supervisor"],
        "130104000000": ["county-supervisor"],
    }
    verify = api(tree.user("county", "leader")).get(f"{BASE}/draws/{body['id']}/verify").json()
    assert verify["ok"] is True
    assert api(tree.user("township", "supervisor")).get(f"{BASE}/draws/{body['id']}").status_code == 404
    unknown = _post(
        client, f"{BASE}/draws", {"title": "t", "levels": ["county"], "share": 1, "inspectors": ["nobody"]}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_user"
    invalid = _post(
        client, f"{BASE}/draws", {"title": "t", "levels": ["county"], "share": 2, "inspectors": []}
    )
    assert invalid.status_code == 422
    assert (
        _post(
            api(tree.user("city", "leader")),
            f"{BASE}/draws",
            {"title": "t", "levels": ["county"], "share": 1, "inspectors": []},
        ).status_code
        == 403
    )


def test_a_finding_through_the_api_is_closed_only_when_verified(tree, api):
    city = api(tree.user("city", "supervisor"))
    created = _post(
        city,
        f"{BASE}/findings",
        {
            "description": "巡视问题",
            "deadline": "2027-03-31",
            "source_kind": "tour",
            "unit_code": "130102000000",
            "category": "巡视-台账",
            "severity": "serious",
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (
        body["status"] == "rectifying"
        and body["task_id"]
        and [e["kind"] for e in body["events"]] == ["recorded", "issued"]
    )
    fid = body["id"]
    refused = _post(city, f"{BASE}/findings/{fid}/close", {"note": "ok"})
    assert refused.status_code == 400 and refused.json()["code"] == "not_verified"
    finding = Finding.objects.get(pk=fid)
    finish_rectification(tree, finding)
    assert (
        _post(
            api(tree.user("county", "supervisor")), f"{BASE}/findings/{fid}/close", {"note": "ok"}
        ).status_code
        == 403
    )
    assert (
        _post(
            api(tree.user("sibling", "supervisor")), f"{BASE}/findings/{fid}/close", {"note": "ok"}
        ).status_code
        == 404
    )
    city = api(tree.user("city", "supervisor"))
    closed = _post(city, f"{BASE}/findings/{fid}/close", {"note": "核验通过"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    reopened = _post(city, f"{BASE}/findings/{fid}/reopen", {"reason": "反弹", "deadline": "2027-06-30"})
    assert reopened.status_code == 200 and reopened.json()["round"] == 2
    assert [e["kind"] for e in reopened.json()["events"]] == [
        "recorded",
        "issued",
        "closed",
        "reopened",
        "issued",
    ]
    listing = api(tree.user("county", "reporter")).get(f"{BASE}/findings").json()
    assert [f["id"] for f in listing["items"]] == [fid]
    assert api(tree.user("sibling", "reporter")).get(f"{BASE}/findings").json()["count"] == 0
    assert api(tree.user("county", "reporter")).get(f"{BASE}/findings?unit=130600000000").status_code == 404
    measures = _post(
        api(tree.user("county", "reporter")), f"{BASE}/findings/{fid}/measures", {"measures": "建立长效机制"}
    )
    assert measures.status_code == 200 and measures.json()["measures"] == "建立长效机制"
    assert Finding.objects.get(pk=fid).status == FindingStatus.RECTIFYING


def test_an_inspector_records_through_the_api(tree, spot, api):
    inspection = spot.inspections.get(unit=tree.county)
    inspector = api(tree.user("sibling", "supervisor"))
    created = _post(
        inspector,
        f"{BASE}/findings",
        {
            "inspection_id": inspection.pk,
            "description": "现场发现",
            "deadline": "2027-01-31",
            "item_id": spot.checklist.items.first().pk,
        },
    )
    assert created.status_code == 201 and created.json()["status"] == "recorded"
    fid = created.json()["id"]
    assert _post(inspector, f"{BASE}/findings/{fid}/issue", {}).status_code == 403
    issued = _post(api(tree.user("city", "supervisor")), f"{BASE}/findings/{fid}/issue", {})
    assert issued.status_code == 200 and issued.json()["status"] == "rectifying"
    bad_item = _post(
        api(tree.user("sibling", "supervisor")),
        f"{BASE}/findings",
        {"inspection_id": inspection.pk, "description": "x", "deadline": "2027-01-31", "item_id": 999999},
    )
    assert bad_item.status_code == 400 and bad_item.json()["code"] == "bad_item"
    outsider = _post(
        api(tree.user("township", "supervisor")),
        f"{BASE}/findings",
        {"inspection_id": inspection.pk, "description": "x", "deadline": "2027-01-31"},
    )
    assert outsider.status_code == 404
