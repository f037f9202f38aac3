"""The supervision API: the same scoping and roles as the pages."""

import datetime as dt

import pytest

from luoshi.supervision import services


@pytest.fixture
def notice(tree, lagging):
    return services.notice_issue(
        actor=tree.user("city", "supervisor"),
        assignment=lagging["county"],
        problem="进度滞后",
        action="补报进展",
        reply_by=dt.date(2099, 1, 1),
    )


def test_notices_through_the_api(tree, lagging, login):
    city = login(tree.user("city", "supervisor"))
    created = city.post(
        "/api/v1/supervision/notices",
        {
            "assignment_id": lagging["county"].pk,
            "problem": "滞后",
            "action": "整改",
            "reply_by": "2099-01-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["code"] == f"督办〔{dt.date.today().year}〕1号"
    nid = created.json()["id"]
    bad = city.post(
        "/api/v1/supervision/notices",
        {"assignment_id": lagging["county"].pk},
        content_type="application/json",
    )
    assert bad.status_code == 422
    county = login(tree.user("county", "reporter"))
    assert county.get(f"/api/v1/supervision/notices/{nid}").status_code == 200
    assert county.post(f"/api/v1/supervision/notices/{nid}/acknowledge").json()["status"] == "acknowledged"
    replied = county.post(
        f"/api/v1/supervision/notices/{nid}/reply", {"text": "已整改"}, content_type="application/json"
    )
    assert replied.json()["status"] == "replied"
    sibling = login(tree.user("sibling", "supervisor"))
    assert sibling.get(f"/api/v1/supervision/notices/{nid}").status_code == 404
    assert sibling.get("/api/v1/supervision/notices").json()["count"] == 0
    leader = login(tree.user("county", "leader"))
    assert leader.post(f"/api/v1/supervision/notices/{nid}/acknowledge").status_code in (403, 400)
    forbidden = login(tree.user("county", "supervisor")).post(
        "/api/v1/supervision/notices",
        {"assignment_id": lagging["county"].pk, "problem": "p", "action": "a", "reply_by": "2099-01-01"},
        content_type="application/json",
    )
    assert forbidden.status_code == 403


def test_messages_accountability_and_records_through_the_api(tree, notice, login):
    services.accountability_record(
        actor=tree.user("city", "supervisor"),
        unit=tree.county,
        kind="interview",
        reason="未整改",
        decided_on=dt.date(2026, 3, 1),
    )
    county = login(tree.user("county", "reporter"))
    messages = county.get("/api/v1/supervision/messages").json()
    assert messages["count"] == 2 and {m["kind"] for m in messages["items"]} == {"notice", "accountability"}
    mid = messages["items"][0]["id"]
    assert county.post(f"/api/v1/supervision/messages/{mid}/read").json()["read_at"]
    assert county.get("/api/v1/supervision/messages?unread=true").json()["count"] == 1
    assert (
        login(tree.user("sibling", "reporter")).post(f"/api/v1/supervision/messages/{mid}/read").status_code
        == 404
    )
    county = login(tree.user("county", "reporter"))
    actions = county.get("/api/v1/supervision/accountability").json()
    assert actions["count"] == 1 and actions["items"][0]["kind"] == "interview"
    assert (
        login(tree.user("sibling", "reporter")).get("/api/v1/supervision/accountability").json()["count"] == 0
    )
    county = login(tree.user("county", "reporter"))
    record = county.get(f"/api/v1/supervision/records/{tree.county.code}").json()
    assert record["notices_received"] == 1 and len(record["accountability_actions"]) == 1
    assert county.get(f"/api/v1/supervision/records/{tree.sibling.code}").status_code == 404
    assert county.get(f"/api/v1/supervision/accountability?unit={tree.sibling.code}").status_code == 404
