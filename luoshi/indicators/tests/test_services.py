"""Entering actuals and targets: permissions, the stored rollup up the tree, audit."""

from decimal import Decimal

import pytest

from luoshi.audit.models import AuditEntry
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.indicators import computed, selectors, services
from luoshi.indicators.models import Actual, Rollup, Target

YEAR = 2026


def _rolled(indicator, unit, period=1):
    row = Rollup.objects.filter(indicator=indicator, unit=unit, year=YEAR, period=period).first()
    return row.value if row else None


def test_a_county_figure_rolls_up_to_the_city_and_the_province(tree, poverty):
    services.actual_submit(
        actor=tree.user("county", "reporter"),
        indicator=poverty,
        unit=tree.county,
        year=YEAR,
        period=1,
        value=120,
    )
    services.actual_submit(
        actor=tree.user("sibling", "reporter"),
        indicator=poverty,
        unit=tree.sibling,
        year=YEAR,
        period=1,
        value="80",
    )
    assert _rolled(poverty, tree.city) == 200
    assert _rolled(poverty, tree.province) == 200
    # A correction moves the rollup; the change is audited with before and after.
    services.actual_submit(
        actor=tree.user("county", "reporter"),
        indicator=poverty,
        unit=tree.county,
        year=YEAR,
        period=1,
        value=100,
    )
    assert _rolled(poverty, tree.city) == 180
    last = AuditEntry.objects.filter(object_type="indicators.actual").order_by("-id").first()
    assert last.before == {"value": "120.0000"} and last.after["value"] == "100.0000"


def test_the_mean_leaves_out_units_that_have_not_reported(tree, pm25):
    services.actual_submit(
        actor=tree.user("county", "reporter"), indicator=pm25, unit=tree.county, year=YEAR, period=1, value=40
    )
    assert _rolled(pm25, tree.city) == 40  # 桥西区 has not reported: not a zero
    services.actual_submit(
        actor=tree.user("sibling", "reporter"),
        indicator=pm25,
        unit=tree.sibling,
        year=YEAR,
        period=1,
        value=50,
    )
    assert _rolled(pm25, tree.city) == 45


def test_weighted_mean_follows_changes_of_the_weight(tree):
    actor = tree.user("province", "supervisor")
    population = services.indicator_create(
        actor=actor, owner=tree.province, name="常住人口", measure_unit="万人"
    )
    pm = services.indicator_create(
        actor=actor,
        owner=tree.province,
        name="PM2.5",
        direction="down",
        aggregation="weighted",
        weight=population,
    )
    for unit, value, weight in ((tree.county, 40, 100), (tree.sibling, 60, 300)):
        services.actual_submit(actor=actor, indicator=pm, unit=unit, year=YEAR, period=1, value=value)
        services.actual_submit(
            actor=actor, indicator=population, unit=unit, year=YEAR, period=1, value=weight
        )
    assert _rolled(pm, tree.city) == pytest.approx(55)
    services.actual_submit(
        actor=actor, indicator=population, unit=tree.sibling, year=YEAR, period=1, value=100
    )
    assert _rolled(pm, tree.city) == pytest.approx(50)
    # The incremental result equals a rebuild from scratch.
    services.rollups_rebuild(indicator=pm, year=YEAR)
    assert _rolled(pm, tree.city) == pytest.approx(50)


def test_deleting_a_figure_removes_it_from_the_rollup(tree, poverty):
    actual = services.actual_submit(
        actor=tree.user("county", "reporter"),
        indicator=poverty,
        unit=tree.county,
        year=YEAR,
        period=2,
        value=5,
    )
    services.actual_delete(actor=tree.user("county", "reporter"), actual=actual)
    assert _rolled(poverty, tree.city, 2) is None
    assert not Rollup.objects.filter(indicator=poverty).exists()


def test_a_county_cannot_enter_a_sibling_countys_figure(tree, poverty):
    with pytest.raises(Forbidden):
        services.actual_submit(
            actor=tree.user("county", "reporter"),
            indicator=poverty,
            unit=tree.sibling,
            year=YEAR,
            period=1,
            value=1,
        )
    # A leader may look but not enter.
    with pytest.raises(Forbidden):
        services.actual_submit(
            actor=tree.user("county", "leader"),
            indicator=poverty,
            unit=tree.county,
            year=YEAR,
            period=1,
            value=1,
        )
    # The city's supervisor may enter for its counties (figures from statistics).
    services.actual_submit(
        actor=tree.user("city", "supervisor"),
        indicator=poverty,
        unit=tree.sibling,
        year=YEAR,
        period=1,
        value=1,
    )


def test_bad_periods_and_values_are_refused_with_a_message(tree, poverty):
    actor = tree.user("county", "reporter")
    with pytest.raises(DomainError, match="1"):
        services.actual_submit(
            actor=actor, indicator=poverty, unit=tree.county, year=YEAR, period=13, value=1
        )
    with pytest.raises(DomainError):
        services.actual_submit(
            actor=actor, indicator=poverty, unit=tree.county, year=YEAR, period=1, value="abc"
        )
    assert not Actual.objects.exists()


def test_a_batch_with_one_bad_row_saves_nothing_and_names_the_row(tree, poverty):
    rows = [
        services.ActualRow(tree.county, 1, 10),
        services.ActualRow(tree.sibling, 1, "x"),
    ]
    with pytest.raises(DomainError) as err:
        services.actuals_submit(
            actor=tree.user("city", "supervisor"), indicator=poverty, year=YEAR, rows=rows
        )
    assert any("2" in d for d in err.value.details)
    assert not Actual.objects.exists()


def test_targets_are_set_from_above_only(tree, poverty):
    target = services.target_set(
        actor=tree.user("city", "supervisor"),
        indicator=poverty,
        unit=tree.county,
        year=YEAR,
        value=Decimal("3400"),
    )
    assert target.period == 0 and target.unit_path == tree.county.path
    with pytest.raises(Forbidden):
        services.target_set(
            actor=tree.user("county", "supervisor"), indicator=poverty, unit=tree.city, year=YEAR, value=1
        )
    with pytest.raises(Forbidden):
        services.target_set(
            actor=tree.user("city", "reporter"), indicator=poverty, unit=tree.county, year=YEAR, value=1
        )
    assert Target.objects.count() == 1


def test_figures_give_year_to_date_and_attainment(tree, poverty, pm25):
    actor = tree.user("province", "supervisor")
    for month, value in ((1, 1000), (2, 2000), (3, 1400)):
        services.actual_submit(
            actor=actor, indicator=poverty, unit=tree.county, year=YEAR, period=month, value=value
        )
    services.target_set(actor=actor, indicator=poverty, unit=tree.city, year=YEAR, value=34000)
    services.target_set(actor=actor, indicator=pm25, unit=tree.city, year=YEAR, value="38.8", baseline=40)
    for month in (1, 2, 3):
        services.actual_submit(
            actor=actor, indicator=pm25, unit=tree.city, year=YEAR, period=month, value="38.8"
        )
    figs = selectors.figures([poverty, pm25], [tree.city, tree.baoding], year=YEAR, month=2)
    assert figs[poverty.pk, tree.city.pk].value == 3000  # January and February, rolled up
    assert figs[poverty.pk, tree.city.pk].attainment == pytest.approx(3000 / 34000)
    assert figs[pm25.pk, tree.city.pk].attainment == pytest.approx(1.0)  # fell by its target
    assert (
        figs[poverty.pk, tree.baoding.pk].value is None
        and figs[poverty.pk, tree.baoding.pk].attainment is None
    )


def test_indicators_are_visible_below_their_owner_and_not_to_a_sibling(tree):
    actor = tree.user("city", "supervisor")
    own = services.indicator_create(actor=actor, owner=tree.city, name="城市更新重点项目", measure_unit="项")
    county = tree.user("county", "leader")
    assert own in selectors.indicators_visible_to(county)
    assert own in selectors.indicators_visible_to(tree.user("province", "leader"))
    other = services.indicator_create(
        actor=tree.user("sibling", "supervisor"), owner=tree.sibling, name="桥西区自定指标"
    )
    assert other not in selectors.indicators_visible_to(county)
    assert other in selectors.indicators_visible_to(tree.user("city", "leader"))


def test_a_computed_indicator_takes_figures_from_its_registered_source(tree, monkeypatch):
    actor = tree.user("province", "supervisor")
    ind = services.indicator_create(
        actor=actor,
        owner=tree.province,
        name="台账人数",
        computed_from="ledger",
        computed_ref={"column": "n"},
    )
    with pytest.raises(DomainError):
        services.actuals_compute(actor=None, indicator=ind, year=YEAR, period=1)
    with pytest.raises(DomainError):
        services.actual_submit(actor=actor, indicator=ind, unit=tree.county, year=YEAR, period=1, value=1)
    monkeypatch.setitem(
        computed.SOURCES, "ledger", lambda indicator, year, period: {tree.county.pk: Decimal(7)}
    )
    services.actuals_compute(actor=None, indicator=ind, year=YEAR, period=1)
    assert _rolled(ind, tree.city) == 7
