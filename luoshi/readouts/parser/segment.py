"""Structure of a cleaned readout: articles, headings, sentences and enumerations.

Articles. A file may hold several reports one after another (a provincial meeting, then
the city's own 市委常委会). A new article starts at a dateline (本报讯, 新华社…电,
河北新闻网5月31日讯) together with the title lines just above it.

Enumerations. 一要…二要…, 一是…二是…, 第一，…第二，… and list lines 一、…二、… are
recognised only as runs that count up from one (一要 then 二要 ...), which keeps 统一要求,
第一时间 and 一二三产业 out. An enumerated item runs to the next marker; the last one to
the end of its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .numerals import chinese_to_int

_DATELINE = re.compile(
    r"本报讯|本台讯|本网讯|(?:新华社|中新社|人民网|新华网)[\u4e00-\u9fff]{0,6}\d{0,2}月?\d{0,2}日?电"
    r"|[\u4e00-\u9fff]{2,12}(?:网|报|台|社|发布)\d{1,2}月\d{1,2}日(?:讯|电)"
)
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")


@dataclass(slots=True)
class Article:
    """One report inside the file. `paragraphs` excludes title lines (`headings`)."""

    index: int
    headings: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.headings + self.paragraphs)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


def is_heading(paragraph: str) -> bool:
    """Titles, bylines and subtitles: short lines that do not end a sentence."""
    if len(paragraph) >= 100 or "。" in paragraph:
        return False
    # A closing quote or bracket may end a title (…确保实现首季“开门红”) as well as a sentence.
    return paragraph[-1] not in "！？；…" or paragraph[-2:-1] not in "。！？"


def split_articles(text: str) -> list[Article]:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    starts = [0]
    seen_body = False
    for i, para in enumerate(paragraphs):
        if _DATELINE.search(para[:60]):
            if seen_body:
                # Walk back over the title block that belongs to the new article.
                j = i
                while j > starts[-1] + 1 and is_heading(paragraphs[j - 1]):
                    j -= 1
                starts.append(j)
            seen_body = True
        elif not is_heading(para) and len(para) > 40:
            seen_body = True
    starts.append(len(paragraphs))
    articles = []
    for n, (a, b) in enumerate(zip(starts, starts[1:], strict=False)):
        article = Article(index=n)
        for para in paragraphs[a:b]:
            (article.headings if is_heading(para) else article.paragraphs).append(para)
        articles.append(article)
    return [a for a in articles if a.headings or a.paragraphs]


def sentences(paragraph: str) -> list[tuple[int, str]]:
    """Sentences of a paragraph with their offsets; ；counts as a sentence end here."""
    return [(m.start(), m.group()) for m in _SENTENCE.finditer(paragraph) if m.group().strip()]


@dataclass(frozen=True, slots=True)
class Marker:
    kind: str  # 要, 是, 第, 、
    number: int
    start: int
    end: int  # end of the marker itself
    text: str


_ENUM_MARKER = re.compile(
    r"(?P<pre>第|（)?(?P<num>[一二三四五六七八九十]{1,3})(?P<kind>要(?![求点素闻害件案])|是|[，、：）])"
)
# Characters that, before 一要/一是, make a word rather than a marker (统一要求, 唯一是).
_NOT_BEFORE = set("统唯同逐专万单划整均归合不另每任无之第其某这那")


def find_markers(text: str) -> list[Marker]:
    markers = []
    for m in _ENUM_MARKER.finditer(text):
        number = chinese_to_int(m.group("num"))
        if not number:
            continue
        kind = m.group("kind")
        start = m.start()
        prev = text[start - 1] if start else "\n"
        if m.group("pre") == "（":
            # （一） is a list marker at the start of a line or a sentence.
            if kind != "）" or prev not in "\n。；：":
                continue
            kind = "（）"
        elif m.group("pre"):
            if kind not in "，、：":
                continue
            kind = "第"
        elif kind == "）":
            continue
        elif kind in "，、：":
            # 一、 is a list marker only at the start of a line.
            if kind != "、" or prev != "\n":
                continue
        elif prev in _NOT_BEFORE:
            continue
        markers.append(Marker(kind, number, start, m.end(), m.group()))
    return markers


def find_enumerations(text: str) -> list[list[Marker]]:
    """Runs of markers of one kind numbered 1, 2, 3 … (at least two), in text order.

    A run nested inside another run's item (一是…二是… inside 一要) is left to the outer
    run: its markers stay part of the outer item's text.
    """
    runs: list[list[Marker]] = []
    open_runs: dict[str, list[Marker]] = {}
    for marker in find_markers(text):
        run = open_runs.get(marker.kind)
        if marker.number == 1:
            if run and len(run) >= 2:
                runs.append(run)
            open_runs[marker.kind] = [marker]
        elif run and marker.number == run[-1].number + 1 and marker.start - run[-1].end < 2500:
            run.append(marker)
    runs.extend(run for run in open_runs.values() if len(run) >= 2)
    runs.sort(key=lambda r: r[0].start)
    outer: list[list[Marker]] = []
    for run in runs:
        if outer and run[0].start < enumeration_end(text, outer[-1]):
            continue
        outer.append(run)
    return outer


def enumeration_end(text: str, run: list[Marker]) -> int:
    """Where the last item of a run ends: the end of its sentence."""
    last = run[-1]
    m = re.compile(r"[。！？\n]").search(text, last.end)
    return m.end() if m else len(text)


def enumeration_items(text: str, run: list[Marker]) -> list[tuple[Marker, int, int]]:
    """(marker, start, end) of each item of a run."""
    end_all = enumeration_end(text, run)
    spans = []
    for i, marker in enumerate(run):
        end = run[i + 1].start if i + 1 < len(run) else end_all
        spans.append((marker, marker.start, end))
    return spans
