"""Chinese and mixed numerals to numbers: 三 -> 3, 二十五 -> 25, 3.4万 -> 34000, 两亿 -> 2e8.

Readouts use a small vocabulary (一…九, 两, 十百千, 万亿, 半, arabic digits with 万/亿), so a
dozen lines replace a dependency. Functions return None for anything that is not a
well-formed number ("一二三" in 一二三产业 is a list, not a number).
"""

from __future__ import annotations

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10**4, "亿": 10**8}
CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)


def chinese_to_int(text: str) -> int | None:
    """Convert a Chinese numeral (三百二十, 十五, 一万二千, 两千) to an int, or None."""
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        return None
    above_yi = 0  # value already multiplied by 亿
    wan_part = 0  # value already multiplied by 万, below 亿
    section = 0  # value below 万
    digit: int | None = None
    for ch in text:
        if ch in DIGITS:
            if digit is not None:  # two digits in a row: "一二三" is not a number
                return None
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            # "十五" means 15: a bare 十 has an implicit 1.
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        elif ch == "万":
            value = section + (digit or 0)
            wan_part = (value or 1) * 10**4  # a bare 万 (过万亿) means one 万
            section, digit = 0, None
        else:  # 亿
            value = wan_part + section + (digit or 0)
            above_yi = (above_yi + (value or (0 if above_yi else 1))) * 10**8
            wan_part, section, digit = 0, 0, None
    return above_yi + wan_part + section + (digit or 0)


def magnitude(text: str) -> int | None:
    """The multiplier of a magnitude suffix: 万 -> 10000, 万亿 -> 10**12, 千万 -> 10**7."""
    if not text:
        return 1
    return chinese_to_int(text) if text[0] in SMALL_UNITS or text[0] in BIG_UNITS else None


def to_number(digits: str, mag: str = "") -> int | float | None:
    """Combine an arabic or Chinese number with an optional magnitude suffix (万, 亿, 万亿)."""
    if not digits:
        value: float | int | None = 1
    elif digits[0].isdigit():
        try:
            value = float(digits) if "." in digits else int(digits)
        except ValueError:
            return None
    else:
        value = chinese_to_int(digits)
    if value is None:
        return None
    factor = magnitude(mag) if mag else 1
    if factor is None:
        return None
    return tidy(value * factor)


def tidy(value: float | int) -> int | float:
    """Return an int for integral values (34000.0 -> 34000), keep real fractions."""
    if isinstance(value, float):
        rounded = round(value, 6)
        return int(rounded) if rounded.is_integer() else rounded
    return value
