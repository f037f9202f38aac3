"""Quantitative targets in an item's text: 3.4万贫困人口 -> 34000 人; PM2.5下降3%左右 -> 3 % 下降.

Readouts are full of numbers that are not targets, so a number must earn its place:

- Skipped outright: numbers inside quotes or book-title marks (“三个圆满收官”, “6+1”,
  《…2022年工作要点》), ordinals (第一), parts of codes (PM2.5, 5G), dates and durations
  (2022年, 24小时), the article "一" (一批, 一个), and anything in a clause that reports the
  past (已全部出列, 取得了, 实现了).
- Measurements (%, 个百分点, 元, 吨, 亩, 公里…) in a directive clause are targets.
- Counts (个, 项, 家, 人, 户…) are targets only with a cue: a comparison (以上, 不少于,
  下降, 新增, 达到…) or a commitment (确保, 力争) in the same clause. That keeps
  "深入实施20项民心工程" (a programme) out and "打造5个以上千亿级产业集群" in.
- Chinese-numeral counts (八支队伍, 五级书记) need a comparison right next to them, since
  they are nearly always names of programmes.

Magnitudes fold into the value and the unit is the base unit (3.4万人 -> 34000 人,
2.5亿元 -> 250000000 元), so targets compare across readouts.
"""

from __future__ import annotations

import re

from .deadlines import first_deadline
from .model import Target
from .numerals import to_number

_QUOTES = re.compile(r"“[^“”]{0,60}”|《[^《》]{0,80}》|‘[^‘’]{0,40}’|「[^「」]{0,40}」")
_CLAUSE = re.compile(r"[^，；。：！？]+")

MEASURE_UNITS = (
    "个百分点 百分点 % ‰ 美元 元 万吨 吨 千克 公斤 公顷 亩 平方公里 平方千米 平方米 立方米 公里 千米 米 "
    "千瓦时 千瓦 兆瓦 标准煤 微克每立方米"
).split()
COUNT_UNITS = (
    "个 项 家 所 座 名 人次 户次 人 户 村 条 支 套 件 台 辆 间 张 头 只 处 类 场 次 栋 幢 宗 床 块 段".split()
)
TIME_UNITS = "个工作日 工作日 个小时 小时 个月 分钟 天 日 年 月 周 秒 届 号 期 版 批次 级".split()
_UNIT_ALTERNATION = "|".join(
    re.escape(u) for u in sorted(MEASURE_UNITS + COUNT_UNITS + TIME_UNITS, key=len, reverse=True)
)
_NORMALIZE_UNIT = {"名": "人", "千米": "公里", "平方千米": "平方公里", "公斤": "千克", "百分点": "个百分点"}
_MEASURES = frozenset(MEASURE_UNITS) | {"公里", "平方公里", "千克", "个百分点"}

NUMBER_RE = re.compile(
    r"(?P<pre>第)?"
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
    r"(?P<mag>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千)?"
    r"(?P<approx>多|余)?"
    rf"(?P<unit>{_UNIT_ALTERNATION})?"
)
_PERCENT_WORDS = re.compile(r"百分之(?P<num>[零〇一二两三四五六七八九十百点]+|\d+(?:\.\d+)?)")
_PEOPLE_NOUN = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:人口|劳动力|群众)")

_PAST = re.compile(r"已经|已|业已|(?<![为除])了(?![解如])|截至|去年|历史上")
# Statistics (同比下降12.4%, 共发生85起) are past unless the clause looks forward.
_STATISTIC = re.compile(r"同比|环比|比上年|较上年|比去年|以来|共发生|共完成|累计完成|共有")
_FORWARD = re.compile(r"确保|力争|争取|目标|要|控制在|以上|以内|不超过|不低于|前|年内|年底|底前")
_AFTER_QUANT = [
    (re.compile(r"^(?:及|或)?以上"), "不低于"),
    (re.compile(r"^(?:以下|以内|之内)"), "不高于"),
]
# Cues before a number, strongest meaning first; the nearest cue wins within a group.
_BEFORE_STRONG = [
    (re.compile(r"下降|降低|减少|压减|压降|削减|降到|降至|减到|减至"), "下降"),
    (re.compile(r"增长|增加|提高|提升|增至|上升|扩大|翻番"), "增长"),
    (re.compile(r"不低于|不少于|至少"), "不低于"),
    (re.compile(r"不超过|不高于|控制在|低于|少于"), "不高于"),
    (re.compile(r"突破|超过|(?<![通经越不超])过(?=$|\d|[一二两三四五六七八九十百千万亿])"), "超过"),
]
_BEFORE_REACH = re.compile(
    r"达到|达$|实现|完成|确保|力争|争取|新增|新建|建成|建设|培育|打造|累计|剩余|招引|引进|开工|改造|培训|转移|安置|种植|造林|投资|争创|创建"
)
_AFTER_REACH = re.compile(r"达到|实现")


def extract_targets(text: str) -> list[Target]:
    """Targets in one item's text, in order of appearance."""
    masked = mask_quotes(text)
    targets: list[Target] = []
    for clause_match in _CLAUSE.finditer(masked):
        clause = clause_match.group()
        if not any(ch.isdigit() or ch in "一二两三四五六七八九十百千万" for ch in clause):
            continue
        if _PAST.search(clause) or (_STATISTIC.search(clause) and not _FORWARD.search(clause)):
            continue
        deadline = first_deadline(clause)
        original = text[clause_match.start() : clause_match.end()]
        targets.extend(_clause_targets(clause, original, deadline))
    return targets


def mask_quotes(text: str) -> str:
    """Replace quoted spans with a neutral character, keeping offsets."""
    return _QUOTES.sub(lambda m: "□" * len(m.group()), text)


def _clause_targets(clause: str, original: str, deadline: str | None) -> list[Target]:
    found = []
    for m in NUMBER_RE.finditer(clause):
        target = _number_target(clause, m, deadline)
        if target is not None:
            target.text = original.strip()
            found.append(target)
    for m in _PERCENT_WORDS.finditer(clause):
        value = to_number(m.group("num").replace("点", "."))
        if value is not None:
            direction = _direction(clause[: m.start()], clause[m.end() :], measure=True)
            found.append(Target(value, "%", direction, deadline, original.strip()))
    return found


def _number_target(clause: str, m: re.Match[str], deadline: str | None) -> Target | None:
    num, mag, unit = m.group("num"), m.group("mag") or "", m.group("unit")
    if m.group("pre"):
        return None
    start, end = m.start("num"), m.end()
    before, after = clause[:start], clause[end:]
    if before[-1:].isascii() and before[-1:].isalpha() or before[-1:] in (".", "-", "+"):
        return None  # PM2.5, COVID-19
    if after[:1].isascii() and (after[:1].isalpha() or after[:1] in "+-.") and unit is None:
        return None  # 5G, 6+1
    chinese = not num[0].isdigit()
    if chinese and num in ("百", "千", "十"):
        return None  # 千企帮千村, 百日攻坚
    if unit is None:
        if _PEOPLE_NOUN.match(after):
            unit = "人"
        else:
            return None
    if unit in TIME_UNITS:
        return None
    value = to_number(num, mag)
    if value is None or value == 0:
        return None
    if chinese and not mag and value == 1:
        return None  # 一批, 一个, 一项: an article, not a figure
    unit = _NORMALIZE_UNIT.get(unit, unit)
    measure = unit in _MEASURES
    direction = _direction(before, after, measure=measure)
    if not measure and not _count_is_target(before, after, chinese and not mag):
        return None
    return Target(value, unit, direction, deadline)


def _count_is_target(before: str, after: str, chinese: bool) -> bool:
    if any(p.match(after) for p, _ in _AFTER_QUANT):
        return True
    if chinese:
        near = before[-3:]
        return any(p.search(near) for p, _ in _BEFORE_STRONG) or bool(_BEFORE_REACH.search(near))
    return any(p.search(before) for p, _ in _BEFORE_STRONG) or bool(_BEFORE_REACH.search(before))


def _direction(before: str, after: str, *, measure: bool) -> str | None:
    for pattern, direction in _AFTER_QUANT:
        if pattern.match(after):
            return direction
    best: tuple[int, str] | None = None
    for pattern, direction in _BEFORE_STRONG:
        for cue in pattern.finditer(before):
            if best is None or cue.end() > best[0]:
                best = (cue.end(), direction)
    if best is not None and len(before) - best[0] <= 12:
        return best[1]
    if _AFTER_REACH.search(after) or _BEFORE_REACH.search(before):
        return "达到"
    return None
