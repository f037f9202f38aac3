from datetime import date

from luoshi.readouts.parser import resolve_deadline
from luoshi.readouts.parser.deadlines import find_deadlines

MEETING = date(2020, 5, 31)


def test_it_resolves_halves_quarters_and_year_end():
    assert resolve_deadline("上半年", MEETING) == date(2020, 6, 30)
    assert resolve_deadline("二季度", MEETING) == date(2020, 6, 30)
    assert resolve_deadline("三季度末", MEETING) == date(2020, 9, 30)
    assert resolve_deadline("年底前", MEETING) == date(2020, 12, 31)
    assert resolve_deadline("年内", MEETING) == date(2020, 12, 31)


def test_it_resolves_months_and_days():
    assert resolve_deadline("6月底前", MEETING) == date(2020, 6, 30)
    assert resolve_deadline("9月15日前", MEETING) == date(2020, 9, 15)
    assert resolve_deadline("六月底前", MEETING) == date(2020, 6, 30)
    assert resolve_deadline("7月中旬", MEETING) == date(2020, 7, 20)


def test_it_takes_a_past_month_to_mean_next_year():
    assert resolve_deadline("3月底前", MEETING) == date(2021, 3, 31)


def test_it_honours_an_explicit_year_and_relative_days():
    assert resolve_deadline("2025年底前", MEETING) == date(2025, 12, 31)
    assert resolve_deadline("到2025年", MEETING) == date(2025, 12, 31)
    assert resolve_deadline("30日内", MEETING) == date(2020, 6, 30)


def test_it_gives_none_for_what_needs_a_calendar_or_is_unknown():
    assert resolve_deadline("春节前", MEETING) is None
    assert resolve_deadline("5个工作日内", MEETING) is None
    assert resolve_deadline("如期", MEETING) is None


def test_it_finds_deadline_phrases_as_written():
    found = [phrase for _, _, phrase in find_deadlines("确保上半年完成，6月底前开工，年底前全部建成")]
    assert found == ["上半年", "6月底前", "年底前"]
