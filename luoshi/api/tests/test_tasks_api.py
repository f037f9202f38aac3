"""/api/v1 for sources, tasks, assignments, reports and reviews: scoping, idempotency, conflicts."""

import datetime as dt
import threading

import pytest
from django.db import connection

from luoshi.accounts.services import token_create
from luoshi.reports.models import Report, Review
from luoshi.tasks.models import Task


@pytest.fixture
def as_user(client):
    def _as(user):
        _token, key = token_create(actor=None, user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return _as


def test_a_supervisor_creates_a_source_and_a_task_assigned_in_one_call(tree, as_user):
    client = as_user(tree.user("province", "supervisor"))
    source = client.post(
        "/api/v1/sources",
        {"title": "全省会议", "date": "2026-03-02", "sub_venue_codes": ["130100000000"]},
        content_type="application/json",
    )
    assert source.status_code == 201
    sid = source.json()["id"]
    task = client.post(
        f"/api/v1/sources/{sid}/tasks",
        {
            "title": "任务一",
            "deadline": "2026-06-30",
            "lead_codes": ["130100000000", "130682000000"],
            "co_codes": ["130600000000"],
            "milestones": [{"date": "2026-04-30", "title": "方案", "expected_progress": 30}],
        },
        content_type="application/json",
    )
    assert task.status_code == 201, task.json()
    body = task.json()
    assert {(a["unit"]["name"], a["role"]) for a in body["assignments"]} == {
        ("石家庄市", "lead"),
        ("定州市", "lead"),
        ("保定市", "co"),
    }


def test_unknown_unit_codes_are_refused_precisely(tree, source, as_user):
    response = as_user(tree.user("province", "supervisor")).post(
        f"/api/v1/sources/{source.pk}/tasks",
        {"title": "x", "lead_codes": ["999999999999"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_unit" and "999999999999" in response.json()["message"]
    assert not Task.objects.exists()


def test_a_retried_report_post_with_the_same_key_stores_one_report(tree, chain, as_user):
    client = as_user(tree.user("township", "reporter"))
    url = f"/api/v1/assignments/{chain['township'].pk}/reports"
    first = client.post(
        url, {"text": "进展", "percent": 40}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    again = client.post(
        url, {"text": "进展", "percent": 40}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Report.objects.count() == 1


def test_a_county_cannot_see_report_on_or_review_a_siblings_task(tree, chain, as_user):
    from luoshi.reports.services import report_submit
    from luoshi.tasks import services

    sibling_task = services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=chain["city"],
        title="桥西区任务",
        units=[tree.sibling],
        deadline=dt.date(2026, 6, 1),
    )
    sibling_a = sibling_task.assignments.get()
    report, _ = report_submit(
        actor=tree.user("sibling", "reporter"), assignment=sibling_a, text="x", percent=5
    )
    client = as_user(tree.user("county", "supervisor"))
    assert client.get(f"/api/v1/tasks/{sibling_task.pk}").status_code == 404
    assert client.get(f"/api/v1/assignments/{sibling_a.pk}").status_code == 404
    assert (
        client.post(
            f"/api/v1/assignments/{sibling_a.pk}/reports",
            {"text": "x", "percent": 1},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/reports/{report.pk}/review", {"decision": "accept"}, content_type="application/json"
        ).status_code
        == 404
    )
    listed = client.get("/api/v1/assignments").json()
    assert sibling_a.pk not in [a["id"] for a in listed["items"]]
    tasks = client.get(f"/api/v1/sources/{chain['task'].source_id}/tasks").json()
    assert "桥西区任务" not in [t["title"] for t in tasks]


def test_wrong_role_gets_403_with_a_message(tree, chain, as_user):
    response = as_user(tree.user("township", "leader")).post(
        f"/api/v1/assignments/{chain['township'].pk}/reports",
        {"text": "x", "percent": 1},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_second_review_gets_409(tree, chain, as_user):
    from luoshi.reports.services import report_submit

    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="x", percent=50
    )
    client = as_user(tree.user("county", "supervisor"))
    url = f"/api/v1/reports/{report.pk}/review"
    assert client.post(url, {"decision": "accept"}, content_type="application/json").status_code == 201
    second = client.post(url, {"decision": "return", "reason": "再看"}, content_type="application/json")
    assert second.status_code == 409 and second.json()["code"] == "conflict"


def test_invalid_input_is_422(tree, chain, as_user):
    response = as_user(tree.user("township", "reporter")).post(
        f"/api/v1/assignments/{chain['township'].pk}/reports",
        {"text": "x", "percent": 150},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_the_inbox_endpoint(tree, chain, as_user):
    body = as_user(tree.user("township", "reporter")).get("/api/v1/inbox").json()
    assert [a["id"] for a in body["to_report"]] == [chain["township"].pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_one_wins_the_other_gets_a_conflict(tree, chain):
    """Two reviewers at once, in two threads with their own connections.

    Runs on PostgreSQL (CI's second pass): SQLite's in-memory test database is shared between
    threads through table locks, which serialise the two reviewers before they can race.
    """
    if connection.vendor == "sqlite":
        pytest.skip("needs a database with row-level concurrency (the PostgreSQL run)")
    from luoshi.reports.services import Conflict, report_review, report_submit

    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="x", percent=50
    )
    reviewer = tree.user("county", "supervisor")
    barrier = threading.Barrier(2)
    outcomes = []

    def review(decision):
        try:
            stale = Report.objects.get(pk=report.pk)
            barrier.wait(timeout=10)
            report_review(actor=reviewer, report=stale, decision=decision, reason="理由")
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(d,)) for d in ("accept", "return")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Review.objects.filter(report=report).count() == 1
