"""Rollup arithmetic, year-to-date and attainment: pure functions, no database."""

import pytest

from luoshi.indicators.rollup import (
    Rolled,
    attainment,
    combine,
    periods_through,
    rollup_tree,
    year_to_date,
)

# 河北省 13 → 石家庄 13/1301 → 长安区, 桥西区; 保定 13/1306 → 竞秀区
CHANGAN, QIAOXI, JINGXIU = "13/1301/130102", "13/1301/130104", "13/1306/130602"


def test_sum_rolls_up_each_level():
    out = rollup_tree({CHANGAN: 10, QIAOXI: 5, JINGXIU: 7}, "sum")
    assert out["13/1301"] == Rolled(15.0, 2)
    assert out["13/1306"] == Rolled(7.0, 1)
    assert out["13"] == Rolled(22.0, 2)
    assert out[CHANGAN] == Rolled(10.0, 1, own=True)


def test_mean_is_a_mean_of_the_childrens_values_level_by_level():
    out = rollup_tree({CHANGAN: 40, QIAOXI: 50, JINGXIU: 60}, "mean")
    assert out["13/1301"].value == 45
    # The province averages its cities (45 and 60), not the three counties.
    assert out["13"].value == 52.5


def test_weighted_mean_uses_the_weight_of_each_child():
    weights = {CHANGAN: 100, QIAOXI: 300, JINGXIU: 400, "13/1301": 400, "13/1306": 400}
    out = rollup_tree({CHANGAN: 40, QIAOXI: 60, JINGXIU: 30}, "weighted", weights)
    assert out["13/1301"].value == pytest.approx((40 * 100 + 60 * 300) / 400)  # 55
    assert out["13"].value == pytest.approx((55 * 400 + 30 * 400) / 800)  # 42.5


def test_weighted_mean_leaves_out_a_child_without_weight():
    out = rollup_tree({CHANGAN: 40, QIAOXI: 60}, "weighted", {CHANGAN: 1})
    assert out["13/1301"] == Rolled(40.0, 1)


def test_a_missing_actual_is_not_a_zero():
    # 桥西区 has not reported: the city's mean is 长安区's figure alone, not (40 + 0) / 2.
    assert rollup_tree({CHANGAN: 40}, "mean")["13/1301"].value == 40
    assert combine([None, None], "sum") is None
    assert combine([3, None], "mean") == 3
    # A unit with nothing reported below it has no value at all.
    assert "13/1306" not in rollup_tree({CHANGAN: 40}, "sum")


def test_a_units_own_figure_wins_over_its_childrens():
    out = rollup_tree({"13/1301": 100, CHANGAN: 10, QIAOXI: 5}, "sum")
    assert out["13/1301"] == Rolled(100.0, 1, own=True)
    assert out["13"].value == 100


def test_rollup_stops_at_the_root():
    out = rollup_tree({CHANGAN: 1, QIAOXI: 2}, "sum", root="13/1301")
    assert set(out) == {CHANGAN, QIAOXI, "13/1301"}


def test_year_to_date_by_accumulation():
    series = {1: 10, 2: 20, 3: None, 4: 40}
    assert year_to_date(series, "sum", [1, 2, 3]) == 30
    assert year_to_date(series, "mean", [1, 2, 3]) == 15
    assert year_to_date(series, "latest", [1, 2, 3, 4]) == 40
    assert year_to_date({}, "sum", [1, 2]) is None


def test_periods_through_a_month():
    assert periods_through("month", 6) == [1, 2, 3, 4, 5, 6]
    assert periods_through("quarter", 5) == [1]
    assert periods_through("quarter", 6) == [1, 2]
    assert periods_through("year", 3) == [0]


def test_attainment_of_a_rising_target():
    assert attainment(17000, 34000, "up") == 0.5
    assert attainment(40000, 34000, "up") == pytest.approx(1.176, abs=1e-3)


def test_a_unit_without_a_target_is_left_out_never_divided_by_zero():
    assert attainment(10, None, "up") is None
    assert attainment(10, 0, "up") is None
    assert attainment(None, 10, "up") is None
    assert attainment(0, 0, "down") == 1.0  # "down to zero", and it is zero: met
    assert attainment(5, 0, "down") == 0.0


def test_pm25_reaches_100_percent_when_it_falls_by_its_target():
    baseline = 40.0
    target = baseline * (1 - 0.03)  # 下降3%
    assert attainment(38.8, target, "down", baseline) == pytest.approx(1.0)
    assert attainment(39.4, target, "down", baseline) == pytest.approx(0.5)
    assert attainment(40.0, target, "down", baseline) == 0.0
    assert attainment(42.0, target, "down", baseline) == 0.0  # worse than the baseline: not negative
    assert attainment(38.0, target, "down", baseline) > 1.0
    # Without a baseline: target ÷ actual.
    assert attainment(38.8, 38.8, "down") == 1.0
    assert attainment(40.0, 38.8, "down") == pytest.approx(0.97)
