"""Checklists and self-inspection; spot-check draws recorded, verifiable and scoped."""

import datetime as dt
from decimal import Decimal

import pytest

from luoshi.audit.models import AuditEntry
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.inspections import selectors, services
from luoshi.inspections.models import Draw, Inspection, SelfCheckStatus

from .conftest import TODAY


def _answer_all(tree, sc, *, passed=True, score=8, evidence="见2026年9月台账"):
    items = list(sc.checklist.items.all())
    services.selfcheck_answer(
        actor=tree.user("county", "reporter"),
        self_check=sc,
        answers=[
            {"item": items[0].pk, "passed": passed, "evidence": evidence},
            {"item": items[1].pk, "score": score, "evidence": evidence, "note": "缺2人"},
        ],
    )


def test_a_checklist_is_sent_answered_submitted_and_rolled_up(tree, checklist, sent, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 10, 9, 0))
    sc = sent[tree.county.code]
    _answer_all(tree, sc, passed=False, score=Decimal("7.5"))
    services.selfcheck_submit(actor=tree.user("county", "reporter"), self_check=sc)
    sc.refresh_from_db()
    assert sc.status == SelfCheckStatus.SUBMITTED and sc.score == Decimal("7.5") and sc.failed == 2
    rollup = selectors.checklist_rollup(tree.user("city", "supervisor"), checklist, today=TODAY)
    assert (rollup.sent, rollup.submitted, rollup.late, rollup.mean_score) == (2, 1, 0, Decimal("7.50"))
    assert [(s.answered, s.failed) for s in rollup.items] == [(1, 1), (1, 1)]
    assert rollup.items[1].mean_score == Decimal("7.50")
    late = selectors.checklist_rollup(tree.user("city", "supervisor"), checklist, today=dt.date(2026, 10, 1))
    assert late.late == 1  # 桥西区 has not answered by its deadline


def test_submitting_needs_every_item_answered_with_evidence(tree, sent):
    sc = sent[tree.county.code]
    with pytest.raises(DomainError) as exc:
        services.selfcheck_submit(actor=tree.user("county", "reporter"), self_check=sc)
    assert exc.value.code == "incomplete" and "1、2" in exc.value.message
    _answer_all(tree, sc, evidence="")
    with pytest.raises(DomainError) as exc:
        services.selfcheck_submit(actor=tree.user("county", "reporter"), self_check=sc)
    assert exc.value.code == "no_evidence"


def test_a_submitted_self_inspection_cannot_be_changed(tree, sent):
    sc = sent[tree.county.code]
    _answer_all(tree, sc)
    services.selfcheck_submit(actor=tree.user("county", "supervisor"), self_check=sc)
    with pytest.raises(DomainError) as exc:
        _answer_all(tree, sc)
    assert exc.value.code == "submitted"


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        ({"score": 11}, "bad_score"),
        ({"score": -1}, "bad_score"),
        ({"score": "x"}, "bad_score"),
        ({"passed": "yes"}, "bad_answer"),
    ],
)
def test_it_refuses_bad_answers(tree, sent, spec, code):
    sc = sent[tree.county.code]
    items = list(sc.checklist.items.all())
    item = items[0] if "passed" in spec else items[1]
    with pytest.raises(DomainError) as exc:
        services.selfcheck_answer(
            actor=tree.user("county", "reporter"), self_check=sc, answers=[{"item": item.pk, **spec}]
        )
    assert exc.value.code == code


def test_only_the_unit_itself_answers(tree, sent):
    for who in ("sibling-reporter", "city-supervisor", "county-leader"):
        with pytest.raises(Forbidden):
            services.selfcheck_answer(actor=tree.users[who], self_check=sent[tree.county.code], answers=[])


def test_a_unit_sees_its_own_self_inspection_and_a_sibling_does_not(tree, checklist, sent):
    county = tree.user("county", "reporter")
    assert list(selectors.self_checks_visible_to(county)) == [sent[tree.county.code]]
    assert selectors.checklists_visible_to(county).get() == checklist
    assert not selectors.checklists_visible_to(tree.user("township", "supervisor")).exists()
    assert (
        not selectors.self_checks_visible_to(tree.user("sibling", "leader"))
        .exclude(unit=tree.sibling)
        .exists()
    )


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"units": "city"}, "out_of_scope"),
        ({"units": "baoding"}, "out_of_scope"),
        ({"deadline": dt.date(2026, 8, 1)}, "bad_deadline"),
        ({"units": "county"}, "duplicate"),
    ],
)
def test_it_refuses_bad_sends(tree, checklist, sent, kw, code):
    args = {"units": [tree.township], "deadline": dt.date(2026, 9, 30)}
    if "units" in kw:
        kw = {"units": [tree.units[kw["units"]]]}
    with pytest.raises(DomainError) as exc:
        services.checklist_send(
            actor=tree.user("city", "supervisor"), checklist=checklist, today=TODAY, **{**args, **kw}
        )
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([], "no_items"),
        ([{"text": " "}], "required"),
        ([{"text": "x", "kind": "score"}], "bad_score"),
        ([{"text": "x", "kind": "score", "max_score": "-1"}], "bad_score"),
        ([{"text": "x", "kind": "stars"}], "bad_kind"),
    ],
)
def test_it_refuses_bad_checklists(tree, items, code):
    with pytest.raises(DomainError) as exc:
        services.checklist_create(
            actor=tree.user("city", "supervisor"), owner=tree.city, title="t", items=items
        )
    assert exc.value.code == code


def test_a_checklist_is_defined_by_the_owners_supervisor_only(tree):
    with pytest.raises(Forbidden):
        services.checklist_create(
            actor=tree.user("city", "reporter"), owner=tree.city, title="t", items=[{"text": "x"}]
        )


# --- Draws ---------------------------------------------------------------------------------------------


def test_a_draw_is_recorded_with_its_seed_and_verifies(tree, spot):
    assert spot.seed == "fixed-seed" and len(spot.digest) == 64
    assert spot.result["sample"] == [tree.county.code, tree.sibling.code]
    # Cross-check: each county is inspected by the other one's supervisor.
    pairs = {i.unit.code: [p.user.username for p in i.inspectors.all()] for i in spot.inspections.all()}
    assert pairs == {tree.county.code: ["sibling-supervisor"], tree.sibling.code: ["county-supervisor"]}
    check = selectors.draw_verification(spot)
    assert check.ok and check.digest_ok and check.result_ok and check.rows_ok
    entry = AuditEntry.objects.get(object_type="inspections.draw", object_id=str(spot.pk))
    assert entry.after["seed"] == "fixed-seed" and entry.after["result"] == spot.result


def test_a_tampered_draw_does_not_verify(tree, spot):
    inspection = spot.inspections.get(unit=tree.county)
    inspection.inspectors.update(user=tree.user("county", "supervisor"), unit_path=tree.county.path)
    check = selectors.draw_verification(spot)
    assert not check.ok and check.result_ok and not check.rows_ok
    Draw.objects.filter(pk=spot.pk).update(seed="another")
    spot.refresh_from_db()
    assert not selectors.draw_verification(spot).digest_ok


def test_the_same_seed_on_the_same_population_draws_the_same(tree, spot):
    again = services.draw_create(
        actor=tree.user("city", "supervisor"),
        owner=tree.city,
        title="复核",
        date=TODAY,
        levels=["county"],
        share="1",
        inspectors=[tree.user("sibling", "supervisor"), tree.user("county", "supervisor")],
        inspectors_per_unit=1,
        seed="fixed-seed",
    )
    assert again.result == spot.result and again.digest != spot.digest  # the last-checked dates differ


def test_units_checked_recently_are_left_out_of_the_next_draw(tree, spot):
    nxt = services.draw_create(
        actor=tree.user("city", "supervisor"),
        owner=tree.city,
        title="下一轮",
        date=dt.date(2026, 12, 1),
        levels=["county", "township"],
        count=1,
        exclude_months=6,
        inspectors=[tree.user("city", "supervisor")],
        inspectors_per_unit=1,
    )
    assert sorted(nxt.result["excluded"]) == [tree.county.code, tree.sibling.code]
    assert nxt.result["sample"] == [tree.township.code]
    assert len(nxt.seed) == 16  # generated, and recorded


def test_strata_by_level_draw_from_each_level(tree):
    the_draw = services.draw_create(
        actor=tree.user("city", "supervisor"),
        owner=tree.city,
        title="分层抽查",
        date=TODAY,
        levels=["county", "township"],
        strata=Draw.Strata.LEVEL,
        count=2,
        inspectors=[tree.user("city", "supervisor")],
        inspectors_per_unit=1,
        seed="s",
    )
    assert the_draw.result["strata"] == {
        "county": {"eligible": 2, "drawn": 1},
        "township": {"eligible": 1, "drawn": 1},
    }
    assert set(selectors.strata_names(the_draw)) == {"county", "township"}


def test_a_draw_never_assigns_an_inspector_to_their_own_unit_or_its_superiors(tree):
    # 长安区's supervisor is the only other inspector: they may check neither 长安区 nor 建北街道.
    with pytest.raises(DomainError) as exc:
        services.draw_create(
            actor=tree.user("city", "supervisor"),
            owner=tree.city,
            title="t",
            date=TODAY,
            levels=["township"],
            share="1",
            inspectors=[tree.user("county", "supervisor")],
            inspectors_per_unit=1,
        )
    assert exc.value.code == "too_few_inspectors" and "建北街道" in exc.value.message
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"levels": []}, "bad_levels"),
        ({"levels": ["galaxy"]}, "bad_levels"),
        ({"strata": "colour"}, "bad_strata"),
        ({"share": "0"}, "bad_share"),
        ({"share": None}, "share_or_count"),
        ({"seed": "x" * 65}, "bad_seed"),
        ({"inspectors": "baoding"}, "bad_inspector"),
    ],
)
def test_it_refuses_bad_draws(tree, kw, code):
    from luoshi.accounts.services import user_create

    args = {"levels": ["county"], "share": "0.5", "inspectors": [tree.user("city", "supervisor")]}
    if kw.get("inspectors") == "baoding":
        outsider, _ = user_create(
            actor=None, username="bd", unit=tree.baoding, roles=["supervisor"], password="x" * 12
        )
        kw = {"inspectors": [outsider]}
    with pytest.raises(DomainError) as exc:
        services.draw_create(
            actor=tree.user("city", "supervisor"), owner=tree.city, title="t", date=TODAY, **{**args, **kw}
        )
    assert exc.value.code == code


def test_draws_are_seen_by_the_organizer_the_drawn_and_the_inspectors_only(tree, spot):
    assert selectors.draws_visible_to(tree.user("county", "leader")).get() == spot
    assert selectors.draws_visible_to(tree.user("province", "leader")).get() == spot
    assert not selectors.draws_visible_to(tree.user("township", "supervisor")).exists()
    # 长安区 sees its own inspection and the one its supervisor was drawn for (桥西区), no more.
    county = tree.user("county", "supervisor")
    assert set(selectors.inspections_visible_to(county)) == set(spot.inspections.all())
    assert list(selectors.inspections_assigned_to(county)) == [spot.inspections.get(unit=tree.sibling)]
