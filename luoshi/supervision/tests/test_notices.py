"""Supervision notices: numbering, the flow (issue, acknowledge, reply, close), permissions,
scoping, the PDF, and accountability actions in the unit's record."""

import datetime as dt
import io
import threading

import pytest
from django.db import connection

from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.supervision import pdf, selectors, services
from luoshi.supervision.models import AccountabilityAction, Alert, AlertKind, Notice, NoticeStatus

TODAY = dt.date(2026, 3, 20)


def _issue(tree, assignment, actor=None, **kw):
    return services.notice_issue(
        actor=actor or tree.user("province", "supervisor"),
        assignment=assignment,
        problem=kw.get("problem", "进度滞后，连续两期未报送"),
        action=kw.get("action", "立即整改，补报进展"),
        reply_by=kw.get("reply_by", dt.date(2026, 3, 27)),
        today=TODAY,
    )


def test_notices_are_numbered_per_issuer_and_year_without_gaps(tree, lagging):
    first = _issue(tree, lagging["city"])
    second = _issue(tree, lagging["county"])
    by_city = _issue(tree, lagging["county"], actor=tree.user("city", "supervisor"))
    assert (first.code, second.code) == ("督办〔2026〕1号", "督办〔2026〕2号")
    assert by_city.code == "督办〔2026〕1号" and by_city.issuer == tree.city
    next_year = services.notice_issue(
        actor=tree.user("province", "supervisor"),
        assignment=lagging["city"],
        problem="p",
        action="a",
        reply_by=dt.date(2027, 1, 10),
        today=dt.date(2027, 1, 4),
    )
    assert next_year.code == "督办〔2027〕1号"


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_when_supervisors_issue_at_once(tree, lagging):
    from django.db import connections

    errors, codes = [], []

    def issue():
        try:
            codes.append(_issue(tree, lagging["city"]).number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    if (
        connection.vendor == "sqlite"
        and connection.settings_dict["NAME"] in ("", ":memory:")
        or "memory" in str(connection.settings_dict["NAME"])
    ):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(codes) == [1, 2, 3, 4]


def test_the_unit_acknowledges_and_replies_and_the_issuer_closes(tree, lagging):
    notice = _issue(tree, lagging["city"])
    with pytest.raises(Forbidden):
        services.notice_acknowledge(actor=tree.user("city", "leader"), notice=notice)
    notice = services.notice_acknowledge(actor=tree.user("city", "reporter"), notice=notice)
    assert notice.status == NoticeStatus.ACKNOWLEDGED
    with pytest.raises(DomainError):
        services.notice_acknowledge(actor=tree.user("city", "reporter"), notice=notice)
    with pytest.raises(DomainError):
        services.notice_reply(actor=tree.user("city", "reporter"), notice=notice, text="  ")
    notice = services.notice_reply(
        actor=tree.user("city", "supervisor"), notice=notice, text="已约谈牵头部门，补报进展"
    )
    assert notice.status == NoticeStatus.REPLIED and notice.replied_by == tree.user("city", "supervisor")
    reply_alert = Alert.objects.get(kind=AlertKind.NOTICE_REPLY)
    assert reply_alert.unit == tree.province
    with pytest.raises(Forbidden):
        services.notice_close(actor=tree.user("city", "supervisor"), notice=notice)
    notice = services.notice_close(actor=tree.user("province", "supervisor"), notice=notice)
    assert notice.status == NoticeStatus.CLOSED


def test_only_a_supervisor_above_the_unit_issues_a_notice(tree, lagging):
    with pytest.raises(Forbidden):
        _issue(tree, lagging["city"], actor=tree.user("province", "reporter"))
    with pytest.raises(Forbidden):
        _issue(tree, lagging["city"], actor=tree.user("city", "supervisor"))  # its own assignment
    with pytest.raises(Forbidden):
        _issue(tree, lagging["county"], actor=tree.user("sibling", "supervisor"))
    with pytest.raises(DomainError):
        _issue(tree, lagging["city"], problem=" ")
    with pytest.raises(DomainError):
        _issue(tree, lagging["city"], reply_by=dt.date(2026, 3, 1))
    assert not Notice.objects.exists()


def test_a_notice_reaches_the_unit_and_copies_its_liaison_leader(tree, lagging):
    services.liaison_add(
        actor=tree.user("province", "supervisor"), leader=tree.user("province", "leader"), unit=tree.city
    )
    notice = _issue(tree, lagging["city"])
    assert Alert.objects.filter(kind=AlertKind.NOTICE, notice=notice, unit=tree.city, user=None).exists()
    copy = Alert.objects.get(kind=AlertKind.NOTICE, user=tree.user("province", "leader"))
    assert copy in selectors.inbox_for(tree.user("province", "leader"))
    assert copy not in selectors.inbox_for(tree.user("province", "supervisor"))


def test_a_unit_sees_only_its_own_notices_and_a_supervisor_those_it_issued(tree, lagging):
    to_city = _issue(tree, lagging["city"])
    to_county = _issue(tree, lagging["county"], actor=tree.user("city", "supervisor"))

    def seen(user):
        return set(selectors.notices_visible_to(user))

    assert seen(tree.user("county", "reporter")) == {to_county}
    assert seen(tree.user("sibling", "supervisor")) == set()
    assert seen(tree.user("city", "supervisor")) == {to_city, to_county}
    assert seen(tree.user("township", "reporter")) == set()
    issued = set(selectors.notices_visible_to(tree.user("city", "supervisor")).filter(issuer=tree.city))
    assert issued == {to_county}


def test_the_pdf_notice_renders_with_its_number_and_task(tree, lagging):
    pypdf = pytest.importorskip("pypdf")
    notice = _issue(tree, lagging["county"], actor=tree.user("city", "supervisor"))
    data = pdf.render_notice(notice)
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "督办〔2026〕1号" in compact
    assert "长安区城市更新项目" in compact
    assert "石家庄市督查室" in compact and "长安区" in compact and "2026年3月27日" in compact


def test_accountability_is_recorded_against_a_person_with_linked_tasks_and_shows_in_the_record(tree, lagging):
    notice = _issue(tree, lagging["county"], actor=tree.user("city", "supervisor"))
    action = services.accountability_record(
        actor=tree.user("city", "supervisor"),
        unit=tree.county,
        kind="interview",
        reason="连续两期未报送，督办后仍未整改",
        decided_on=TODAY,
        person_name="张三",
        person_post="副区长",
        tasks=[lagging["county_task"]],
        notice=notice,
    )
    assert list(action.tasks.all()) == [lagging["county_task"]]
    record = selectors.unit_record(tree.user("county", "reporter"), tree.county)
    assert record.actions == [action] and len(record.notices) == 1
    assert selectors.person_record(tree.user("city", "supervisor"), tree.county, "张三").actions == [action]
    assert list(selectors.accountability_visible_to(tree.user("sibling", "supervisor"))) == []
    with pytest.raises(Forbidden):
        services.accountability_record(
            actor=tree.user("sibling", "supervisor"),
            unit=tree.county,
            kind="criticism",
            reason="x",
            decided_on=TODAY,
        )
    with pytest.raises(DomainError):
        services.accountability_record(
            actor=tree.user("city", "supervisor"),
            unit=tree.county,
            kind="bogus",
            reason="x",
            decided_on=TODAY,
        )
    with pytest.raises(DomainError):
        services.accountability_record(
            actor=tree.user("city", "supervisor"),
            unit=tree.sibling,
            kind="criticism",
            reason="x",
            decided_on=TODAY,
            tasks=[lagging["county_task"]],
        )
    assert AccountabilityAction.objects.count() == 1


def test_the_performance_record_counts_on_time_work_and_returns(tree, lagging, time_machine):
    from luoshi.reports.services import report_review, report_submit

    county = lagging["county"]
    county.responsible_name = "李四"
    county.save(update_fields=["responsible_name"])
    time_machine.move_to(dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC), tick=False)
    report, _ = report_submit(
        actor=tree.user("county", "reporter"), assignment=county, text="进展", percent=30
    )
    report_review(
        actor=tree.user("city", "supervisor"), report=report, decision="return", reason="请补充数据"
    )
    done, _ = report_submit(
        actor=tree.user("county", "reporter"), assignment=county, text="完成", percent=100, is_completion=True
    )
    report_review(actor=tree.user("city", "supervisor"), report=done, decision="accept")
    record = selectors.unit_record(tree.user("county", "leader"), tree.county)
    assert (record.led, record.completed, record.on_time, record.returns) == (1, 1, 1, 1)
    assert record.on_time_rate == 100.0
    person = selectors.person_record(tree.user("county", "leader"), tree.county, "李四")
    assert person.led == 1 and person.returns == 1
    assert selectors.people_of(tree.user("county", "leader"), tree.county) == ["李四"]
