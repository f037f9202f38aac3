"""Items: the pieces of work a readout deploys, each with units, deadline and targets.

Within an article, in text order:

1. Enumerations (一要…八要, 一是…, 第一，…) give one item per member, marked with its
   enumerator; a nested enumeration stays inside its parent's item.
2. Every other sentence is an item when it is a directive: it contains 要/必须/务必/确保…
   as a verb, or it follows a directive in the same paragraph and opens with an imperative
   verb (加强…, 做好…, 严格…), the way readouts continue a "会议强调，要…" paragraph.
   Sentences about the meeting itself (主持, 出席, 汇报了, 作了发言, 设分会场) are not.
3. A directive sentence is split where a clause opens with a new subject, so
   "廊坊要…，安次、霸州等区县要…，其他区县要…" gives three items with their own units.
"""

from __future__ import annotations

import re

from .assignees import Context, commitment_at, lead_in_at, subject_at
from .deadlines import first_deadline
from .model import Item
from .segment import Article, enumeration_end, enumeration_items, find_enumerations, sentences
from .targets import extract_targets, mask_quotes

DIRECTIVE = re.compile(
    r"(?<![重主需必首只纲摘概简扼紧想政显机不])要(?![求点素闻害件案职冲地员事塞领义旨])"
    r"|必须|务必|确保|力争|争取|须|应当|切实|坚决"
    # Goals stated without 要: "主要预期目标是：地区生产总值增长6%左右".
    r"|目标(?:是|为)|(?:提出|明确|确定)[^。，]{0,20}目标"
)
IMPERATIVE_START = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,6}，)?(?:加强|加快|强化|推进|推动|抓好|抓紧|抓实|抓细|做好|落实|严格|坚持|提升|提高|"
    r"切实|全面|深入|持续|开展|统筹|完善|健全|建立|压紧|压实|严防|严守|严禁|确保|力争|优化|深化|扎实|积极|"
    r"大力|着力|进一步|狠抓|发挥|聚焦|围绕|突出|注重|用好|守住|守牢|筑牢|织密|引导|组织|督促|指导|实施|实行|"
    r"保障|保持|巩固|防范|防止|加大|稳定|扩大|培育|打造|创新|规范|严肃|认真|及时|尽快|全力|集中|坚决|毫不|"
    r"决不|不断|始终|牢牢|主动|广泛|继续|各级|各地|各部门|以|对|把|将)"
)
LOGISTICS = re.compile(
    r"主持(?:会议|召开|并讲话)?|出席|参加(?:了)?(?:会议|活动)|列席|设分会场|收听收看|汇报了|作(?:了)?(?:交流|表态|典型)?发言|"
    r"以[^，。]{0,12}(?:视频|电视电话)[^，。]{0,6}形式召开|会议(?:还)?(?:研究|听取|审议)了|传达了|记者|讯（"
)
_CLAUSE_START = re.compile(r"[，；：]")
_OPENING = re.compile(r"^(?:会上|会议上|同时|此外|另外)，?")


def article_items(article: Article, ctx: Context) -> list[Item]:
    body = article.body
    runs = find_enumerations(body)
    regions = [(run[0].start, enumeration_end(body, run), run) for run in runs]
    items: list[Item] = []
    offset = 0
    emitted: set[int] = set()
    for paragraph in article.paragraphs:
        active = False
        for rel, sentence in sentences(paragraph):
            start = offset + rel
            end = start + len(sentence)
            region = next(((a, b, r) for a, b, r in regions if start < b and end > a), None)
            if region is None:
                new = _sentence_items(sentence, ctx, active)
                active = active or bool(new) or bool(DIRECTIVE.search(sentence))
                items.extend(new)
                continue
            a, b, run = region
            if start < a:  # the lead-in before 一要 ("会议听取了…汇报，指出")
                items.extend(_sentence_items(body[start:a], ctx, active))
            if a not in emitted:
                emitted.add(a)
                items.extend(_enumerated_items(body, run, ctx))
            active = True
        offset += len(paragraph) + 1
    for item in items:
        item.article = article.index
    return items


def _enumerated_items(body: str, run, ctx: Context) -> list[Item]:
    out = []
    for marker, start, end in enumeration_items(body, run):
        text = body[start:end].replace("\n", "").strip()
        item = _make_item(text, ctx, units=_units_in(text, ctx))
        item.enumerator = marker.text.rstrip("，、：")
        out.append(item)
    return out


def _sentence_items(sentence: str, ctx: Context, active: bool) -> list[Item]:
    text = sentence.strip()
    if len(text) < 4:
        return []
    directive = bool(DIRECTIVE.search(text))
    if LOGISTICS.search(text) and not directive:
        return []
    opening = _OPENING.match(text)
    lead = opening.end() if opening else 0
    commitment = commitment_at(text, lead, ctx)
    # "县人社局负责组织劳务输出": a sentence opening with a subject and 负责/牵头 is a directive too.
    subject_led = subject_at(text, lead, ctx) is not None
    if not (directive or commitment or subject_led or (active and IMPERATIVE_START.match(text))):
        return []
    pieces = _split_on_subjects(text, ctx)
    items = []
    for piece_text, units in pieces:
        if commitment is not None and not items:
            units = list(dict.fromkeys([*[u.name for u in commitment.units], *units]))
        items.append(_make_item(piece_text, ctx, units=units))
    return items


def _split_on_subjects(text: str, ctx: Context) -> list[tuple[str, list[str]]]:
    """Split a sentence where a clause opens with a subject; return (text, units) pieces."""
    starts = [0] + [m.end() for m in _CLAUSE_START.finditer(text)]
    cuts: list[tuple[int, list[str]]] = []
    near: set[str] = set()
    for pos in starts:
        subject = subject_at(text, pos, ctx, near=near)
        if subject is None:
            continue
        units = [u.name for u in subject.units]
        for unit in subject.units:
            near.add(unit.key)
            near.update(ctx.gazetteer.ancestors(unit.key))
        cuts.append((pos, units))
    if not cuts or cuts[0][0] != 0:
        cuts.insert(0, (0, []))
    pieces = []
    for i, (pos, units) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        piece = text[pos:end].strip().rstrip("，；：")
        if not piece:
            continue
        if i + 1 < len(cuts) and not piece.endswith(("。", "；")):
            piece += "。"
        extra = _units_in(piece, ctx, subjects=False)
        pieces.append((piece, list(dict.fromkeys(units + extra))))
    # A lead-in before the first subject that is not itself a directive ("会议强调，") joins the next piece.
    if len(pieces) > 1 and not pieces[0][1] and not DIRECTIVE.search(pieces[0][0]) and len(pieces[0][0]) < 12:
        head = pieces.pop(0)[0].rstrip("。")
        text0, units0 = pieces[0]
        pieces[0] = (head + "，" + text0, units0)
    return pieces


def _units_in(text: str, ctx: Context, *, subjects: bool = True) -> list[str]:
    """Units of an item: subjects of clauses (when asked), lead-ins (由X牵头), and 我市."""
    units: list[str] = []
    near: set[str] = set()
    starts = [0] + [m.end() for m in _CLAUSE_START.finditer(text)]
    if subjects:
        for pos in starts:
            subject = subject_at(text, pos, ctx, near=near)
            if subject is not None:
                for unit in subject.units:
                    units.append(unit.name)
                    near.add(unit.key)
    for m in re.finditer(r"由|要求|责成", text):
        subject = lead_in_at(text, m.start(), ctx, near=near)
        if subject is not None:
            units.extend(u.name for u in subject.units)
    for m in re.finditer(r"我(市|县|区|州|盟|旗)", text):
        host = ctx.host_for(m.group(1))
        if host is not None:
            units.append(host.name)
    return list(dict.fromkeys(units))


def _make_item(text: str, ctx: Context, *, units: list[str]) -> Item:
    masked = mask_quotes(text)
    return Item(text=text, units=units, deadline=first_deadline(masked), targets=extract_targets(text))
