"""Findings: a real rectification task, closing (销号) only on verified evidence, reopening
with history, repeat problems, and who may see and do what."""

import datetime as dt

import pytest

from luoshi.audit.models import AuditEntry
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.inspections import selectors, services
from luoshi.inspections.models import Finding, FindingEvent, FindingStatus
from luoshi.tasks import selectors as task_selectors
from luoshi.tasks.models import AssignmentStatus

from .conftest import TODAY, finish_rectification


def test_a_finding_becomes_a_rectification_task_in_the_units_inbox(tree, finding):
    assert finding.status == FindingStatus.RECTIFYING and finding.round == 1
    a = finding.assignment
    assert a.unit == tree.county and a.deadline == dt.date(2026, 10, 31)
    assert a.task.title == "整改：专项资金拨付滞后" and a.task.issuer == tree.city
    assert a.task.source.title == "2026年市审计局专项审计问题整改" and a.task.source.kind == "document"
    inbox = task_selectors.inbox_for(tree.user("county", "reporter"))
    assert a in inbox.to_report
    assert [e.kind for e in finding.events.all()] == ["recorded", "issued"]


def test_a_second_external_finding_shares_the_task_source(tree, finding):
    other = services.finding_create(
        actor=tree.user("city", "supervisor"),
        issuer=tree.city,
        unit=tree.sibling,
        source_kind="audit",
        source_ref="2026年市审计局专项审计",
        description="台账不全",
        deadline=dt.date(2026, 10, 31),
        today=TODAY,
    )
    assert other.task_source_id == finding.task_source_id


def test_closing_without_verified_evidence_is_refused(tree, finding):
    with pytest.raises(DomainError) as exc:
        services.finding_close(actor=tree.user("city", "supervisor"), finding=finding, note="已核验")
    assert exc.value.code == "not_verified" and exc.value.message == services.msg_not_verified()
    assert "不能销号" in exc.value.message or "completion report" in exc.value.message
    # A completion report that is not yet accepted is not evidence either.
    finish_rectification(tree, finding, accept=False)
    with pytest.raises(DomainError) as exc:
        services.finding_close(actor=tree.user("city", "supervisor"), finding=finding, note="已核验")
    assert exc.value.code == "not_verified"
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING and finding.closed_at is None


def test_a_close_needs_a_verification_note(tree, finding):
    finish_rectification(tree, finding)
    with pytest.raises(DomainError) as exc:
        services.finding_close(actor=tree.user("city", "supervisor"), finding=finding, note="  ")
    assert exc.value.message == services.msg_note_required()


def test_the_issuer_closes_a_verified_rectification(tree, finding):
    finish_rectification(tree, finding)
    assert finding.assignment.status == AssignmentStatus.COMPLETED
    services.finding_close(actor=tree.user("city", "supervisor"), finding=finding, note="现场核验凭证无误")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.closed_by == tree.user("city", "supervisor")
    assert finding.events.last().note == "现场核验凭证无误"
    assert AuditEntry.objects.filter(object_type="inspections.finding", message="现场核验凭证无误").exists()


@pytest.mark.parametrize("who", ["county-supervisor", "city-reporter", "province-supervisor"])
def test_only_the_issuers_supervisors_close(tree, finding, who):
    finish_rectification(tree, finding)
    with pytest.raises(Forbidden):
        services.finding_close(actor=tree.users[who], finding=finding, note="ok")


def test_a_reopened_finding_keeps_its_history(tree, finding):
    city = tree.user("city", "supervisor")
    finish_rectification(tree, finding)
    first_assignment = finding.assignment
    services.finding_close(actor=city, finding=finding, note="核验通过")
    services.finding_reopen(
        actor=city, finding=finding, reason="回头看发现仍未拨付", deadline=dt.date(2026, 11, 30), today=TODAY
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING and finding.round == 2 and finding.closed_at is None
    assert finding.assignment != first_assignment and finding.assignment.status == AssignmentStatus.ACTIVE
    assert finding.assignment.task.title.endswith("（第2轮）")
    events = list(finding.events.values_list("kind", "round", "assignment_id"))
    assert events == [
        ("recorded", 0, None),
        ("issued", 1, first_assignment.pk),
        ("closed", 1, first_assignment.pk),
        ("reopened", 1, first_assignment.pk),
        ("issued", 2, finding.assignment_id),
    ]
    assert "2026-10-31" in finding.events.get(kind="reopened").note
    first_assignment.refresh_from_db()
    assert first_assignment.status == AssignmentStatus.COMPLETED  # the first round's record stands
    # The second round closes the same way.
    finish_rectification(tree, finding)
    services.finding_close(actor=city, finding=finding, note="二次核验通过")
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.CLOSED


def test_finding_events_are_append_only(tree, finding):
    event = finding.events.first()
    event.note = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_only_a_closed_finding_can_be_reopened(tree, finding):
    with pytest.raises(DomainError) as exc:
        services.finding_reopen(
            actor=tree.user("city", "supervisor"), finding=finding, reason="x", deadline=TODAY, today=TODAY
        )
    assert exc.value.code == "not_closed"


def test_the_same_problem_found_again_in_the_same_unit_is_a_repeat(tree, finding):
    city = tree.user("city", "supervisor")
    again = services.finding_create(
        actor=city,
        issuer=tree.city,
        unit=tree.county,
        source_kind="supervision",
        description="资金拨付仍然滞后",
        category="资金拨付 滞后！",  # the same key once normalized
        deadline=dt.date(2026, 12, 31),
        found_on=dt.date(2026, 11, 1),
        today=dt.date(2026, 11, 1),
    )
    assert again.repeat_of == finding
    elsewhere = services.finding_create(
        actor=city,
        issuer=tree.city,
        unit=tree.sibling,
        source_kind="supervision",
        description="资金拨付滞后",
        category="资金拨付滞后",
        deadline=dt.date(2026, 12, 31),
        today=TODAY,
    )
    assert elsewhere.repeat_of is None  # another unit
    unrelated = services.finding_create(
        actor=city,
        issuer=tree.city,
        unit=tree.county,
        source_kind="supervision",
        description="资金拨付滞后",  # no key given: never matched on free text
        deadline=dt.date(2026, 12, 31),
        today=TODAY,
    )
    assert unrelated.repeat_of is None
    repeats = selectors.ledger(city, selectors.LedgerFilter(repeats=True))
    assert list(repeats) == [again]


def test_the_same_checklist_item_failed_again_is_a_repeat(tree, checklist, spot, sent):
    city = tree.user("city", "supervisor")
    item = checklist.items.get(seq=1)
    inspection = spot.inspections.get(unit=tree.county)
    first = services.finding_create(
        actor=city, inspection=inspection, item=item, description="台账缺失", deadline=TODAY, today=TODAY
    )
    second = services.finding_create(
        actor=city,
        self_check=sent[tree.county.code],
        item=item,
        description="自查发现台账仍未建立",
        deadline=TODAY,
        today=TODAY,
    )
    assert first.problem_key == second.problem_key == item.key
    assert second.repeat_of == first
    # A new checklist with the same item text matches too (the key is the normalized text).
    other = services.checklist_create(
        actor=city, owner=tree.city, title="2027年自查", items=[{"text": "建立 工作台账"}]
    )
    assert other.items.get().key == item.key


def test_an_inspector_records_a_finding_that_the_organizer_then_issues(tree, spot):
    inspection = spot.inspections.get(unit=tree.county)
    inspector = inspection.inspectors.get().user
    assert inspector == tree.user("sibling", "supervisor")
    finding = services.finding_create(
        actor=inspector, inspection=inspection, description="未按月更新台账", deadline=TODAY, today=TODAY
    )
    assert finding.status == FindingStatus.RECORDED and finding.assignment is None
    assert finding.issuer == tree.city and finding.unit == tree.county and finding.source_kind == "spot_check"
    with pytest.raises(Forbidden):
        services.finding_issue(actor=inspector, finding=finding)
    services.finding_issue(actor=tree.user("city", "supervisor"), finding=finding, today=TODAY)
    assert finding.status == FindingStatus.RECTIFYING
    assert finding.assignment.task.source == spot.source


def test_someone_not_drawn_cannot_record_a_finding_on_an_inspection(tree, spot):
    inspection = spot.inspections.get(unit=tree.county)
    with pytest.raises(Forbidden) as exc:
        services.finding_create(
            actor=tree.user("county", "supervisor"), inspection=inspection, description="x", deadline=TODAY
        )
    assert exc.value.message == services.msg_conflict_of_interest()


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"source_kind": "spot_check"}, "bad_source"),
        ({"source_kind": "rumour"}, "bad_source"),
        ({"unit": "city"}, "out_of_scope"),
        ({"unit": "baoding"}, "out_of_scope"),
        ({"severity": "huge"}, "bad_severity"),
        ({"deadline": dt.date(2026, 8, 1)}, "bad_deadline"),
        ({"description": "  "}, "required"),
    ],
)
def test_it_refuses_bad_findings(tree, kw, code):
    args = {
        "actor": tree.user("city", "supervisor"),
        "issuer": tree.city,
        "unit": tree.county,
        "source_kind": "tour",
        "description": "问题",
        "deadline": dt.date(2026, 10, 1),
        "today": TODAY,
    }
    if "unit" in kw:
        kw = {"unit": tree.units[kw["unit"]]}
    with pytest.raises(DomainError) as exc:
        services.finding_create(**{**args, **kw})
    assert exc.value.code == code
    assert not Finding.objects.exists()


def test_the_responsible_unit_states_its_measures(tree, finding):
    services.finding_set_measures(actor=tree.user("county", "reporter"), finding=finding, measures="倒排工期")
    assert Finding.objects.get(pk=finding.pk).measures == "倒排工期"
    assert finding.events.last().kind == FindingEvent.Kind.MEASURES
    with pytest.raises(Forbidden):
        services.finding_set_measures(actor=tree.user("sibling", "supervisor"), finding=finding, measures="x")


# --- Scoping ------------------------------------------------------------------------------------------


def test_a_unit_sees_its_own_findings_and_a_sibling_does_not(tree, finding):
    assert selectors.findings_visible_to(tree.user("county", "leader")).get() == finding
    assert selectors.findings_visible_to(tree.user("city", "leader")).get() == finding
    assert not selectors.findings_visible_to(tree.user("sibling", "supervisor")).exists()
    assert not selectors.findings_visible_to(tree.user("township", "supervisor")).exists()


def test_inspectors_see_what_they_were_assigned_and_nothing_else(tree, spot):
    city = tree.user("city", "supervisor")
    on_county = services.finding_create(
        actor=city,
        inspection=spot.inspections.get(unit=tree.county),
        description="甲",
        deadline=TODAY,
        today=TODAY,
    )
    on_sibling = services.finding_create(
        actor=city,
        inspection=spot.inspections.get(unit=tree.sibling),
        description="乙",
        deadline=TODAY,
        today=TODAY,
    )
    # 桥西区's inspector checked 长安区: 桥西区 sees that finding (and its own), not more.
    sibling = tree.user("sibling", "supervisor")
    assert set(selectors.findings_visible_to(sibling)) == {on_county, on_sibling}
    assert list(selectors.inspections_assigned_to(sibling)) == [spot.inspections.get(unit=tree.county)]
    # An external finding on 长安区 is not visible to 桥西区.
    external = services.finding_create(
        actor=city,
        issuer=tree.city,
        unit=tree.county,
        source_kind="tour",
        description="丙",
        deadline=TODAY,
        today=TODAY,
    )
    assert external not in selectors.findings_visible_to(sibling)
    # A unit outside both sees none of it.
    assert (
        not selectors.findings_visible_to(tree.user("province", "supervisor"))
        .exclude(pk__in=[on_county.pk, on_sibling.pk, external.pk])
        .exists()
    )
    assert not selectors.findings_visible_to(tree.user("township", "supervisor")).exists()


# --- Ledger views ---------------------------------------------------------------------------------------


def test_the_ledger_summary_counts_ageing_and_on_time_share(tree, finding, time_machine):
    city = tree.user("city", "supervisor")
    late = services.finding_create(
        actor=city,
        issuer=tree.city,
        unit=tree.sibling,
        source_kind="tour",
        description="巡视反馈问题",
        deadline=dt.date(2026, 9, 10),
        found_on=TODAY,
        today=TODAY,
    )
    time_machine.move_to(dt.datetime(2026, 9, 20, 10, 0))
    finish_rectification(tree, finding)
    services.finding_close(actor=city, finding=finding, note="核验通过")
    today = dt.date(2026, 9, 30)
    summary = selectors.ledger_summary(selectors.ledger(city, today=today), today)
    total = summary["total"]
    assert (total.total, total.closed, total.open, total.overdue) == (2, 1, 1, 1)
    assert total.on_time_share == 50 and total.mean_age == 29
    assert [t.label for t in summary["by_source"]] == ["审计", "巡视"]
    assert [(t.label, t.on_time_share) for t in summary["by_unit"]] == [("长安区", 100), ("桥西区", 0)]
    rows = {f.pk: f for f in selectors.ledger(city, today=today)}
    assert selectors.age_days(rows[finding.pk], today) == 19
    assert selectors.is_overdue(rows[late.pk], today)
    assert rows[finding.pk].progress_text.startswith("资金已全部拨付")
