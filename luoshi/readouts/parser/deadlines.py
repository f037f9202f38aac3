"""Deadlines: find them in text as written (上半年, 6月底前), and resolve them to dates.

The parser keeps the phrase as it stands in the readout; `resolve_deadline` turns it into a
date relative to the meeting, for the import wizard to propose (the officer confirms it).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .numerals import chinese_to_int

_N = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_YEAR = r"(?:(?:19|20)\d{2}年|今年|明年|本年度?)"

DEADLINE_RE = re.compile(
    "|".join(
        [
            rf"{_YEAR}?[上下]半年(?:前|末|底前)?",
            rf"{_YEAR}?(?:第?[一二三四1-4]季度|首季度?)(?:末|底)?(?:前|之前)?",
            rf"{_YEAR}?{_N}月(?:{_N}日|底|末|中旬|上旬|下旬|中)(?:前|之前|以前)?",
            rf"{_YEAR}?{_N}月份?(?:前|之前|以前)",
            r"(?:(?:19|20)\d{2}年|今年|明年|本年度?)?(?:年底|年末)(?:前|之前)?",
            r"(?:(?:19|20)\d{2}年|今年)内|年内|今年(?!以来|是|的|一季度|上半年|下半年)",
            r"(?:到|至)(?:19|20)\d{2}年(?:底|末)?",
            r"(?:19|20)\d{2}年(?:底|末)?(?:前|之前)",
            r"(?:19|20)\d{2}年(?:底|末)",
            r"(?:本月|本周|本季度?)(?:底|末|内)(?:前)?",
            r"\d{1,3}个?(?:工作日|日|天|周|个月)(?:内|之内)",
            r"(?:春节|元旦|国庆|汛期|汛|入冬|入汛|开学|五一|十一)前",
        ]
    )
)

_YEAR_IN = re.compile(r"((?:19|20)\d{2})年")


def find_deadlines(text: str) -> list[tuple[int, int, str]]:
    """All deadline phrases in `text` as (start, end, phrase)."""
    return [(m.start(), m.end(), m.group()) for m in DEADLINE_RE.finditer(text)]


def first_deadline(text: str) -> str | None:
    m = DEADLINE_RE.search(text)
    return m.group() if m else None


def _num(text: str) -> int | None:
    return int(text) if text.isdigit() else chinese_to_int(text)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def resolve_deadline(text: str, meeting_date: date) -> date | None:
    """The date a deadline phrase means for a meeting held on `meeting_date`.

    上半年 / 二季度 -> 06-30, 年底前 / 年内 -> 12-31, 6月底前 -> 06-30, 9月15日前 -> 09-15,
    30日内 -> meeting + 30 days. A phrase without a year that would fall before the
    meeting is taken to mean next year (a 3月底前 said in November). Holidays and working
    days need a calendar and give None; so does anything unrecognised.
    """
    text = text.strip()
    if not text:
        return None
    year = meeting_date.year
    explicit_year = False
    if m := _YEAR_IN.search(text):
        year, explicit_year = int(m.group(1)), True
    elif "明年" in text:
        year, explicit_year = year + 1, True
    elif "今年" in text or "本年" in text:
        explicit_year = True

    result: date | None = None
    if m := re.search(r"(\d{1,3})个?(日|天|周|个月)(?:内|之内)", text):
        n = int(m.group(1))
        if m.group(2) in ("日", "天"):
            return meeting_date + timedelta(days=n)
        if m.group(2) == "周":
            return meeting_date + timedelta(weeks=n)
        month_index = meeting_date.month - 1 + n
        y, mo = meeting_date.year + month_index // 12, month_index % 12 + 1
        return min(_month_end(y, mo), date(y, mo, min(meeting_date.day, _month_end(y, mo).day)))
    if "工作日" in text:
        return None
    if m := re.search(r"本(月|周|季度?)", text):
        if m.group(1) == "月":
            return _month_end(meeting_date.year, meeting_date.month)
        if m.group(1) == "周":
            return meeting_date + timedelta(days=6 - meeting_date.weekday())
        quarter_end = ((meeting_date.month - 1) // 3 + 1) * 3
        return _month_end(meeting_date.year, quarter_end)
    if "上半年" in text:
        result = date(year, 6, 30)
    elif "下半年" in text:
        result = date(year, 12, 31)
    elif m := re.search(r"(?:第?([一二三四1-4])季度|(首)季)", text):
        quarter = 1 if m.group(2) else _num(m.group(1)) or 1
        result = _month_end(year, quarter * 3)
    elif m := re.search(rf"({_N})月(?:({_N})日|(底|末|下旬)|(中旬|中)|(上旬))?", text):
        month = _num(m.group(1))
        if not month or not 1 <= month <= 12:
            return None
        if m.group(2):
            day = _num(m.group(2))
            if not day:
                return None
            try:
                result = date(year, month, day)
            except ValueError:
                return None
        elif m.group(4):
            result = date(year, month, 20)
        elif m.group(5):
            result = date(year, month, 10)
        else:
            result = _month_end(year, month)
    elif re.search(r"年底|年末|年内|^今年$", text) or (
        explicit_year and re.search(r"年(?:底|末)?(?:前|之前)?$|^(?:到|至)", text)
    ):
        result = date(year, 12, 31)
    if result is None:
        return None
    if not explicit_year and result < meeting_date:
        try:
            result = result.replace(year=result.year + 1)
        except ValueError:  # 2月29日 of a leap year
            result = result.replace(year=result.year + 1, day=28)
    return result
