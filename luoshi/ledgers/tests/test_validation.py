"""The pure validators: one per column type, the row validator, masking, alert rules."""

import datetime as dt
from decimal import Decimal

import pytest

from luoshi.ledgers.validation import (
    AlertRule,
    CellError,
    ColumnSpec,
    UnitLookup,
    clean_cell,
    evaluate_alerts,
    figures,
    mask,
    needs_verification,
    resident_id_check_char,
    validate_row,
)

ID = ColumnSpec("id", "身份证号", "resident_id", required=True)
PHONE = ColumnSpec("phone", "电话", "phone")
INCOME = ColumnSpec("income", "人均纯收入", "decimal", min_value=Decimal(0), slot=2)
SIZE = ColumnSpec("size", "家庭人口", "integer", min_value=Decimal(1), max_value=Decimal(30), slot=1)
LABOUR = ColumnSpec("labour", "劳动能力", "choice", choices=("有", "弱", "丧失"))
STABLE = ColumnSpec("stable", "是否稳定脱贫", "yesno", slot=3, verify_level="county", verify_values=(True,))
WHEN = ColumnSpec("when", "日期", "date")


@pytest.mark.parametrize("value", ["11010519491231002X", "11010519491231002x", " 11010519491231002X "])
def test_it_accepts_a_resident_id_with_a_valid_check_character(value):
    assert clean_cell(ID, value) == "11010519491231002X"


def test_the_check_character_follows_gb_11643():
    assert resident_id_check_char("11010519491231002") == "X"
    assert resident_id_check_char("44052418800101001") == "4"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491331002X", "date of birth"),
        ("1101051949123100", "18 characters"),
        (110105194912310021, "as text"),
        (1.10105194912310021e17, "as text"),
    ],
)
def test_it_refuses_a_bad_resident_id(value, fragment, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(CellError) as exc:
        clean_cell(ID, value)
    assert fragment in str(exc.value)


def test_a_required_empty_cell_is_refused_and_an_optional_one_is_left_out():
    with pytest.raises(CellError):
        clean_cell(ID, "  ")
    assert clean_cell(PHONE, None) is None
    assert validate_row([PHONE], {"phone": ""}).values == {}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        (13812345678.0, "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0311-86012345", "0311-86012345"),
        ("031186012345", "0311-86012345"),
        ("010-12345678-123", "010-12345678-123"),
    ],
)
def test_it_accepts_mobiles_and_landlines(raw, clean):
    assert clean_cell(PHONE, raw) == clean


@pytest.mark.parametrize("raw", ["12812345678", "86012345", "phone"])
def test_it_refuses_a_bad_phone(raw):
    with pytest.raises(CellError):
        clean_cell(PHONE, raw)


def test_decimals_stay_exact_and_never_go_through_float_arithmetic():
    assert clean_cell(INCOME, 1234.5) == "1234.5"
    assert clean_cell(INCOME, "1,234.50") == "1234.5"
    assert clean_cell(INCOME, 0.1) == "0.1"
    assert clean_cell(INCOME, "99999999999.9999") == "99999999999.9999"
    with pytest.raises(CellError):
        clean_cell(INCOME, "1.23456")
    with pytest.raises(CellError):
        clean_cell(INCOME, "-1")
    with pytest.raises(CellError):
        clean_cell(INCOME, "NaN")


def test_integers_keep_their_range():
    assert clean_cell(SIZE, 3.0) == 3
    assert clean_cell(SIZE, "4") == 4
    for bad in ("0", "31", 2.5, "两", True):
        with pytest.raises(CellError):
            clean_cell(SIZE, bad)


@pytest.mark.parametrize(
    "raw",
    [
        dt.date(2026, 9, 30),
        dt.datetime(2026, 9, 30),
        46295,
        46295.0,
        "2026-09-30",
        "2026/9/30",
        "2026.9.30",
        "2026年9月30日",
        "20260930",
    ],
)
def test_dates_are_read_from_cells_serials_and_text(raw):
    assert clean_cell(WHEN, raw) == "2026-09-30"


def test_a_bad_date_is_refused():
    for bad in ("2026-02-30", "明天", 0, -5):
        with pytest.raises(CellError):
            clean_cell(WHEN, bad)


def test_choices_and_yes_no():
    assert clean_cell(LABOUR, "弱") == "弱"
    with pytest.raises(CellError) as exc:
        clean_cell(LABOUR, "一般")
    assert "有、弱、丧失" in str(exc.value)
    assert clean_cell(STABLE, "是") is True
    assert clean_cell(STABLE, "否") is False
    assert clean_cell(STABLE, True) is True
    with pytest.raises(CellError):
        clean_cell(STABLE, "也许")


def test_a_unit_is_found_by_name_short_name_alias_or_code_and_ambiguity_is_refused():
    lookup = UnitLookup.from_entries(
        [
            ("130102001001", ["建北社区", "建北", "老建北"]),
            ("130102001002", ["东关村", "东关"]),
            ("130102002003", ["东关村", "东关"]),
        ]
    )
    unit = ColumnSpec("unit", "村名", "unit")
    assert clean_cell(unit, "建北", lookup) == "130102001001"
    assert clean_cell(unit, "老建北", lookup) == "130102001001"
    assert clean_cell(unit, "130102001002", lookup) == "130102001002"
    assert clean_cell(unit, 130102001002.0, lookup) == "130102001002"
    with pytest.raises(CellError):
        clean_cell(unit, "东关村", lookup)
    with pytest.raises(CellError):
        clean_cell(unit, "西关村", lookup)


def test_text_patterns_and_length():
    spec = ColumnSpec("no", "户编号", "text", pattern=r"H\d{4}")
    assert clean_cell(spec, "H0001") == "H0001"
    with pytest.raises(CellError):
        clean_cell(spec, "H01")
    with pytest.raises(CellError):
        clean_cell(ColumnSpec("t", "说明", "text"), "长" * 501)


def test_the_row_validator_names_every_bad_cell_and_drops_stale_keys():
    result = validate_row([ID, SIZE, LABOUR], {"id": "123", "size": "0", "labour": "弱", "old": "x"})
    assert not result.ok
    assert [key for key, _msg in result.errors] == ["id", "size"]
    assert result.values == {"labour": "弱"}


def test_figures_copy_numbers_and_yes_no_to_their_slots():
    assert figures([SIZE, INCOME, STABLE], {"size": 3, "income": "5000.5", "stable": True}) == {
        1: Decimal(3),
        2: Decimal("5000.5"),
        3: Decimal(1),
    }


def test_masks_keep_only_what_identifies_nobody():
    assert mask(ID, "11010519491231002X") == "110105********002X"
    assert mask(PHONE, "13812345678") == "138****5678"
    assert mask(PHONE, "0311-86012345") == "0311-******45"


def test_alert_rules_flag_a_household_under_the_monitoring_line():
    rules = [
        AlertRule("income", "lt", "6000", "低于监测线"),
        AlertRule("labour", "eq", "丧失", "丧失劳动能力"),
        AlertRule("phone", "empty", "", "缺少电话"),
    ]
    specs = [INCOME, LABOUR, PHONE]
    assert evaluate_alerts(rules, specs, {"income": "5999.99", "labour": "弱", "phone": "13812345678"}) == [
        "低于监测线"
    ]
    assert evaluate_alerts(rules, specs, {"income": "6000", "labour": "丧失"}) == ["丧失劳动能力", "缺少电话"]


def test_only_a_change_to_a_verified_value_needs_verification():
    assert needs_verification(STABLE, False, True)
    assert needs_verification(STABLE, None, True)
    assert not needs_verification(STABLE, True, False)
    assert not needs_verification(STABLE, True, True)
    assert not needs_verification(SIZE, 1, 2)
