"""Templates, versions, rows, verification, alerts, rollups, the burden meter, scoping."""

from decimal import Decimal

import pytest

from luoshi.audit.models import AuditEntry
from luoshi.core.exceptions import DomainError, Forbidden, NotFound
from luoshi.ledgers import burden, rollup, selectors, services
from luoshi.ledgers.models import LedgerRow, RowStatus, Verification
from luoshi.ledgers.validation import resident_id_check_char


def idn(body17: str) -> str:
    return body17 + resident_id_check_char(body17)


HOUSEHOLD = {
    "head": "张三",
    "id_number": "11010519491231002X",
    "household_size": 3,
    "cause": "因病",
    "labour": "弱",
    "income": "5000.5",
    "stable": "否",
}


def _submit(tree, ledger, values, unit="village", **kw):
    return services.row_submit(
        actor=tree.user(unit, "reporter"), ledger=ledger, unit=tree.units[unit], values=values, **kw
    )


def test_the_shipped_templates_are_seeded_once(poverty, village_users):
    tree = village_users
    again = services.ledgers_seed(actor=None, owner=tree.county, root=tree.county)
    assert again == []
    labels = [c.label for c in poverty.current.columns.order_by("order")]
    assert labels[:5] == ["户主", "身份证号", "家庭人口", "致贫原因", "劳动能力"]
    assert {u.name for u in selectors.assigned_units(poverty)} == {"建北社区", "建北二村"}


def test_a_village_sees_only_its_own_rows(poverty, village_users):
    tree = village_users
    _submit(tree, poverty, HOUSEHOLD)
    _submit(
        tree, poverty, {**HOUSEHOLD, "id_number": idn("13010219790215004"), "head": "李四"}, unit="village2"
    )
    mine = selectors.rows_visible_to(tree.user("village", "reporter"))
    assert [r.values["head"] for r in mine] == ["张三"]
    assert {r.values["head"] for r in selectors.rows_visible_to(tree.user("township", "supervisor"))} == {
        "张三",
        "李四",
    }
    assert not selectors.rows_visible_to(tree.user("sibling", "supervisor")).exists()
    with pytest.raises(NotFound):
        selectors.filling_unit_for(tree.user("village", "reporter"), poverty, tree.village2.code)


def test_only_a_reporter_of_the_unit_itself_may_fill(poverty, village_users):
    tree = village_users
    for actor in (
        tree.user("township", "reporter"),
        tree.user("village", "supervisor"),
        tree.user("village2", "reporter"),
    ):
        with pytest.raises(Forbidden):
            services.row_submit(actor=actor, ledger=poverty, unit=tree.village, values=HOUSEHOLD)


def test_a_bad_row_names_the_columns_in_chinese(poverty, village_users):
    with pytest.raises(services.RowInvalid) as exc:
        _submit(village_users, poverty, {**HOUSEHOLD, "id_number": "110105194912310021", "labour": "一般"})
    assert set(exc.value.field_errors) == {"id_number", "labour"}
    assert exc.value.details[0] == "「身份证号」：身份证号校验位不对，请核对号码。"
    assert not LedgerRow.objects.exists()


def test_a_change_is_a_new_version_and_the_old_one_stays(poverty, village_users):
    tree = village_users
    first = _submit(tree, poverty, HOUSEHOLD).row
    second = _submit(tree, poverty, {**HOUSEHOLD, "income": "5200"})
    assert second.status == "updated"
    first.refresh_from_db()
    assert first.status == RowStatus.SUPERSEDED and first.values["income"] == "5000.5"
    assert (
        second.row.revision == 2 and second.row.entry == first.entry and second.row.supersedes_id == first.pk
    )
    assert _submit(tree, poverty, {**HOUSEHOLD, "income": "5200"}).status == "unchanged"
    assert [v.revision for v in selectors.row_history(tree.user("county", "supervisor"), second.row)] == [
        2,
        1,
    ]
    entries = AuditEntry.objects.filter(object_type="ledgers.ledgerrow").order_by("id")
    assert [(e.action, e.object_id) for e in entries] == [
        ("create", str(first.pk)),
        ("update", str(second.row.pk)),
    ]
    assert entries[1].before["income"] == "5000.5" and entries[1].after["income"] == "5200"


def test_a_template_change_is_a_new_version_and_rows_keep_theirs(poverty, village_users):
    tree = village_users
    row = _submit(tree, poverty, HOUSEHOLD).row
    columns = [
        {
            **{
                f: getattr(c, f)
                for f in (
                    "key",
                    "label",
                    "type",
                    "required",
                    "choices",
                    "min_value",
                    "max_value",
                    "verify_level",
                    "verify_values",
                )
            }
        }
        for c in poverty.current.columns.order_by("order")
    ]
    services.ledger_revise(
        actor=tree.user("county", "supervisor"),
        ledger=poverty,
        columns=[*columns, {"label": "务工收入", "type": "decimal"}],
        row_key="id_number",
        alert_rules=poverty.current.alert_rules,
        note="加务工收入",
    )
    poverty.refresh_from_db()
    assert poverty.current.version == 2
    new = {c.key: c.slot for c in poverty.current.columns.all()}
    old = {c.key: c.slot for c in poverty.versions.get(version=1).columns.all()}
    assert all(new[k] == v for k, v in old.items())  # a key keeps its slot
    assert new["c1"] not in old.values()
    row.refresh_from_db()
    assert row.template.version == 1
    # Nothing changed: no third version.
    services.ledger_revise(
        actor=tree.user("county", "supervisor"),
        ledger=poverty,
        columns=[
            {**c, "key": c["key"]} for c in [*columns, {"key": "c1", "label": "务工收入", "type": "decimal"}]
        ],
        row_key="id_number",
        alert_rules=poverty.current.alert_rules,
    )
    poverty.refresh_from_db()
    assert poverty.current.version == 2


def test_a_sibling_county_cannot_revise_the_ledger(poverty, village_users):
    with pytest.raises(Forbidden):
        services.ledger_revise(
            actor=village_users.user("sibling", "supervisor"),
            ledger=poverty,
            columns=[{"label": "x", "type": "text"}],
        )


def test_leaving_the_poverty_list_waits_for_the_county(poverty, village_users):
    tree = village_users
    first = _submit(tree, poverty, HOUSEHOLD).row
    outcome = _submit(tree, poverty, {**HOUSEHOLD, "stable": "是", "income": "9000"})
    assert outcome.status == "pending"
    first.refresh_from_db()
    assert first.status == RowStatus.CURRENT  # the household stays on the list until accepted
    assert rollup.ledger_aggregate("poverty-households", "stable", "sum", under_path=tree.county.path) == 0
    item = Verification.objects.get()
    assert item.verifier == tree.county and item.changes[0]["after"] is True
    # The township may see it but not decide; the county decides.
    assert list(selectors.verifications_to_decide(tree.user("township", "supervisor"))) == []
    with pytest.raises(Forbidden):
        services.verification_decide(
            actor=tree.user("township", "supervisor"), verification=item, accept=True
        )
    with pytest.raises(DomainError):
        _submit(tree, poverty, {**HOUSEHOLD, "income": "9100"})  # a change is waiting
    with pytest.raises(DomainError):
        services.verification_decide(actor=tree.user("county", "supervisor"), verification=item, accept=False)
    services.verification_decide(actor=tree.user("county", "supervisor"), verification=item, accept=True)
    item.refresh_from_db()
    assert (
        item.decision == "accepted"
        and item.decided_by == tree.user("county", "supervisor")
        and item.decided_at
    )
    first.refresh_from_db()
    assert first.status == RowStatus.SUPERSEDED
    assert rollup.ledger_aggregate("poverty-households", "stable", "sum", under_path=tree.county.path) == 1


def test_a_rejected_change_is_kept_and_the_old_values_stay(poverty, village_users):
    tree = village_users
    _submit(tree, poverty, HOUSEHOLD)
    _submit(tree, poverty, {**HOUSEHOLD, "stable": "是"})
    item = Verification.objects.get()
    services.verification_decide(
        actor=tree.user("city", "supervisor"), verification=item, accept=False, reason="收入未核实"
    )
    item.row.refresh_from_db()
    assert item.row.status == RowStatus.REJECTED
    assert LedgerRow.objects.get(status=RowStatus.CURRENT).values["stable"] is False


def test_alerts_flag_low_income_for_the_unit_and_its_supervisors(poverty, village_users):
    tree = village_users
    _submit(tree, poverty, HOUSEHOLD)
    _submit(
        tree,
        poverty,
        {**HOUSEHOLD, "id_number": idn("13010219790215004"), "income": "12000"},
        unit="village2",
    )
    for user in (
        tree.user("village", "reporter"),
        tree.user("township", "supervisor"),
        tree.user("county", "leader"),
    ):
        alerts = list(selectors.alerts_for(user))
        assert [a.values["head"] for a in alerts] == ["张三"]
        assert "动态监测预警" in alerts[0].alerts[0]
    assert list(selectors.alerts_for(tree.user("village2", "reporter"))) == []
    assert list(selectors.alerts_for(tree.user("sibling", "supervisor"))) == []


def test_rollups_count_sum_and_average_typed_columns_by_subtree(poverty, village_users):
    tree = village_users
    _submit(tree, poverty, HOUSEHOLD)
    _submit(
        tree,
        poverty,
        {**HOUSEHOLD, "id_number": idn("13010219790215004"), "income": "7000", "household_size": 5},
    )
    _submit(
        tree, poverty, {**HOUSEHOLD, "id_number": idn("13010219650412002"), "income": "9000"}, unit="village2"
    )
    agg = rollup.ledger_aggregate
    assert agg("poverty-households", None, "count", under_path=tree.county.path) == 3
    assert agg("poverty-households", "income", "sum", under_path=tree.county.path) == Decimal("21000.5")
    assert agg("poverty-households", "income", "sum", under_path=tree.village.path) == Decimal("12000.5")
    assert agg("poverty-households", "household_size", "mean", under_path=tree.county.path) == Decimal(
        "3.6667"
    )
    assert agg("poverty-households", "income", "sum", under_path=tree.sibling.path) is None
    with pytest.raises(DomainError):
        agg("poverty-households", "head", "sum", under_path=tree.county.path)
    specs = [c.spec() for c in poverty.current.columns.all()]
    lines, total = selectors.rollup_by_child(poverty, tree.county, "", specs)
    assert [(line.unit.name, line.rows) for line in lines] == [("建北街道", 3)]
    lines, total = selectors.rollup_by_child(poverty, tree.township, "", specs)
    assert [(line.unit.name, line.rows, line.sum(2)) for line in lines] == [
        ("建北社区", 2, Decimal("12000.5")),
        ("建北二村", 1, Decimal("9000")),
    ]
    assert total.rows == 3


def test_reparenting_a_unit_moves_its_rows_paths(poverty, village_users):
    from luoshi.units.services import unit_reparent

    tree = village_users
    row = _submit(tree, poverty, HOUSEHOLD).row
    unit_reparent(actor=None, unit=tree.township, parent=tree.sibling)
    row.refresh_from_db()
    assert row.unit_path.startswith(tree.sibling.path + "/")


def test_the_burden_meter_counts_a_new_monthly_ledger_for_every_village(village_users, settings):
    tree = village_users
    settings.LUOSHI_BURDEN_CAP_FIELDS_PER_MONTH = 8
    columns = [{"label": f"指标{i}", "type": "integer"} for i in range(5)]
    villages = [tree.village, tree.village2]
    before = burden.burden_for([v.pk for v in villages], __import__("datetime").date.today())
    assert all(b.fields == 0 for b in before.values())
    preview = selectors.burden_preview(
        units=villages,
        cadence="monthly",
        n_fields=5,
        name="月报",
        cap=8,
        month=__import__("datetime").date.today(),
    )
    assert [(r.added_fields, r.added_reports, r.over_cap) for r in preview.rows] == [
        (5, 1, False),
        (5, 1, False),
    ]
    services.ledger_create(
        actor=tree.user("county", "supervisor"),
        owner=tree.county,
        key="monthly",
        name="月报",
        cadence="monthly",
        columns=columns,
        assign_root=tree.county,
        assign_level="village",
    )
    after = burden.burden_for(
        [v.pk for v in villages] + [tree.township.pk], __import__("datetime").date.today()
    )
    assert after[tree.village.pk].fields == 5 and after[tree.village.pk].reports == 1
    assert after[tree.village2.pk].fields == 5 and after[tree.township.pk].fields == 0
    # A second monthly ledger would pass the cap of 8: refused unless confirmed.
    kwargs = dict(
        actor=tree.user("county", "supervisor"),
        owner=tree.county,
        key="monthly-2",
        name="月报二",
        cadence="quarterly",
        columns=columns * 1,
        assign_root=tree.county,
        assign_level="village",
    )
    quarterly = selectors.burden_preview(
        units=villages,
        cadence="quarterly",
        n_fields=5,
        name="x",
        cap=8,
        month=__import__("datetime").date.today(),
    )
    assert quarterly.rows[0].added_reports == Decimal(1) / 3 and not quarterly.over
    services.ledger_create(**kwargs)
    with pytest.raises(DomainError) as exc:
        services.ledger_create(**{**kwargs, "key": "monthly-3", "cadence": "monthly"})
    assert exc.value.code == "burden_over_cap"
    services.ledger_create(**{**kwargs, "key": "monthly-3", "cadence": "monthly", "accept_burden": True})


def test_another_app_can_add_its_demands_to_the_meter(village_users):
    tree = village_users

    def tasks(*, unit_ids, month):
        yield burden.Demand(
            unit_id=tree.village.pk, source="task:1", label="月度进展", fields=3, reports_per_month=Decimal(2)
        )

    burden.register_source(tasks)
    try:
        totals = burden.burden_for([tree.village.pk], __import__("datetime").date.today())
        assert totals[tree.village.pk].fields == 6 and totals[tree.village.pk].reports == 2
    finally:
        burden.SOURCES.remove(tasks)


def test_a_ledger_cannot_be_assigned_outside_the_owner(village_users):
    tree = village_users
    with pytest.raises(DomainError):
        services.ledger_create(
            actor=tree.user("county", "supervisor"),
            owner=tree.county,
            key="x-out",
            name="x",
            cadence="once",
            columns=[{"label": "a", "type": "text"}],
            assign_root=tree.sibling,
        )


@pytest.mark.parametrize(
    ("column", "code"),
    [
        ({"label": "a", "type": "choice"}, "bad_columns"),
        ({"label": "a", "type": "integer", "min_value": 5, "max_value": 1}, "bad_columns"),
        ({"label": "a", "type": "text", "pattern": "("}, "bad_columns"),
        ({"label": "a", "type": "weird"}, "bad_columns"),
    ],
)
def test_bad_column_definitions_are_refused(village_users, column, code):
    with pytest.raises(DomainError) as exc:
        services.ledger_create(
            actor=village_users.user("county", "supervisor"),
            owner=village_users.county,
            key="bad",
            name="x",
            cadence="once",
            columns=[column],
            assign_root=village_users.county,
        )
    assert exc.value.code == code


def test_an_indicator_takes_its_actuals_from_a_ledger_column(poverty, village_users):
    from luoshi.indicators import services as indicators
    from luoshi.indicators.models import Actual

    tree = village_users
    _submit(tree, poverty, HOUSEHOLD)
    _submit(tree, poverty, {**HOUSEHOLD, "id_number": idn("13010219790215004"), "household_size": 5})
    _submit(
        tree,
        poverty,
        {**HOUSEHOLD, "id_number": idn("13010219650412002"), "household_size": 2},
        unit="village2",
    )
    indicator = indicators.indicator_create(
        actor=tree.user("county", "supervisor"),
        owner=tree.county,
        name="建档立卡人口",
        computed_from="ledger",
        computed_ref={"ledger": "poverty-households", "column": "household_size", "agg": "sum"},
    )
    indicators.actuals_compute(actor=None, indicator=indicator, year=2026, period=1)
    figures = {a.unit_id: a.value for a in Actual.objects.filter(indicator=indicator)}
    assert figures == {tree.village.pk: 8, tree.village2.pk: 2}
