"""The half-way check (双过半) on constructed cases: pure, no database."""

import datetime as dt

from luoshi.indicators.halfway import HalfwayInput, IndicatorProgress, halfway, time_share


def test_time_share_of_a_year():
    assert time_share(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 7, 2)) == 183 / 365
    assert time_share(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2025, 12, 1)) == 0
    assert time_share(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2027, 3, 1)) == 1


def test_a_unit_with_half_its_tasks_and_half_of_each_target_passes():
    result = halfway(
        HalfwayInput(
            time_share=0.5,
            tasks_total=10,
            tasks_done=5,
            indicators=(IndicatorProgress("贫困人口脱贫", 0.62), IndicatorProgress("PM2.5平均浓度", 0.5)),
        )
    )
    assert result.passed is True
    assert result.reasons == ()
    assert result.task_share == 0.5


def test_a_unit_behind_on_tasks_and_one_target_fails_with_both_reasons():
    result = halfway(
        HalfwayInput(
            time_share=0.5,
            tasks_total=8,
            tasks_done=3,
            indicators=(
                IndicatorProgress("贫困人口脱贫", 0.7),
                IndicatorProgress("城市更新重点项目", 0.3),
                IndicatorProgress("固定资产投资", None, has_target=False),
            ),
        )
    )
    assert result.passed is False
    assert len(result.reasons) == 2
    assert "3" in result.reasons[0] and "8" in result.reasons[0] and "37.5%" in result.reasons[0]
    assert "城市更新重点项目" in result.reasons[1] and "30.0%" in result.reasons[1]
    assert "固定资产投资" not in result.reason  # no target: decides nothing
    assert result.shortfall == 0.2  # the worst gap: 30% against 50%


def test_a_target_without_any_figure_fails():
    result = halfway(HalfwayInput(0.5, 0, 0, (IndicatorProgress("贫困人口脱贫", None),)))
    assert result.passed is False
    assert "贫困人口脱贫" in result.reason


def test_nothing_to_judge_is_not_a_pass():
    result = halfway(HalfwayInput(0.5, 0, 0, ()))
    assert result.passed is None


def test_the_bar_can_be_the_time_elapsed_before_mid_year():
    data = HalfwayInput(0.25, 4, 1, ())
    assert halfway(data, required=0.25).passed is True
    assert halfway(data).passed is False
