"""Raw values from the data, scores and ranks, adjustments, publishing and freezing."""

import datetime as dt

import pytest

from luoshi.assessment import criteria, services
from luoshi.assessment.models import Publication, Score
from luoshi.core.exceptions import DomainError, Forbidden

from .conftest import END, add, at, report, review


def _scores(run):
    return {s.unit_code: s for s in Score.objects.filter(run=run)}


def test_it_computes_each_criterion_from_tasks_and_reports(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    for kind in ("on_time_rate", "completion_rate", "report_timeliness", "return_rate"):
        add(scheme, boss, kind, 25)
    run = services.run_compute(actor=boss, scheme=scheme, as_of=END)
    county, sibling = _scores(run)[tree.county.code], _scores(run)[tree.sibling.code]
    raw = {c["kind"]: c["raw"] for c in county.detail["criteria"]}
    # Due by 30 June: both tasks. 长安区 finished one, on time; 桥西区 one, late.
    assert raw["on_time_rate"] == 50.0 and raw["completion_rate"] == 50.0
    # 长安区: task one's cycle 31 March missed (stops at completion 21 April); task two's 31
    # March (returned, but reported), 30 April and 31 May cycles reported: 3 of 4.
    assert raw["report_timeliness"] == 75.0
    assert raw["return_rate"] == 25.0  # 1 of 4 reviewed reports returned
    sraw = {c["kind"]: c["raw"] for c in sibling.detail["criteria"]}
    assert sraw["on_time_rate"] == 0.0 and sraw["completion_rate"] == 50.0
    # 桥西区: task one — 31 March missed, April's cycle met by the 2 April report; task two —
    # 31 March, 30 April, 31 May all missed: 1 of 5.
    assert sraw["report_timeliness"] == 20.0 and sraw["return_rate"] == 0.0
    # Contributions: each criterion weighs 25; return rate floor 50 %, target 0 %.
    assert [c["contribution"] for c in county.detail["criteria"]] == [12.5, 12.5, 18.75, 12.5]
    assert county.total == 56.25 and county.rank == 1
    assert [c["contribution"] for c in sibling.detail["criteria"]] == [0.0, 12.5, 5.0, 25.0]
    assert sibling.total == 42.5 and sibling.rank == 2 and sibling.bottom
    assert (
        "2 of" in county.detail["criteria"][0]["raw_text"] or "2" in county.detail["criteria"][0]["raw_text"]
    )


def test_the_as_of_date_limits_the_data(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "on_time_rate", 100)
    run = services.run_compute(actor=boss, scheme=scheme, as_of=dt.date(2026, 4, 30))
    scores = _scores(run)
    # Only task one was due by 30 April; 桥西区 had not finished it by then.
    assert scores[tree.county.code].detail["criteria"][0]["raw"] == 100.0
    assert scores[tree.sibling.code].detail["criteria"][0]["raw"] == 0.0


def test_a_unit_with_nothing_to_measure_has_its_other_weights_scaled_up(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "on_time_rate", 60)
    add(scheme, boss, "return_rate", 40)
    run = services.run_compute(actor=boss, scheme=scheme, as_of=dt.date(2026, 3, 20))
    # Nothing due and nothing reviewed by 20 March: no criterion can be judged.
    county = _scores(run)[tree.county.code]
    assert county.total == 0 and all(c["normalized"] is None for c in county.detail["criteria"])
    run = services.run_compute(actor=boss, scheme=scheme, as_of=dt.date(2026, 4, 25))
    county = _scores(run)[tree.county.code]
    # Task one is not due yet; the returned report is the only review: return rate 100 %.
    rows = county.detail["criteria"]
    assert rows[0]["normalized"] is None and rows[0]["effective_weight"] == 0
    assert rows[1]["raw"] == 50.0 and rows[1]["effective_weight"] == 100.0 and rows[1]["contribution"] == 0.0


def test_adjustments_add_points_with_their_reason(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "completion_rate", 100)
    services.adjustment_add(
        actor=boss,
        scheme=scheme,
        unit=tree.sibling,
        points="3",
        reason="获省级表彰",
        evidence="冀办〔2026〕5号",
    )
    penalty = services.adjustment_add(
        actor=boss, scheme=scheme, unit=tree.county, points="-2.5", reason="数据造假", evidence="督查记录"
    )
    run = services.run_compute(actor=boss, scheme=scheme, as_of=END)
    scores = _scores(run)
    assert scores[tree.sibling.code].total == 53.0 and scores[tree.county.code].total == 47.5
    assert scores[tree.county.code].detail["adjustments"][0]["reason"] == "数据造假"
    services.adjustment_withdraw(actor=boss, adjustment=penalty)
    scores = _scores(services.run_compute(actor=boss, scheme=scheme, as_of=END))
    assert scores[tree.county.code].total == 50.0


def test_adjustments_are_refused_without_reason_for_strangers_and_for_other_roles(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    with pytest.raises(DomainError):
        services.adjustment_add(
            actor=boss, scheme=scheme, unit=tree.county, points="1", reason=" ", evidence="x"
        )
    with pytest.raises(DomainError):
        services.adjustment_add(
            actor=boss, scheme=scheme, unit=tree.county, points="0", reason="r", evidence="x"
        )
    with pytest.raises(DomainError):
        services.adjustment_add(
            actor=boss, scheme=scheme, unit=tree.baoding, points="1", reason="r", evidence="x"
        )
    with pytest.raises(Forbidden):
        services.adjustment_add(
            actor=tree.user("city", "leader"),
            scheme=scheme,
            unit=tree.county,
            points="1",
            reason="r",
            evidence="x",
        )


def test_criteria_are_checked(tree, scheme):
    boss = tree.user("city", "supervisor")
    for bad in (
        {"kind": "nonsense", "weight": 10},
        {"kind": "on_time_rate", "weight": 0, "floor": 0, "target": 100},
        {"kind": "on_time_rate", "weight": "abc", "floor": 0, "target": 100},
        {"kind": "on_time_rate", "weight": 10},  # linear without floor and target
        {"kind": "on_time_rate", "weight": 10, "floor": 100, "target": 50},  # floor better than target
        {"kind": "return_rate", "weight": 10, "floor": 0, "target": 20},  # lower is better: floor above
        {"kind": "indicator_attainment", "weight": 10, "floor": 0, "target": 100},  # no indicators
        {
            "kind": "indicator_attainment",
            "weight": 10,
            "floor": 0,
            "target": 100,
            "params": {"indicators": [{"id": 999}]},
        },
    ):
        with pytest.raises(DomainError):
            services.criterion_add(actor=boss, scheme=scheme, **bad)
    with pytest.raises(DomainError):
        services.run_compute(actor=boss, scheme=scheme, as_of=END)  # no criteria yet


def test_a_registered_source_feeds_a_criterion(tree, scheme):
    seen = {}

    def fake(units, ctx):
        seen["units"] = sorted(u.code for u in units)
        seen["until"] = ctx.until
        return {tree.county.pk: criteria.Raw(3, "3件"), tree.sibling.pk: criteria.Raw(0, "0件")}

    criteria.register_criterion("fake_notices", fake, label="notices", direction="down", measure="件")
    try:
        boss = tree.user("city", "supervisor")
        services.criterion_add(actor=boss, scheme=scheme, kind="fake_notices", weight=10, floor=5, target=0)
        run = services.run_compute(actor=boss, scheme=scheme, as_of=dt.date(2026, 5, 1))
    finally:
        criteria.unregister_criterion("fake_notices")
    assert seen == {"units": [tree.county.code, tree.sibling.code], "until": dt.date(2026, 5, 1)}
    scores = _scores(run)
    assert scores[tree.county.code].total == 4.0 and scores[tree.sibling.code].total == 10.0
    assert scores[tree.county.code].detail["criteria"][0]["raw_text"] == "3件"


def test_indicator_attainment_weighs_the_chosen_indicators(tree, scheme):
    from luoshi.indicators import services as ind

    boss = tree.user("city", "supervisor")
    province = tree.user("province", "supervisor")
    poverty = ind.indicator_create(
        actor=province, owner=tree.province, name="贫困人口脱贫", measure_unit="人"
    )
    pm25 = ind.indicator_create(
        actor=province, owner=tree.province, name="PM2.5", direction="down", aggregation="mean"
    )
    for unit, target, actual in ((tree.county, 100, 80), (tree.sibling, 100, 150)):
        ind.target_set(actor=province, indicator=poverty, unit=unit, year=2026, value=target)
        ind.actual_submit(actor=province, indicator=poverty, unit=unit, year=2026, period=4, value=actual)
    ind.target_set(actor=province, indicator=pm25, unit=tree.county, year=2026, value=40, baseline=50)
    ind.actual_submit(actor=province, indicator=pm25, unit=tree.county, year=2026, period=4, value=45)
    services.criterion_add(
        actor=boss,
        scheme=scheme,
        kind="indicator_attainment",
        weight=40,
        floor=0,
        target=100,
        params={"indicators": [{"id": poverty.pk, "weight": 3}, {"id": pm25.pk, "weight": 1}]},
    )
    scores = _scores(services.run_compute(actor=boss, scheme=scheme, as_of=dt.date(2026, 4, 30)))
    # 长安区: (3 × 80 % + 1 × 50 %) ÷ 4 = 72.5 %; 桥西区: 150 % capped at 120 %, no PM2.5 target.
    assert scores[tree.county.code].detail["criteria"][0]["raw"] == 72.5
    assert scores[tree.sibling.code].detail["criteria"][0]["raw"] == 120.0
    assert scores[tree.county.code].total == 29.0 and scores[tree.sibling.code].total == 40.0


def test_a_publication_is_frozen_and_a_republication_lists_the_differences(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "completion_rate", 100)
    first = services.run_publish(actor=boss, run=services.run_compute(actor=boss, scheme=scheme, as_of=END))
    frozen = {s.unit_code: (s.total, s.rank) for s in first.run.scores.all()}
    assert frozen == {tree.county.code: (50.0, 1), tree.sibling.code: (50.0, 1)}  # tied: both first
    # New reports arrive after publishing: 桥西区 completes task two.
    rep = report(tree.user("sibling", "reporter"), work["s2"], dt.date(2026, 5, 30), 100, completion=True)
    review(boss, rep, dt.date(2026, 5, 31))
    first.refresh_from_db()
    assert {s.unit_code: (s.total, s.rank) for s in first.run.scores.all()} == frozen
    second = services.run_publish(
        actor=boss, run=services.run_compute(actor=boss, scheme=scheme, as_of=END), note="补报后重新发布"
    )
    assert second.version == 2 and first.version == 1
    assert {s.unit_code: (s.total, s.rank) for s in first.run.scores.all()} == frozen
    county, change = second.diff  # 长安区 only moved: 1st (tied) → 2nd
    assert (county["code"], county["rank_before"], county["rank_after"], county["criteria"]) == (
        tree.county.code,
        1,
        2,
        [],
    )
    assert change["code"] == tree.sibling.code
    assert (change["total_before"], change["total_after"]) == (50.0, 100.0)
    assert (change["rank_before"], change["rank_after"]) == (1, 1)
    assert change["criteria"][0]["raw_before"] == 50.0 and change["criteria"][0]["raw_after"] == 100.0
    assert Publication.objects.count() == 2


def test_publishing_twice_or_an_older_run_is_refused(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "completion_rate", 100)
    run = services.run_compute(actor=boss, scheme=scheme, as_of=END)
    services.run_publish(actor=boss, run=run)
    with pytest.raises(services.Conflict):
        services.run_publish(actor=boss, run=run)
    with pytest.raises(Forbidden):
        services.run_publish(
            actor=tree.user("city", "leader"), run=services.run_compute(actor=boss, scheme=scheme)
        )


def test_computing_again_replaces_the_unpublished_run_only(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "completion_rate", 100)
    published = services.run_compute(actor=boss, scheme=scheme, as_of=END)
    services.run_publish(actor=boss, run=published)
    draft = services.run_compute(actor=boss, scheme=scheme, as_of=END)
    newer = services.run_compute(actor=boss, scheme=scheme, as_of=END)
    assert set(scheme.runs.values_list("pk", flat=True)) == {published.pk, newer.pk} and draft.pk != newer.pk


def test_movement_compares_with_the_previous_periods_publication(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "on_time_rate", 100)
    services.run_publish(actor=boss, run=services.run_compute(actor=boss, scheme=scheme, as_of=END))
    later = services.scheme_create(
        actor=boss,
        owner=tree.city,
        name=scheme.name,
        period_label="2026年三季度",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 9, 30),
        level="county",
        previous=scheme,
    )
    add(later, boss, "completion_rate", 100)
    with at(dt.date(2026, 6, 1)):
        rep = report(tree.user("sibling", "reporter"), work["s2"], dt.date(2026, 6, 1), 100, completion=True)
    review(boss, rep, dt.date(2026, 6, 2))
    scores = _scores(services.run_compute(actor=boss, scheme=later, as_of=dt.date(2026, 9, 30)))
    assert scores[tree.sibling.code].previous_rank == 2 and scores[tree.sibling.code].movement == 1
    assert scores[tree.county.code].previous_rank == 1 and scores[tree.county.code].movement == -1


def test_supervision_notices_received_count_against_a_unit(tree, work, scheme):
    from luoshi.supervision.services import notice_issue

    boss = tree.user("city", "supervisor")
    with at(dt.date(2026, 5, 5)):
        notice_issue(
            actor=boss,
            assignment=work["s2"],
            problem="进度滞后",
            action="限期整改",
            reply_by=dt.date(2026, 5, 15),
        )
    services.criterion_add(actor=boss, scheme=scheme, kind="notices_received", weight=10, floor=3, target=0)
    scores = _scores(services.run_compute(actor=boss, scheme=scheme, as_of=END))
    sibling, county = (
        scores[tree.sibling.code].detail["criteria"][0],
        scores[tree.county.code].detail["criteria"][0],
    )
    assert (sibling["raw"], county["raw"]) == (1.0, 0.0)
    assert sibling["contribution"] == pytest.approx(6.67) and county["contribution"] == 10.0
