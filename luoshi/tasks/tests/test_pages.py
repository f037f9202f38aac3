"""The task pages: allowed, wrong role (403), sibling (404); forms; escaping."""

import datetime as dt

from django.urls import reverse

from luoshi.reports.models import Report, Review
from luoshi.reports.services import report_submit
from luoshi.tasks import services
from luoshi.tasks.models import Task


def test_the_source_page_shows_the_tree_with_lights_and_progress(tree, chain, login):
    report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="60", percent=60
    )
    page = login(tree.user("province", "leader")).get(
        reverse("tasks:source_detail", args=[chain["task"].source_id])
    )
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("完成老旧小区改造", "长安区老旧小区改造", "建北街道老旧小区改造", "石家庄市", "建北街道"):
        assert name in html
    assert 'aria-valuenow="60"' in html


def test_a_county_sees_its_own_branch_but_not_a_siblings(tree, chain, login):
    sibling_task = services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=chain["city"],
        title="桥西区任务",
        units=[tree.sibling],
        deadline=dt.date(2026, 6, 1),
        today=dt.date(2026, 3, 2),
    )
    client = login(tree.user("county", "supervisor"))
    page = client.get(reverse("tasks:source_detail", args=[chain["task"].source_id]))
    html = page.content.decode()
    assert "长安区老旧小区改造" in html and "桥西区任务" not in html and "桥西区" not in html
    assert client.get(reverse("tasks:task_detail", args=[sibling_task.pk])).status_code == 404
    sibling_a = sibling_task.assignments.get()
    assert (
        client.post(
            reverse("tasks:report_create", args=[sibling_a.pk]), {"text": "x", "percent": 5}
        ).status_code
        == 404
    )
    report, _ = report_submit(
        actor=tree.user("sibling", "reporter"), assignment=sibling_a, text="桥西", percent=5
    )
    response = client.post(reverse("tasks:report_review", args=[report.pk]), {"decision": "accept"})
    assert response.status_code == 404
    assert not Review.objects.exists()


def test_reporting_through_the_page_with_an_attachment(tree, chain, login, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = login(tree.user("township", "reporter"))
    pdf = SimpleUploadedFile("现场照片说明.pdf", b"%PDF-1.4 test file", content_type="application/pdf")
    response = client.post(
        reverse("tasks:report_create", args=[chain["township"].pk]),
        {"text": "已完成入户摸排", "percent": 30, "idempotency_key": "page-1", "attachments": [pdf]},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    attachment = report.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.size == 18
    assert (tmp_path / "attachments" / attachment.sha256[:2] / attachment.sha256).exists()
    # The county (the issuer) downloads it; the sibling cannot.
    download = login(tree.user("county", "supervisor")).get(
        reverse("tasks:attachment_download", args=[attachment.pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert (
        login(tree.user("sibling", "supervisor"))
        .get(reverse("tasks:attachment_download", args=[attachment.pk]))
        .status_code
        == 404
    )


def test_an_attachment_is_checked_by_content_not_name(tree, chain, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(tree.user("township", "reporter"))
    fake = SimpleUploadedFile(
        "报告.pdf", b"MZ\x90\x00\x03 this is an executable", content_type="application/pdf"
    )
    client.post(
        reverse("tasks:report_create", args=[chain["township"].pk]),
        {"text": "x", "percent": 30, "attachments": [fake]},
    )
    assert not Report.objects.exists()


def test_a_retried_page_post_stores_one_report(tree, chain, login):
    client = login(tree.user("township", "reporter"))
    data = {"text": "进展", "percent": 20, "idempotency_key": "same-key"}
    for _ in range(2):
        client.post(reverse("tasks:report_create", args=[chain["township"].pk]), data)
    assert Report.objects.count() == 1


def test_wrong_roles_get_403(tree, chain, login):
    township = chain["township"]
    leader = login(tree.user("township", "leader"))
    assert (
        leader.post(
            reverse("tasks:report_create", args=[township.pk]), {"text": "x", "percent": 5}
        ).status_code
        == 403
    )
    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=township, text="x", percent=5
    )
    reporter = login(tree.user("county", "reporter"))
    assert (
        reporter.post(reverse("tasks:report_review", args=[report.pk]), {"decision": "accept"}).status_code
        == 403
    )
    assert reporter.get(reverse("tasks:assignment_decompose", args=[chain["county"].pk])).status_code == 403
    assert reporter.get(reverse("tasks:source_create")).status_code == 403


def test_reviewing_through_the_page_returns_with_a_reason(tree, chain, login):
    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="x", percent=50
    )
    client = login(tree.user("county", "supervisor"))
    client.post(reverse("tasks:report_review", args=[report.pk]), {"decision": "return", "reason": ""})
    assert not Review.objects.exists()
    client.post(
        reverse("tasks:report_review", args=[report.pk]), {"decision": "return", "reason": "照片不清晰"}
    )
    assert Review.objects.get().reason == "照片不清晰"


def test_creating_and_decomposing_through_the_forms(tree, source, login):
    client = login(tree.user("province", "supervisor"))
    response = client.post(
        reverse("tasks:task_create", args=[source.pk]),
        {
            "title": "新任务",
            "content": "内容",
            "deadline": "2026-06-30",
            "cadence": "monthly",
            "other_units": "石家庄、定州",
            "co_units": "保定市",
            "milestones": "2026-04-30 完成方案 30\n2026-05-31 过半 60",
        },
    )
    task = Task.objects.get(title="新任务")
    assert response.status_code == 302
    assert {(a.unit.name, a.role) for a in task.assignments.all()} == {
        ("石家庄市", "lead"),
        ("定州市", "lead"),
        ("保定市", "co"),
    }
    assert [m.expected_progress for m in task.milestones.all()] == [30, 60]
    city_a = task.assignments.get(unit=tree.city)
    client = login(tree.user("city", "supervisor"))
    response = client.post(
        reverse("tasks:assignment_decompose", args=[city_a.pk]),
        {"title": "长安区分解", "units": [tree.county.pk], "cadence": "none", "deadline": "2026-12-31"},
    )
    assert response.status_code == 200  # later than the parent's deadline: shown again with the reason
    assert "不能晚于" in response.content.decode()
    response = client.post(
        reverse("tasks:assignment_decompose", args=[city_a.pk]),
        {"title": "长安区分解", "units": [tree.county.pk], "cadence": "none", "deadline": "2026-06-15"},
    )
    assert response.status_code == 302
    assert Task.objects.get(title="长安区分解").issuer == tree.city


def test_a_form_with_an_unknown_unit_name_explains_itself(tree, source, login):
    response = login(tree.user("province", "supervisor")).post(
        reverse("tasks:task_create", args=[source.pk]),
        {"title": "任务", "cadence": "none", "other_units": "火星市"},
    )
    assert response.status_code == 200 and "火星市" in response.content.decode()
    assert not Task.objects.exists()


def test_markup_in_a_title_is_shown_escaped(tree, source, login):
    task = services.task_create(
        actor=tree.user("province", "supervisor"), source=source, title="<script>alert(1)</script>"
    )
    html = login(tree.user("province", "leader")).get(reverse("tasks:task_detail", args=[task.pk])).content
    assert b"<script>alert(1)</script>" not in html and b"&lt;script&gt;" in html


def test_the_inbox_lists_what_to_report_review_and_decompose(tree, chain, login):
    report_submit(actor=tree.user("township", "reporter"), assignment=chain["township"], text="x", percent=10)
    township = login(tree.user("township", "reporter")).get(reverse("tasks:inbox")).context["inbox"]
    assert [a.pk for a in township.to_report] == [chain["township"].pk]
    county = login(tree.user("county", "supervisor")).get(reverse("tasks:inbox")).context["inbox"]
    assert [r.assignment_id for r in county.to_review] == [chain["township"].pk]
    assert county.to_decompose == []  # already decomposed
    sibling = login(tree.user("sibling", "supervisor")).get(reverse("tasks:inbox")).context["inbox"]
    assert sibling.total == 0


def test_the_source_tree_takes_a_fixed_number_of_queries(tree, chain, login, django_assert_max_num_queries):
    client = login(tree.user("province", "leader"))
    client.get(reverse("tasks:source_detail", args=[chain["task"].source_id]))  # lights computed today
    with django_assert_max_num_queries(12):
        client.get(reverse("tasks:source_detail", args=[chain["task"].source_id]))


def test_a_large_source_shows_one_summary_row_per_task(tree, chain, login, monkeypatch):
    from luoshi.reports.services import report_review
    from luoshi.tasks import selectors

    monkeypatch.setattr(selectors, "TREE_FULL_LIMIT", 1)
    report, _ = report_submit(
        actor=tree.user("township", "reporter"),
        assignment=chain["township"],
        text="完成",
        percent=100,
        is_completion=True,
    )
    report_review(actor=tree.user("county", "supervisor"), report=report, decision="accept")
    page = login(tree.user("province", "leader")).get(
        reverse("tasks:source_detail", args=[chain["task"].source_id])
    )
    summary = page.context["summary"]
    assert [s.task.title for s in summary] == ["完成老旧小区改造"]
    assert summary[0].units == 1 and summary[0].progress == 100
    # The county's own view starts at the task given to the county (the city's assignment is not its own).
    county = login(tree.user("county", "supervisor")).get(
        reverse("tasks:source_detail", args=[chain["task"].source_id])
    )
    assert [s.task.title for s in county.context["summary"]] == ["长安区老旧小区改造"]


def test_a_returned_report_can_be_corrected_from_its_page(tree, chain, login):
    from luoshi.reports.services import report_review

    township = chain["township"]
    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=township, text="完成40%", percent=40
    )
    report_review(
        actor=tree.user("county", "supervisor"), report=report, decision="return", reason="缺少台账"
    )
    client = login(tree.user("township", "reporter"))
    page = client.get(reverse("tasks:task_detail", args=[township.task_id]))
    assert f"?correct={report.pk}" in page.content.decode() and "缺少台账" in page.content.decode()
    form = client.get(reverse("tasks:task_detail", args=[township.task_id]), {"correct": report.pk}).context[
        "report_form"
    ]
    assert form.initial["supersedes"] == report.pk and form.initial["text"] == "完成40%"
    client.post(
        reverse("tasks:report_create", args=[township.pk]),
        {"text": "完成45%，已补台账", "percent": 45, "supersedes": report.pk},
    )
    correction = Report.objects.get(supersedes=report)
    assert correction.percent == 45 and Report.objects.get(pk=report.pk).state == "superseded"
    # Someone else's report cannot be pre-filled.
    other = login(tree.user("county", "reporter")).get(
        reverse("tasks:task_detail", args=[township.task_id]), {"correct": report.pk}
    )
    assert "supersedes" not in other.context["report_form"].initial
