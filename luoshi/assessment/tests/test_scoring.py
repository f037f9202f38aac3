"""Scoring arithmetic on constructed cases: no database."""

import pytest

from luoshi.assessment import scoring
from luoshi.assessment.scoring import CriterionSpec


def test_linear_normalization_runs_from_floor_to_target_and_clamps():
    assert scoring.normalize_linear(60, 40, 90) == pytest.approx(0.4)
    assert scoring.normalize_linear(30, 40, 90) == 0.0
    assert scoring.normalize_linear(95, 40, 90) == 1.0
    assert scoring.normalize_linear(None, 40, 90) is None


def test_linear_normalization_serves_lower_is_better_with_the_floor_above_the_target():
    # Return rate: 20 % or worse scores 0, none returned scores 1.
    assert scoring.normalize_linear(5, 20, 0) == pytest.approx(0.75)
    assert scoring.normalize_linear(25, 20, 0) == 0.0
    assert scoring.normalize_linear(0, 20, 0) == 1.0


def test_rank_normalization_spreads_scores_evenly_and_shares_them_on_ties():
    assert scoring.normalize_rank({"a": 90, "b": 70, "c": 70, "d": 10, "e": None}) == {
        "a": 1.0,
        "b": pytest.approx(2 / 3),
        "c": pytest.approx(2 / 3),
        "d": 0.0,
        "e": None,
    }
    assert scoring.normalize_rank({"a": 3, "b": 1}, "down") == {"a": 0.0, "b": 1.0}
    assert scoring.normalize_rank({"a": 3}) == {"a": 1.0}


def test_competition_ranks_skip_after_a_tie():
    assert scoring.competition_ranks({"a": (9,), "b": (7,), "c": (7,), "d": (5,)}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }


SPECS = [
    CriterionSpec("ontime", "按期", 30, floor=50, target=100),
    CriterionSpec("attain", "指标", 40, normalization="rank"),
    CriterionSpec("returns", "退回率", 30, direction="down", floor=20, target=0),
]


def test_weighted_totals_add_score_times_weight_and_adjustments():
    raws = {
        "甲": {"ontime": 90, "attain": 110, "returns": 5},
        "乙": {"ontime": 60, "attain": 95, "returns": 0},
        "丙": {"ontime": 100, "attain": 80, "returns": 30},
    }
    result = scoring.score_group(SPECS, raws, adjustments={"丙": -2})
    a, b, c = result["甲"], result["乙"], result["丙"]
    # 甲: 0.8 × 30 + 1 × 40 + 0.75 × 30 = 24 + 40 + 22.5
    assert [r.contribution for r in a.criteria] == [24.0, 40.0, 22.5] and a.total == 86.5
    # 乙: 0.2 × 30 + 0.5 × 40 + 1 × 30
    assert [r.contribution for r in b.criteria] == [6.0, 20.0, 30.0] and b.total == 56.0
    # 丙: 1 × 30 + 0 + 0, minus 2 penalty points
    assert c.base == 30.0 and c.adjustments == -2.0 and c.total == 28.0
    assert (a.rank, b.rank, c.rank) == (1, 2, 3)
    assert a.criteria[0].normalized == 0.8 and a.criteria[0].weight == 30


def test_a_missing_criterion_scales_the_remaining_weights_up():
    raws = {
        "甲": {"ontime": None, "attain": 100, "returns": 0},
        "乙": {"ontime": 100, "attain": 50, "returns": 0},
    }
    a = scoring.score_group(SPECS, raws)["甲"]
    assert a.criteria[0].effective_weight == 0 and a.criteria[0].contribution == 0
    assert a.criteria[1].effective_weight == pytest.approx(40 * 100 / 70, abs=1e-4)
    assert a.total == 100.0


def test_ties_share_a_rank_unless_the_scheme_breaks_them_by_criteria():
    specs = [
        CriterionSpec("x", "x", 50, floor=0, target=100),
        CriterionSpec("y", "y", 50, floor=0, target=100),
    ]
    raws = {
        "甲": {"x": 60, "y": 40},
        "乙": {"x": 40, "y": 60},
        "丙": {"x": 40, "y": 60},
        "丁": {"x": 0, "y": 0},
    }
    shared = scoring.score_group(specs, raws)
    assert {u: s.rank for u, s in shared.items()} == {"甲": 1, "乙": 1, "丙": 1, "丁": 4}
    broken = scoring.score_group(specs, raws, tie_break=scoring.TIE_CRITERIA)
    # 甲 leads on the first criterion; 乙 and 丙 are equal on every criterion and stay tied.
    assert {u: s.rank for u, s in broken.items()} == {"甲": 1, "乙": 2, "丙": 2, "丁": 4}


def test_totals_are_ranked_as_rounded():
    specs = [CriterionSpec("x", "x", 100, floor=0, target=3)]
    result = scoring.score_group(specs, {"甲": {"x": 1}, "乙": {"x": 1.00001}})
    assert result["甲"].total == result["乙"].total == 33.33 and result["甲"].rank == result["乙"].rank == 1


def test_the_bottom_keeps_boundary_ties_and_needs_a_group_larger_than_itself():
    ranks = {"a": 1, "b": 2, "c": 3, "d": 3, "e": 5}
    assert scoring.bottom(ranks, 2) == {"c", "d", "e"}
    assert scoring.bottom(ranks, 1) == {"e"}
    assert scoring.bottom(ranks, 5) == set() and scoring.bottom(ranks, 0) == set()
    result = scoring.score_group(
        [CriterionSpec("x", "x", 1, floor=0, target=10)],
        {u: {"x": i} for i, u in enumerate("abcdefghijkl")},
        bottom_n=10,
    )
    assert sorted(u for u, s in result.items() if s.bottom) == list("abcdefghij")


def test_movement_counts_places_up():
    assert scoring.movement(5, 2) == 3 and scoring.movement(1, 4) == -3 and scoring.movement(None, 1) is None


def test_the_diff_lists_changed_added_and_removed_units():
    def row(code, total, rank, raw):
        crit = [{"key": "1", "label": "按期", "raw": raw, "normalized": raw / 100, "contribution": raw}]
        return {
            "code": code,
            "name": code,
            "group": "county",
            "total": total,
            "rank": rank,
            "criteria": crit,
            "adjustments": 0,
        }

    before = [row("a", 80, 1, 80), row("b", 70, 2, 70), row("c", 60, 3, 60)]
    after = [row("a", 80, 1, 80), row("b", 90, 1, 90), row("d", 10, 3, 10)]
    changes = {c["code"]: c for c in scoring.diff(before, after)}
    assert set(changes) == {"b", "c", "d"}
    assert changes["b"]["rank_before"] == 2 and changes["b"]["rank_after"] == 1
    assert changes["b"]["criteria"][0]["raw_before"] == 70 and changes["b"]["criteria"][0]["raw_after"] == 90
    assert changes["c"]["total_after"] is None and changes["d"]["total_before"] is None
