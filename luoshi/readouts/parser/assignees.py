"""Who is given the work: units in subject position of a directive, not units merely named.

A readout names many units that are not assignees: hosts and speakers (会上，省扶贫办……作了
发言), reporters (廊坊市……汇报了), attendees and sub-venues (各市……设分会场), places where
something happened (廊坊、唐山隔离点仍有阳性病例) and objects of work (建设雄安新区). What
they have in common is that they are not the grammatical subject of a directive. So a unit
is an assignee only when it opens a clause as (a list of) subjects followed by a directive
verb:

    廊坊要加强…                     安次、霸州等区县要继续严格封控
    秦皇岛、保定、石家庄要…          张家口市、承德市和省直有关部门要…
    由省发展改革委牵头…              省生态环境厅负责…

plus two more patterns: a unit's own commitment (秦皇岛市委书记…说，要…) and 我市/我县 in a
city's or county's own meeting. Generic collectives (各地各部门, 其他区县, 省直有关部门) may
stand in a subject list but are never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gazetteer import Gazetteer, Place

# A directive verb right after the subject (要求/要点/重要 are not directives).
DIRECTIVE_VERB = re.compile(
    r"(?:也|还|都|均|更|要|则|必须|务必|一定|切实|进一步|继续|同时|分别|尤其|首先|重点){0,2}"
    r"(?:要(?![求点素闻害件案])|须|必须|务必|应当|应|需|牵头|负责|承担|配合)"
)
# What may stand between the unit list and the verb.
_TAIL = re.compile(
    r"(?:等(?:\d+|[两三四五六七八九十]+)?个?(?:区县|县区|县市|市县|县（市、区）|城市|地市|地区|部门|单位|省份|省区|乡镇|街道|地方|地|市|县|区)?"
    r"|[两三四五六七八九十]+(?:市|县|区|地|省|个部门|部门))?"
    r"(?:[省市县区州盟旗]?委[、和]?[省市县区州盟旗]?政府|[省市县区州盟旗]?委|[省市县区州盟旗]?政府|党委政府|"
    r"各级党委政府|各级党委和政府|各级党组织|各级各部门|各有关部门|各部门|党委|各级|主要负责同志|主要领导|有关部门|相关部门){0,2}"
)
_SEPARATOR = re.compile(r"、|和|及|与|以及")
_PREFIX = re.compile(r"特别是|尤其是|其中|同时|另外|此外|对此|为此|其次|首先|最后|请")
_PAREN = re.compile(r"（[^（）]{0,30}）")
GENERIC = re.compile(
    r"(?:各|全|其他|其余|有关|相关|部分|所有|广大|省直|市直|县直|区直|中直|驻[\u4e00-\u9fff]{1,3})"
    r"[\u4e00-\u9fff]{0,10}?(?:部门|单位|地方|地区|省份|城市|市州|市县|县区|区县|县市|市|县|区|乡镇|街道|村|"
    r"党组织|党委|政府|企业|学校|医院|机关|干部|党员|同志|领导|成员|组织|机构)(?:和|、)?"
    r"(?:[\u4e00-\u9fff]{0,6}?(?:部门|单位|党组织|干部))?"
)
# A body named after 省/市 that the department list does not know (its name is kept as written).
_OTHER_BODY = re.compile(
    r"(?![直各内外级委政领会长有相属])[\u4e00-\u9fff]{2,12}?(?:厅|局|委员会|办公室|中心|总队|委|办|院)(?=[、和及与等要须应负牵])"
)
_HOST_WORD = re.compile(r"我(省|市|县|区|州|盟|旗)")
_DEPT_PREFIX = re.compile(r"自治区|省|市|县|区|州|盟|旗")
_COMMITMENT = re.compile(
    r"(?:市委|县委|区委|州委|盟委|旗委|省委|党委|政府|委)?(?:主要负责同志|主要负责人|负责同志|负责人|党委书记|党组书记|"
    r"副书记|书记|市长|县长|区长|州长|旗长|盟长|厅长|局长|主任)[\u4e00-\u9fff·]{0,4}?"
    r"(?:在会上|在会议上|在发言中|发言时|会上)?(?:说|表示|表态|承诺|介绍|提出)[，：]"
)
_COMMIT_VERB = re.compile(r"要|将|确保|力争|坚决|一定|保证")
_LEAD_IN = re.compile(r"由|要求|责成")


@dataclass(slots=True)
class Context:
    """What the parser knows about an article when it resolves names."""

    gazetteer: Gazetteer
    province: str | None = None  # key of the meeting's province
    mentioned: dict[str, float] = field(default_factory=dict)  # place key -> weight in the article
    hosts: dict[str, Place] = field(default_factory=dict)  # level -> the article's own unit

    def host_for(self, word: str) -> Place | None:
        """The place 我市 / 市 (as in 市科技局) refers to."""
        if word in ("省", "自治区"):
            return self.gazetteer.get(self.province) if self.province else None
        if word == "市":
            province = self.gazetteer.get(self.province) if self.province else None
            if province is not None and province.name.endswith("市"):
                return province  # 北京, 上海, 天津, 重庆: the city is the province
            return self.hosts.get("city")
        if word in ("县", "区", "旗"):
            return self.hosts.get("county")
        if word in ("州", "盟"):
            return self.hosts.get("city")
        return None


@dataclass(frozen=True, slots=True)
class Subject:
    """A subject list found at a clause start: the units it names and where it ends."""

    start: int
    end: int
    units: tuple[Place, ...]


@dataclass(slots=True)
class _Member:
    keys: tuple[str, ...] = ()
    place: Place | None = None
    generic: bool = False


def subject_at(text: str, pos: int, ctx: Context, *, near: set[str] | None = None) -> Subject | None:
    """Parse a subject list followed by a directive verb starting at `pos`, or None."""
    i = pos
    if m := _PREFIX.match(text, i):
        i = m.end()
    members, i = _member_list(text, i, ctx)
    if not members:
        return None
    tail = _TAIL.match(text, i)
    after_tail = tail.end() if tail else i
    verb = DIRECTIVE_VERB.match(text, after_tail)
    if verb is None:
        return None
    hint = _level_hint(text[i:after_tail])
    units = _resolve(members, ctx, near or set(), hint)
    return Subject(pos, verb.end(), units)


def lead_in_at(text: str, pos: int, ctx: Context, *, near: set[str] | None = None) -> Subject | None:
    """由X牵头 / 要求X… / 责成X…: units named after a lead-in word."""
    m = _LEAD_IN.match(text, pos)
    if m is None:
        return None
    members, i = _member_list(text, m.end(), ctx)
    if not members or any(mm.generic for mm in members) and all(mm.generic for mm in members):
        return None
    nxt = text[i : i + 1]
    if m.group() == "由":
        if not DIRECTIVE_VERB.match(text, i):
            return None
    elif not nxt or not ("\u4e00" <= nxt <= "\u9fff") or nxt == "的":
        return None
    units = _resolve(members, ctx, near or set(), None)
    return Subject(pos, i, units)


def commitment_at(text: str, pos: int, ctx: Context) -> Subject | None:
    """秦皇岛市委书记XX说，要…: the unit commits itself to the work."""
    members, i = _member_list(text, pos, ctx, allow_generic=False)
    if len(members) != 1:
        return None
    m = _COMMITMENT.match(text, i)
    if m is None or not _COMMIT_VERB.search(text, m.end(), m.end() + 40):
        return None
    units = _resolve(members, ctx, set(), None)
    return Subject(pos, m.end(), units)


def _member_list(text: str, i: int, ctx: Context, *, allow_generic: bool = True) -> tuple[list[_Member], int]:
    members: list[_Member] = []
    while i < len(text):
        member, end = _member_at(text, i, ctx, allow_generic)
        if member is None:
            break
        members.append(member)
        i = end
        if p := _PAREN.match(text, i):
            i = p.end()
        sep = _SEPARATOR.match(text, i)
        if sep is None:
            break
        nxt, _ = _member_at(text, sep.end(), ctx, allow_generic)
        if nxt is None:
            break
        i = sep.end()
    return members, i


def _member_at(text: str, i: int, ctx: Context, allow_generic: bool) -> tuple[_Member | None, int]:
    gaz = ctx.gazetteer
    if m := _HOST_WORD.match(text, i):
        host = ctx.host_for(m.group(1)) if m.group(1) != "省" else None
        # 我省 in a provincial meeting addresses the whole province: not an assignee.
        return (_Member(place=host) if host else _Member(generic=True)), m.end()
    if m := _DEPT_PREFIX.match(text, i):
        dept = gaz.department_at(text, m.end())
        if dept is not None:
            host = ctx.host_for(m.group())
            if host is None:
                return _Member(generic=True), dept[1]
            return _Member(place=gaz.department_place(dept[0], host)), dept[1]
        if (other := _OTHER_BODY.match(text, m.end())) and (host := ctx.host_for(m.group())) is not None:
            # 省疾控中心, 省疫情防控领导小组办公室: a body the department list does not know.
            name = host.name + other.group()
            return _Member(
                place=Place(f"{host.key}/{other.group()}", name, "department", host.key, ctx.province)
            ), other.end()
    mention = gaz.match_at(text, i)
    if mention is not None:
        dept = gaz.department_at(text, mention.end)
        if dept is not None:
            division = gaz.choose(mention.keys, mentioned=ctx.mentioned, province=ctx.province)
            if division is None or division.level == "township":
                return _Member(generic=True), dept[1]
            return _Member(place=gaz.department_place(dept[0], division)), dept[1]
        return _Member(keys=mention.keys), mention.end
    if allow_generic and (m := GENERIC.match(text, i)):
        end = m.end()
        if text[end - 1] in "和、":
            end -= 1
        return _Member(generic=True), end
    return None, i


def _level_hint(tail: str) -> str | None:
    if "县" in tail or "区" in tail:
        return "county"
    if "乡镇" in tail or "街道" in tail:
        return "township"
    return None


def _resolve(members: list[_Member], ctx: Context, near: set[str], hint: str | None) -> tuple[Place, ...]:
    gaz = ctx.gazetteer
    units: list[Place] = []
    local_near = set(near)
    for member in members:
        if member.generic:
            continue
        place = member.place
        if place is None:
            place = gaz.choose(
                member.keys, near=local_near, mentioned=ctx.mentioned, province=ctx.province, level_hint=hint
            )
            if place is None:
                continue
            if place.level == "township" and not _township_in_context(place, ctx, local_near):
                continue
        if place not in units:
            units.append(place)
            local_near.add(place.key)
            local_near.update(gaz.ancestors(place.key))
    return tuple(units)


def _township_in_context(place: Place, ctx: Context, near: set[str]) -> bool:
    """A township name (城关镇 exists hundreds of times) counts only under a unit in context."""
    return any(a in near or ctx.mentioned.get(a, 0) > 0 for a in ctx.gazetteer.ancestors(place.key))
