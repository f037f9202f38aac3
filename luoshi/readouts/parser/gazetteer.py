"""The gazetteer: every name a readout may use for a unit, mapped to a normalized full name.

Built from the division data shipped in the repository (luoshi/units/data: provinces,
cities, counties and townships of all of China with 12-digit codes, plus the list of
government departments), so a report from any province works without set-up. The Django
side can add its own units (雄安新区-style areas, renamed departments) with `add()`.

Surface forms of a division:
- its full name (廊坊市, 安次区, 恩施土家族苗族自治州);
- short forms, with the administrative suffix stripped (廊坊, 安次, 霸州, 恩施, 恩施州).
  A short form is often ambiguous (桥西 is a district of three cities), so lookups return
  every candidate and `choose()` picks one by context: a parent named nearby, the
  meeting's province, the level the sentence implies.

Departments are not stored per division (34 provinces x 25 departments x 3,000 divisions
would be wasteful); a department mention is a division (or the bare prefix 省/市/县) followed
by a department form (发展改革委, 发改委, 生态环境厅), and its full name is built on demand:
河北省 + 发展和改革委员会.

Matching is a longest-prefix lookup in a dict, with an index from the first two characters
to the longest form starting with them, so scanning a text costs one dict probe per
character.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

UNITS_DATA = Path(__file__).resolve().parents[2] / "units" / "data"
PARSER_DATA = Path(__file__).resolve().parent / "data"

FULL, SHORT, ALIAS = 0, 1, 2

LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3, "department": 2, "other": 2}

# The 56 nationalities as they appear inside autonomous-area names, longest first so that
# 土家 is stripped before 土.
ETHNIC = sorted(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 "
    "纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 "
    "鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各".split(),
    key=len,
    reverse=True,
)

# Short forms that are also everyday words or generic place words; such a short form is
# never used (the full name still is).
SHORT_STOPLIST = frozenset(
    "城关 城中 城东 城西 城南 城北 市中 和平 平安 新华 光明 东方 红旗 向阳 前进 友好 新兴 振兴 新城 城区 "
    "郊区 矿区 高新 开发 新建 合作 安宁 太和 永安 长安 中原 东风 胜利 团结 建设 解放 先锋 民主 文化 发展 "
    "白云 青山 南山 东山 宝山 钟山 龙山 兴山 东安 大安 海城 东港 西安 中山 和田 临夏".split()
)
# 西安, 中山, 和田, 临夏 are cities whose short form is also a county short form or a word;
# they are restored below as short forms of the city only.
CITY_SHORTS_KEPT = frozenset("西安 中山 和田 临夏 白山".split())


# Characters after which a short place name may end (see Gazetteer.scan).
_NAME_END = frozenset("、，。；：！？）（”“ 要等和与及的在市县区州省籍\n") | {""}


@dataclass(frozen=True, slots=True)
class Place:
    """A unit the gazetteer knows: a division, a department, or an added entry."""

    key: str  # the 12-digit code, or a generated key for departments and added entries
    name: str  # normalized full name, as the parser outputs it
    level: str  # province | city | county | township | department | other
    parent: str | None = None  # key of the supervising parent
    province: str | None = None  # key of the province the place lies in


@dataclass(frozen=True, slots=True)
class Department:
    """One row of departments.csv: the name forms of a kind of department."""

    key: str
    province_name: str
    city_name: str

    def full_name(self, division: Place) -> str:
        suffix = self.province_name if division.level == "province" else self.city_name
        return division.name + suffix


@dataclass(frozen=True, slots=True)
class Mention:
    """A surface form found in a text, with every place it may denote."""

    start: int
    end: int
    surface: str
    keys: tuple[str, ...]
    kind: int  # FULL, SHORT or ALIAS


@dataclass(slots=True)
class _Index:
    places: dict[str, Place] = field(default_factory=dict)
    forms: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    first2: dict[str, int] = field(default_factory=dict)  # first two chars -> longest form length
    dept_forms: dict[str, str] = field(default_factory=dict)  # department form -> department key
    dept_first2: dict[str, int] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    replaced: dict[str, str] = field(default_factory=dict)  # old key -> key of the entry replacing it

    def add_form(self, surface: str, key: str, kind: int) -> None:
        if len(surface) < 2:
            return
        entries = self.forms.setdefault(surface, [])
        if (key, kind) not in entries:
            entries.append((key, kind))
        head = surface[:2]
        if self.first2.get(head, 0) < len(surface):
            self.first2[head] = len(surface)

    def add_dept_form(self, surface: str, key: str) -> None:
        if not surface or surface in self.dept_forms:
            return
        self.dept_forms[surface] = key
        head = surface[:2]
        if self.dept_first2.get(head, 0) < len(surface):
            self.dept_first2[head] = len(surface)

    def copy(self) -> _Index:
        return _Index(
            places=dict(self.places),
            forms={k: list(v) for k, v in self.forms.items()},
            first2=dict(self.first2),
            dept_forms=dict(self.dept_forms),
            dept_first2=dict(self.dept_first2),
            departments=dict(self.departments),
            replaced=dict(self.replaced),
        )


def short_forms(name: str, level: str) -> list[str]:
    """Short forms of a division name: 廊坊市 -> [廊坊], 恩施土家族苗族自治州 -> [恩施, 恩施州]."""
    if level == "province":
        for suffix in ("特别行政区", "自治区", "省", "市"):
            if name.endswith(suffix):
                return [_strip_ethnic(name[: -len(suffix)])]
        return []
    if level == "township":
        return []
    out: list[str] = []
    if name.endswith(("自治州", "自治县", "自治旗")):
        base = _strip_ethnic(name[:-3])
        out.append(base)
        if name.endswith("自治州"):
            out.append(base + "州")
        elif name.endswith("自治县"):
            out.append(base + "县")
    else:
        for suffix in ("地区", "新区", "林区", "特区", "矿区", "市", "县", "区", "旗", "盟"):
            if name.endswith(suffix) and suffix != "矿区":
                out.append(name[: -len(suffix)])
                break
            if name.endswith(suffix):  # 井陉矿区: the short form would be a word fragment
                break
    kept = []
    for form in out:
        if len(form) < 2:
            continue
        if form in SHORT_STOPLIST and not (level == "city" and form in CITY_SHORTS_KEPT):
            continue
        kept.append(form)
    return kept


def _strip_ethnic(base: str) -> str:
    changed = True
    while changed:
        changed = False
        for group in ETHNIC:
            for tail in (group + "族", group):
                if base.endswith(tail) and len(base) - len(tail) >= 2:
                    base = base[: -len(tail)]
                    changed = True
                    break
            if changed:
                break
    return base


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def _builtin_index() -> _Index:
    """Load the shipped data once per process."""
    index = _Index()
    for row in _read_csv(UNITS_DATA / "divisions.csv"):
        code, name, level, parent = row["code"], row["name"], row["level"], row["parent_code"] or None
        province = code[:2] + "0" * 10
        index.places[code] = Place(code, name, level, parent, province)
        index.add_form(name, code, FULL)
        for form in short_forms(name, level):
            index.add_form(form, code, SHORT)
    townships = UNITS_DATA / "townships.csv"
    if townships.exists():
        for row in _read_csv(townships):
            code, name, parent = row["code"], row["name"], row["parent_code"]
            index.places[code] = Place(code, name, "township", parent, code[:2] + "0" * 10)
            index.add_form(name, code, FULL)
    for path in (UNITS_DATA / "departments.csv", PARSER_DATA / "organs.csv"):
        if not path.exists():
            continue
        for row in _read_csv(path):
            dept = Department(row["key"], row["province_name"], row["city_name"])
            index.departments[dept.key] = dept
            forms = [row["province_name"], row["province_short"], row["city_name"], row["city_short"]]
            forms += [a for a in (row.get("aliases") or "").split(";") if a]
            for form in forms:
                index.add_dept_form(form, dept.key)
    extras = PARSER_DATA / "extras.csv"
    if extras.exists():
        for row in _read_csv(extras):
            key = "x:" + row["name"]
            parent = row["parent_code"] or None
            province = parent[:2] + "0" * 10 if parent else None
            index.places[key] = Place(key, row["name"], row["level"], parent, province)
            index.add_form(row["name"], key, FULL)
            for alias in (row.get("aliases") or "").split(";"):
                index.add_form(alias, key, ALIAS)
    return index


class Gazetteer:
    """Names of units, and the rules to find and resolve them in text.

    `Gazetteer()` is cheap: it shares the built-in index (loaded once per process) and
    copies it only when `add()` is first called, so added entries never leak into other
    instances.
    """

    def __init__(self, *, builtin: bool = True) -> None:
        self._index = _builtin_index() if builtin else _Index()
        self._owned = not builtin

    @classmethod
    def default(cls) -> Gazetteer:
        """The shared read-only gazetteer over the shipped data."""
        return _default_gazetteer()

    # -- building -------------------------------------------------------------------------

    def add(
        self,
        name: str,
        *,
        full_name: str | None = None,
        aliases: Iterable[str] = (),
        parent: str | None = None,
        level: str = "other",
        code: str | None = None,
    ) -> Place:
        """Add a unit (e.g. a row of the Django units table).

        `name` is how the unit is usually written, `full_name` the normalized name to
        output (defaults to `name`), `aliases` further forms (short names, abbreviations),
        `parent` the parent's code or full name (used for context and for the province),
        `code` its division code if it has one (an existing code is replaced, which is how
        a supervision parent can be overridden). Short forms are derived automatically for
        division levels (province, city, county).
        """
        self._own()
        index = self._index
        parent_key = self._parent_key(parent)
        province = None
        if parent_key:
            parent_place = index.places[parent_key]
            province = parent_place.key if parent_place.level == "province" else parent_place.province
        if level == "province":
            province = None
        key = code or f"x:{full_name or name}"
        if level == "province":
            province = key
        place = Place(key, full_name or name, level, parent_key, province)
        # An added unit replaces a built-in one it names (same full name, same province):
        # the units table is the authority, and two entries would make every mention ambiguous.
        for surface in {name, full_name or name, *aliases}:
            for old_key, kind in index.forms.get(surface, []):
                old = index.places.get(old_key)
                if old_key != key and kind == FULL and old is not None and old.name == surface:
                    if province is None or old.province == province or old.key == province:
                        index.replaced[old_key] = key
        index.places[key] = place
        index.replaced.pop(key, None)
        for surface in {name, full_name or name}:
            index.add_form(surface, key, FULL)
            for form in short_forms(surface, level):
                index.add_form(form, key, SHORT)
        for alias in aliases:
            index.add_form(alias, key, ALIAS)
        return place

    def add_department(
        self, key: str, *, province_name: str, city_name: str | None = None, forms: Iterable[str] = ()
    ) -> None:
        """Add a kind of department (a row like those of departments.csv)."""
        self._own()
        dept = Department(key, province_name, city_name or province_name)
        self._index.departments[key] = dept
        for form in (province_name, city_name, *forms):
            if form:
                self._index.add_dept_form(form, key)

    def _own(self) -> None:
        if not self._owned:
            self._index = self._index.copy()
            self._owned = True

    def _parent_key(self, parent: str | None) -> str | None:
        if not parent:
            return None
        if parent in self._index.places:
            return parent
        for key, _kind in self._index.forms.get(parent, []):
            return key
        raise KeyError(f"unknown parent unit: {parent}")

    # -- lookups --------------------------------------------------------------------------

    def place(self, key: str) -> Place:
        return self._index.places[key]

    def get(self, key: str) -> Place | None:
        return self._index.places.get(key)

    def _live(self, keys: Iterable[str]) -> tuple[str, ...]:
        replaced = self._index.replaced
        if not replaced:
            return tuple(dict.fromkeys(keys))
        return tuple(dict.fromkeys(replaced.get(k, k) for k in keys))

    def lookup(self, surface: str) -> list[Place]:
        """Every place a surface form may denote."""
        keys = self._live(key for key, _kind in self._index.forms.get(surface, []))
        return [self._index.places[key] for key in keys]

    def ancestors(self, key: str) -> Iterator[str]:
        """Keys of the place's parents, nearest first (a township's county, city, province)."""
        seen = 0
        place = self._index.places.get(key)
        while place is not None and place.parent and seen < 8:
            yield place.parent
            place = self._index.places.get(place.parent)
            seen += 1

    def match_at(self, text: str, pos: int) -> Mention | None:
        """The longest place form starting at `pos`, if any."""
        index = self._index
        longest = index.first2.get(text[pos : pos + 2], 0)
        for end in range(min(len(text), pos + longest), pos + 1, -1):
            entries = index.forms.get(text[pos:end])
            if entries:
                keys = self._live(k for k, _ in entries)
                kind = min(kind for _, kind in entries)
                return Mention(pos, end, text[pos:end], keys, kind)
        return None

    def department_at(self, text: str, pos: int) -> tuple[str, int] | None:
        """A department form starting at `pos`: (department key, end), longest first."""
        index = self._index
        longest = index.dept_first2.get(text[pos : pos + 2], 0)
        for end in range(min(len(text), pos + longest), pos + 1, -1):
            key = index.dept_forms.get(text[pos:end])
            if key:
                return key, end
        return None

    def department_place(self, dept_key: str, division: Place) -> Place:
        """The Place of a department of a division: (发展改革委, 河北省) -> 河北省发展和改革委员会."""
        dept = self._index.departments[dept_key]
        province = division.key if division.level == "province" else division.province
        return Place(
            f"{division.key}/{dept_key}", dept.full_name(division), "department", division.key, province
        )

    def scan(self, text: str) -> Iterator[Mention]:
        """All place mentions in a text, left to right, longest match first, no overlaps.

        A two-character short form counts only where a name can end (before punctuation,
        要, 等, 市…): 迁安 inside 搬迁安置 or 新建 in 新建扶贫车间 is not a place.
        """
        index = self._index
        first2 = index.first2
        pos, n = 0, len(text)
        while pos < n - 1:
            if text[pos : pos + 2] in first2:
                mention = self.match_at(text, pos)
                if mention is not None and (
                    mention.kind == FULL
                    or len(mention.surface) > 2
                    or text[mention.end : mention.end + 1] in _NAME_END
                ):
                    yield mention
                    pos = mention.end
                    continue
            pos += 1

    def choose(
        self,
        keys: Iterable[str],
        *,
        near: Iterable[str] = (),
        mentioned: dict[str, float] | None = None,
        province: str | None = None,
        level_hint: str | None = None,
    ) -> Place | None:
        """Pick the place a possibly ambiguous form denotes, or None if context cannot tell.

        Scores, in order of weight: a parent named in the same sentence (`near`: 安次 after
        廊坊), a parent mentioned elsewhere in the article (`mentioned`), the meeting's
        province, the level the sentence implies (等区县 -> county), then higher levels
        (吉林 the province over 吉林 the city).
        """
        candidates = [self._index.places[k] for k in dict.fromkeys(keys) if k in self._index.places]
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        near_set = set(near)
        mentioned = mentioned or {}
        scored = []
        for place in candidates:
            chain = list(self.ancestors(place.key))
            score = 0.0
            if any(a in near_set for a in chain):
                score += 4
            if any(mentioned.get(a, 0) > 0 for a in chain):
                score += 2
            if province and (place.province == province or place.key == province):
                score += 1.5
            if level_hint and place.level == level_hint:
                score += 0.5
            score += 0.2 * (3 - LEVEL_RANK.get(place.level, 2))
            scored.append((score, place))
        scored.sort(key=lambda s: s[0], reverse=True)
        best, runner_up = scored[0], scored[1]
        if best[0] - runner_up[0] < 0.15:
            return None
        return best[1]


@cache
def _default_gazetteer() -> Gazetteer:
    return Gazetteer()
