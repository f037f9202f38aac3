"""The heart of the product: assign down the tree, report at the bottom, roll up, review."""

import datetime as dt

import pytest

from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.reports.models import Report, Review
from luoshi.reports.services import Conflict, report_review, report_submit
from luoshi.tasks import services
from luoshi.tasks.models import Assignment, AssignmentStatus, TaskStatus


def test_progress_reported_at_the_township_rolls_up_to_the_province(tree, chain):
    report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="已完成60%", percent=60
    )
    for key in ("township", "county", "city"):
        chain[key].refresh_from_db()
        assert chain[key].progress == 60, key
    assert services.own_progress(chain["city"]) == 0  # the city reported nothing itself


def test_a_returned_report_counts_as_not_reported(tree, chain):
    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="完成80%", percent=80
    )
    report_review(
        actor=tree.user("county", "supervisor"), report=report, decision="return", reason="数据不实"
    )
    chain["city"].refresh_from_db()
    assert chain["city"].progress == 0


def test_rollup_takes_the_mean_of_lead_units(tree, chain):
    city_a = chain["city"]
    sibling_task = services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=city_a,
        title="桥西区改造",
        units=[tree.sibling],
        deadline=dt.date(2026, 6, 20),
        today=dt.date(2026, 3, 2),
    )
    report_submit(
        actor=tree.user("sibling", "reporter"),
        assignment=sibling_task.assignments.get(),
        text="全部完成",
        percent=100,
    )
    report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="一半", percent=50
    )
    city_a.refresh_from_db()
    assert city_a.progress == 75


def test_a_completion_report_accepted_completes_the_assignment_and_the_task(tree, chain):
    township = chain["township"]
    report, _ = report_submit(
        actor=tree.user("township", "reporter"),
        assignment=township,
        text="已全部完成",
        percent=100,
        is_completion=True,
    )
    report_review(actor=tree.user("county", "supervisor"), report=report, decision="accept")
    township.refresh_from_db()
    assert township.status == AssignmentStatus.COMPLETED and township.progress == 100
    township.task.refresh_from_db()
    assert township.task.status == TaskStatus.COMPLETED
    with pytest.raises(DomainError) as err:
        report_submit(actor=tree.user("township", "reporter"), assignment=township, text="再报", percent=100)
    assert err.value.code == "closed"


def test_a_completion_report_must_say_100_percent(tree, chain):
    with pytest.raises(DomainError) as err:
        report_submit(
            actor=tree.user("township", "reporter"),
            assignment=chain["township"],
            text="完成",
            percent=90,
            is_completion=True,
        )
    assert err.value.code == "bad_percent"


def test_a_retried_report_with_the_same_key_is_stored_once(tree, chain):
    first, created = report_submit(
        actor=tree.user("township", "reporter"),
        assignment=chain["township"],
        text="进展",
        percent=30,
        idempotency_key="k-1",
    )
    again, created_again = report_submit(
        actor=tree.user("township", "reporter"),
        assignment=chain["township"],
        text="进展",
        percent=30,
        idempotency_key="k-1",
    )
    assert created and not created_again and first.pk == again.pk
    assert Report.objects.filter(assignment=chain["township"]).count() == 1


def test_a_correction_supersedes_and_history_stays(tree, chain):
    reporter = tree.user("township", "reporter")
    first, _ = report_submit(actor=reporter, assignment=chain["township"], text="完成40%", percent=40)
    second, _ = report_submit(
        actor=reporter, assignment=chain["township"], text="更正：完成45%", percent=45, supersedes=first
    )
    assert first.state == "superseded" and second.state == "pending"
    assert Report.objects.filter(assignment=chain["township"]).count() == 2
    with pytest.raises(Conflict):
        report_review(actor=tree.user("county", "supervisor"), report=first, decision="accept")
    with pytest.raises(Conflict):
        report_submit(
            actor=reporter, assignment=chain["township"], text="再更正", percent=50, supersedes=first
        )


def test_a_second_review_of_the_same_report_gets_a_clear_conflict(tree, chain):
    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="完成", percent=70
    )
    report_review(actor=tree.user("county", "supervisor"), report=report, decision="accept")
    stale = Report.objects.get(pk=report.pk)  # as loaded by a second reviewer before the first acted
    with pytest.raises(Conflict) as err:
        report_review(
            actor=tree.user("county", "supervisor"), report=stale, decision="return", reason="不同意"
        )
    assert err.value.status == 409 and "county-supervisor" in err.value.message
    assert Review.objects.filter(report=report).count() == 1


def test_a_return_needs_a_reason(tree, chain):
    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="完成", percent=70
    )
    with pytest.raises(DomainError) as err:
        report_review(actor=tree.user("county", "supervisor"), report=report, decision="return", reason="  ")
    assert err.value.code == "required"


def test_only_the_unit_itself_reports_and_only_the_issuer_reviews(tree, chain):
    with pytest.raises(Forbidden):
        report_submit(
            actor=tree.user("county", "reporter"), assignment=chain["township"], text="代报", percent=10
        )
    with pytest.raises(Forbidden):
        report_submit(
            actor=tree.user("township", "leader"), assignment=chain["township"], text="领导报", percent=10
        )
    report, _ = report_submit(
        actor=tree.user("township", "reporter"), assignment=chain["township"], text="完成", percent=70
    )
    with pytest.raises(Forbidden):
        report_review(actor=tree.user("city", "supervisor"), report=report, decision="accept")
    with pytest.raises(Forbidden):
        report_review(actor=tree.user("county", "reporter"), report=report, decision="accept")


def test_a_unit_cannot_assign_outside_its_subtree(tree, source):
    task = services.task_create(actor=tree.user("province", "supervisor"), source=source, title="某任务")
    (city_a,) = services.task_assign(actor=tree.user("province", "supervisor"), task=task, units=[tree.city])
    with pytest.raises(DomainError) as err:
        services.task_decompose(
            actor=tree.user("city", "supervisor"), assignment=city_a, title="越界", units=[tree.xiongxian]
        )
    assert err.value.code == "out_of_scope"
    with pytest.raises(Forbidden):
        services.task_decompose(
            actor=tree.user("sibling", "supervisor"), assignment=city_a, title="越权", units=[tree.county]
        )


def test_a_sub_task_cannot_end_after_its_parent(tree, chain):
    with pytest.raises(DomainError) as err:
        services.task_decompose(
            actor=tree.user("county", "supervisor"),
            assignment=chain["county"],
            title="太晚",
            units=[tree.township],
            deadline=dt.date(2026, 12, 31),
        )
    assert err.value.code == "bad_deadline"


def test_assigning_twice_to_the_same_unit_is_refused(tree, chain):
    with pytest.raises(DomainError) as err:
        services.task_assign(actor=tree.user("province", "supervisor"), task=chain["task"], units=[tree.city])
    assert err.value.code == "duplicate" and "石家庄市" in err.value.message


def test_the_relay_task_goes_to_every_sub_venue_in_one_step(tree, source):
    task = services.source_relay(
        actor=tree.user("province", "supervisor"), source=source, today=dt.date(2026, 3, 2)
    )
    assert task.title == "传达学习贯彻会议精神"
    assert {a.unit.name for a in task.assignments.all()} == {"石家庄市", "保定市", "定州市", "雄安新区"}
    assert all(a.deadline == dt.date(2026, 3, 16) for a in task.assignments.all())  # 10 working days
    with pytest.raises(DomainError):
        services.source_relay(actor=tree.user("province", "supervisor"), source=source)


def test_a_five_working_day_deadline_set_on_2026_09_29_lands_after_national_day(tree, source):
    task = services.task_create(
        actor=tree.user("province", "supervisor"), source=source, title="节前任务", deadline_workdays=5
    )
    (a,) = services.task_assign(
        actor=tree.user("province", "supervisor"), task=task, units=[tree.city], today=dt.date(2026, 9, 29)
    )
    assert a.deadline == dt.date(2026, 10, 12)


def test_cancelling_closes_the_task_and_its_sub_tasks(tree, chain):
    services.task_cancel(actor=tree.user("province", "supervisor"), task=chain["task"], reason="工作调整")
    assert not Assignment.objects.filter(status=AssignmentStatus.ACTIVE).exists()


def test_many_assignments_in_one_transaction_keep_their_lights(tree, source):
    from django.db import transaction

    sup = tree.user("province", "supervisor")
    with transaction.atomic():
        for title in ("一", "二", "三"):
            task = services.task_create(actor=sup, source=source, title=title, deadline=dt.date(2026, 1, 1))
            services.task_assign(actor=sup, task=task, units=[tree.city], today=dt.date(2026, 1, 5))
    assert set(Assignment.objects.values_list("light", flat=True)) == {"red"}
