"""Pages: allowed, wrong role (403), sibling (404); forms; the leader's view; query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.supervision import services
from luoshi.supervision.models import AccountabilityAction, Channel, Liaison, Notice


@pytest.fixture
def notice(tree, lagging):
    return services.notice_issue(
        actor=tree.user("city", "supervisor"),
        assignment=lagging["county"],
        problem="进度滞后",
        action="补报进展",
        reply_by=dt.date(2099, 1, 1),
    )


def test_a_supervisor_issues_a_notice_through_the_page(tree, lagging, login):
    client = login(tree.user("city", "supervisor"))
    url = reverse("supervision:notice_create", args=[lagging["county"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"problem": "进度滞后", "action": "立即整改", "reply_by": "2099-01-01"})
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision:notice_detail", args=[notice.pk]
    )
    bad = client.post(url, {"problem": "", "action": "x", "reply_by": "bad"})
    assert bad.status_code == 200 and Notice.objects.count() == 1


def test_the_notice_form_refuses_wrong_roles_and_siblings(tree, lagging, login):
    url = reverse("supervision:notice_create", args=[lagging["county"].pk])
    assert login(tree.user("city", "reporter")).get(url).status_code == 403
    assert login(tree.user("sibling", "supervisor")).get(url).status_code == 404


def test_the_notice_page_its_pdf_and_the_replies(tree, notice, login):
    detail = reverse("supervision:notice_detail", args=[notice.pk])
    county = login(tree.user("county", "reporter"))
    page = county.get(detail)
    assert page.status_code == 200 and notice.code in page.content.decode()
    pdf = county.get(reverse("supervision:notice_pdf", args=[notice.pk]))
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert county.post(reverse("supervision:notice_acknowledge", args=[notice.pk])).status_code == 302
    assert (
        county.post(reverse("supervision:notice_reply", args=[notice.pk]), {"text": "已整改"}).status_code
        == 302
    )
    notice.refresh_from_db()
    assert notice.status == "replied"
    # The county cannot close; a sibling sees nothing.
    assert county.post(reverse("supervision:notice_close", args=[notice.pk])).status_code == 403
    sibling = login(tree.user("sibling", "supervisor"))
    assert sibling.get(detail).status_code == 404
    assert sibling.get(reverse("supervision:notice_pdf", args=[notice.pk])).status_code == 404
    assert (
        sibling.post(reverse("supervision:notice_reply", args=[notice.pk]), {"text": "x"}).status_code == 404
    )
    city = login(tree.user("city", "supervisor"))
    assert city.post(reverse("supervision:notice_close", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.status == "closed"


def test_a_leader_cannot_acknowledge_for_the_unit(tree, notice, login):
    client = login(tree.user("county", "leader"))
    assert client.post(reverse("supervision:notice_acknowledge", args=[notice.pk])).status_code == 403
    assert (
        client.post(reverse("supervision:notice_reply", args=[notice.pk]), {"text": "x"}).status_code == 403
    )


def test_the_notice_list_is_scoped_with_a_fixed_number_of_queries(tree, lagging, notice, login):
    for _ in range(3):
        services.notice_issue(
            actor=tree.user("province", "supervisor"),
            assignment=lagging["city"],
            problem="p",
            action="a",
            reply_by=dt.date(2099, 1, 1),
        )
    client = login(tree.user("city", "supervisor"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("supervision:notice_list"))
    assert page.status_code == 200 and page.content.decode().count("督办〔") == 4
    assert len(ctx.captured_queries) <= 8
    received = client.get(reverse("supervision:notice_list") + "?box=issued").content.decode()
    assert received.count("督办〔") == 1
    assert (
        "督办〔"
        not in login(tree.user("sibling", "reporter"))
        .get(reverse("supervision:notice_list"))
        .content.decode()
    )


def test_the_inbox_shows_the_units_messages_and_marks_them_read(tree, notice, login):
    client = login(tree.user("county", "reporter"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("supervision:inbox"))
    assert "进度滞后" in page.content.decode() and len(ctx.captured_queries) <= 8
    alert = notice.alerts.get(user=None)
    assert (
        login(tree.user("sibling", "reporter"))
        .post(reverse("supervision:inbox_read", args=[alert.pk]))
        .status_code
        == 404
    )
    client = login(tree.user("county", "reporter"))
    assert (
        client.post(reverse("supervision:inbox_read", args=[alert.pk]), {"open": "1"})["Location"]
        == alert.link
    )
    alert.refresh_from_db()
    assert alert.read_at is not None


def test_accountability_pages(tree, notice, login):
    client = login(tree.user("city", "supervisor"))
    form = client.get(reverse("supervision:accountability_create") + f"?notice={notice.pk}")
    assert form.status_code == 200 and notice.code in form.content.decode()
    response = client.post(
        reverse("supervision:accountability_create"),
        {
            "unit_code": tree.county.code,
            "kind": "criticism",
            "reason": "未按期整改",
            "decided_on": "2026-03-20",
            "person_name": "张三",
            "task_ids": str(notice.assignment.task_id),
            "notice": notice.pk,
        },
    )
    assert response.status_code == 302 and AccountabilityAction.objects.count() == 1
    bad = client.post(
        reverse("supervision:accountability_create"),
        {
            "unit_code": tree.sibling.code + "x",
            "kind": "criticism",
            "reason": "x",
            "decided_on": "2026-03-20",
        },
    )
    assert bad.status_code == 200 and AccountabilityAction.objects.count() == 1
    assert (
        login(tree.user("city", "reporter")).get(reverse("supervision:accountability_create")).status_code
        == 403
    )
    listing = (
        login(tree.user("county", "leader")).get(reverse("supervision:accountability_list")).content.decode()
    )
    assert "未按期整改" in listing
    assert (
        "未按期整改"
        not in login(tree.user("sibling", "leader"))
        .get(reverse("supervision:accountability_list"))
        .content.decode()
    )


def test_the_record_pages(tree, notice, login):
    client = login(tree.user("county", "leader"))
    assert client.get(reverse("supervision:record", args=[tree.county.code])).status_code == 200
    assert client.get(reverse("supervision:record", args=[tree.sibling.code])).status_code == 404
    person = reverse("supervision:person_record", args=[tree.county.code])
    assert client.get(person + "?name=张三").status_code == 200
    assert client.get(person).status_code == 404


def test_liaison_pages_and_the_leaders_view(tree, lagging, notice, login):
    supervisor = login(tree.user("city", "supervisor"))
    url = reverse("supervision:liaison_list")
    leader = tree.user("city", "leader")
    assert supervisor.post(url, {"leader": leader.pk, "unit_code": tree.county.code}).status_code == 302
    assert (
        supervisor.post(url, {"leader": leader.pk, "unit_code": tree.baoding.code}).status_code == 200
    )  # not visible
    assert Liaison.objects.count() == 1
    assert (
        login(tree.user("city", "reporter"))
        .post(url, {"leader": leader.pk, "unit_code": tree.county.code})
        .status_code
        == 403
    )
    view = login(leader).get(reverse("supervision:leader"))
    html = view.content.decode()
    assert view.status_code == 200 and "长安区城市更新项目" in html and notice.code in html
    assert login(tree.user("city", "reporter")).get(reverse("supervision:leader")).status_code == 403
    liaison = Liaison.objects.get()
    assert (
        login(tree.user("sibling", "admin"))
        .post(reverse("supervision:liaison_delete", args=[liaison.pk]))
        .status_code
        == 404
    )
    supervisor = login(tree.user("city", "supervisor"))
    assert supervisor.post(reverse("supervision:liaison_delete", args=[liaison.pk])).status_code == 302
    assert not Liaison.objects.exists()


def test_a_leader_holds_only_units_inside_their_own_subtree(tree):
    from luoshi.core.exceptions import DomainError

    with pytest.raises(DomainError):
        services.liaison_add(
            actor=tree.user("city", "admin"), leader=tree.user("city", "leader"), unit=tree.baoding
        )
    with pytest.raises(DomainError):
        services.liaison_add(
            actor=tree.user("city", "admin"), leader=tree.user("city", "reporter"), unit=tree.county
        )


def test_channel_pages(tree, login):
    admin = login(tree.user("county", "admin"))
    url = reverse("supervision:channels")
    assert (
        admin.post(
            url, {"kind": "email", "target": "a@example.org", "kinds": ["notice"], "enabled": "on"}
        ).status_code
        == 302
    )
    assert admin.post(url, {"kind": "email", "target": "nope", "enabled": "on"}).status_code == 200
    assert Channel.objects.count() == 1
    assert login(tree.user("county", "reporter")).post(url, {"kind": "inbox"}).status_code == 403
    assert login(tree.user("county", "reporter")).get(url).status_code == 200
    channel = Channel.objects.get()
    assert (
        login(tree.user("sibling", "admin"))
        .post(reverse("supervision:channel_delete", args=[channel.pk]))
        .status_code
        == 404
    )
    admin = login(tree.user("county", "admin"))
    assert admin.post(reverse("supervision:channel_delete", args=[channel.pk])).status_code == 302


def test_the_task_panel_offers_a_notice_to_supervisors_above(tree, lagging, notice, rf):
    from django.template import Context, Template

    template = Template("{% load supervision_tags %}{% supervision_panel task %}")
    request = rf.get("/")
    request.user = tree.user("city", "supervisor")
    html = template.render(Context({"request": request, "task": lagging["county_task"]}))
    assert notice.code in html and reverse("supervision:notice_create", args=[lagging["county"].pk]) in html
    request.user = tree.user("county", "reporter")
    html = template.render(Context({"request": request, "task": lagging["county_task"]}))
    assert notice.code in html and "/notice/" not in html
