"""The draft table: from a parsed readout to editable rows, and back from a posted form.

Pure functions over plain values (the parser's Readout, dicts, dates); matching names to units
and checking them against the tree lives in ``selectors.py``, writes in ``services.py``.
The draft's shape is documented on ``models.ReadoutDraft``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from luoshi.core.exceptions import DomainError
from luoshi.readouts.parser import Readout, ReadoutError, decode, resolve_deadline
from luoshi.readouts.parser.normalize import clean
from luoshi.readouts.parser.segment import split_articles

MAX_BYTES = 5 * 1024 * 1024
TITLE_CHARS = 40
SOURCE_TITLE_CHARS = 200

# --- Reading what was pasted or uploaded --------------------------------------------------------------

_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_DOCX_XML = 50 * 1024 * 1024


def msg_too_large() -> str:
    return _("The text is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20}


def read_upload(name: str, data: bytes) -> str:
    """Text of an uploaded .txt or .docx file; DomainError with a message for anything else."""
    if len(data) > MAX_BYTES:
        raise DomainError(msg_too_large(), code="too_large")
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "docx":
        return read_docx(data)
    if suffix == "doc":
        raise DomainError(
            _("Old Word files (.doc) cannot be read: save the file as .docx or .txt."), code="bad_type"
        )
    if suffix not in ("txt", "text", ""):
        raise DomainError(_("Only .txt and .docx files can be imported."), code="bad_type")
    try:
        return decode(data)
    except ReadoutError as exc:
        raise DomainError(exc.message, code="not_text") from None


def read_docx(data: bytes) -> str:
    """The paragraphs of a .docx (word/document.xml), one per line; no dependency beyond zipfile."""
    bad = DomainError(_("The file is not a valid Word document (.docx)."), code="bad_docx")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        info = package.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise bad from None
    if info.file_size > _MAX_DOCX_XML:
        raise DomainError(msg_too_large(), code="too_large")
    try:
        root = ElementTree.fromstring(package.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, RuntimeError):
        raise bad from None
    lines = []
    for paragraph in root.iter(f"{_WORD_NS}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD_NS}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_WORD_NS}tab":
                parts.append("\t")
            elif node.tag in (f"{_WORD_NS}br", f"{_WORD_NS}cr"):
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def check_text(text: str) -> str:
    text = text or ""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise DomainError(msg_too_large(), code="too_large")
    if not text.strip():
        raise DomainError(_("Paste the text of a readout or choose a file."), code="empty")
    return text


# --- Titles -------------------------------------------------------------------------------------------

_BYLINE = re.compile(
    r"^(?:来源|作者|记者|编辑|责任编辑|发布时间|时间|通讯员|原标题|图|摄)[：:]|^\d{4}[-年]|^[\d\s:：-]+$"
)
_MEETING_NAME = re.compile(
    r"[\u4e00-\u9fff“”（）]{2,40}?(?:会议|常委会|常务会|座谈会|推进会|调度会|动员会|专题会|部署会|视频会|电视电话会|全会)"
)


def meeting_title(text: str) -> str:
    """The first article's title line (not a byline), else the meeting named in its first lines."""
    cleaned = clean(text).text
    articles = split_articles(cleaned)
    if articles:
        for heading in articles[0].headings:
            heading = heading.strip()
            if len(heading) >= 4 and not _BYLINE.search(heading):
                return heading[:SOURCE_TITLE_CHARS]
        first = "\n".join(articles[0].paragraphs[:2])
    else:
        first = cleaned[:400]
    if m := _MEETING_NAME.search(re.sub(r"^.{0,40}?(?:召开|举行)", "", first) or first):
        return m.group()[:SOURCE_TITLE_CHARS]
    if m := _MEETING_NAME.search(first):
        return m.group()[:SOURCE_TITLE_CHARS]
    return ""


_ENUMERATOR = re.compile(
    r"^(?:第?[一二三四五六七八九十]{1,3}(?:要|是|、|，|：)|（[一二三四五六七八九十]{1,3}）|\d{1,2}[、.．])"
)
_LEAD_IN = re.compile(r"^(?:会议|会上|会议上)?(?:强调|指出|要求|提出|明确|认为|号召)?[，：]?")
_SUBJECT = re.compile(r"^[^，。；：！？]{0,24}?(?:要(?![求点])|必须|务必|须|应当)")
_CLAUSE_END = re.compile(r"[，。；：！？]")


def item_title(text: str) -> str:
    """A short task title from an item's text: its first clause, without enumerator and subject.

    一要狠抓项目建设，确保… -> 狠抓项目建设; 廊坊要加强监管，… -> 加强监管.
    """
    t = _ENUMERATOR.sub("", text.strip(), count=1)
    t = _LEAD_IN.sub("", t, count=1)
    if m := _SUBJECT.match(t):
        rest = t[m.end() :]
        if len(rest) >= 4:
            t = rest
    t = t.lstrip("，、：；")
    clause = _CLAUSE_END.split(t, maxsplit=1)[0].strip() or t.strip()
    if len(clause) > TITLE_CHARS:
        clause = clause[: TITLE_CHARS - 1] + "…"
    return clause


# --- Dates --------------------------------------------------------------------------------------------


def meeting_date(mmdd: str | None, year: int) -> dt.date | None:
    """The parser's MM-DD in ``year`` (None when absent or impossible, such as 02-30)."""
    if not mmdd:
        return None
    try:
        month, day = (int(x) for x in mmdd.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def deadline_for(phrase: str | None, meeting_day: dt.date | None) -> str:
    """The ISO date a deadline phrase means for the meeting, or "" (unknown or no phrase)."""
    if not phrase or meeting_day is None:
        return ""
    resolved = resolve_deadline(phrase, meeting_day)
    return resolved.isoformat() if resolved else ""


def redate_rows(rows: list[dict[str, Any]], meeting_day: dt.date | None) -> None:
    """After the meeting date changed: re-resolve the deadlines nobody edited by hand."""
    for row in rows:
        if row.get("deadline_text") and row.get("deadline", "") == row.get("deadline_auto", ""):
            row["deadline_auto"] = deadline_for(row["deadline_text"], meeting_day)
            row["deadline"] = row["deadline_auto"]


# --- Targets ------------------------------------------------------------------------------------------


def target_label(target: dict[str, Any]) -> str:
    """下降3%（年底前）: how a target reads in the table and in the Excel export."""
    value = target.get("value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{target.get('direction') or ''}{value}{target.get('unit') or ''}"
    if target.get("deadline"):
        text += f"（{target['deadline']}）"
    return text


# --- From a parse to rows -------------------------------------------------------------------------------


def _forms(name: str) -> list[str]:
    """How a full name may be written in the text: 廊坊市 -> 廊坊; 河北省公安厅 -> 省公安厅."""
    forms = [name]
    if len(name) >= 3 and name[-1] in "市县区":
        forms.append(name[:-1])
    for tag in "省市县区":
        at = name.find(tag)
        if 2 <= at < len(name) - 2:
            forms.append(name[at:])
            break
    return forms


def co_unit_names(text: str, names: list[str]) -> set[str]:
    """Names the item gives a supporting part: after 牵头 (由X牵头，Y配合), or next to 配合/协助.

    Every other named unit is a lead unit; the supervisor moves them as needed.
    """
    if "配合" not in text and "协助" not in text:
        return set()
    lead_end = text.find("牵头")
    co = set()
    for name in names:
        spans = [(m.start(), m.end()) for f in _forms(name) for m in re.finditer(re.escape(f), text)]
        if not spans:
            continue
        start, end = min(spans)
        near = text[max(0, start - 3) : start] + "|" + text[end : end + 3]
        if (lead_end >= 0 and start > lead_end) or re.search(r"配合|协助", near):
            co.add(name)
    return co


def rows_from_readout(
    readout: Readout, meeting_day: dt.date | None, matches: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """One draft row per parsed item. ``matches`` maps a unit name to the codes it may denote
    under the issuing unit (one: matched; several: ambiguous; none: unmatched)."""
    rows = []
    for item in readout.items:
        co_names = co_unit_names(item.text, item.units)
        lead: list[str] = []
        co: list[str] = []
        unmatched: list[str] = []
        ambiguous: list[str] = []
        for name in item.units:
            codes = matches.get(name, [])
            if len(codes) == 1:
                (co if name in co_names else lead).append(codes[0])
            elif codes:
                ambiguous.append(name)
            else:
                unmatched.append(name)
        deadline = deadline_for(item.deadline, meeting_day)
        targets = [{**t.to_dict(), "value": _plain(t.value)} for t in item.targets]
        rows.append(
            {
                "include": True,
                "title": item_title(item.text),
                "content": item.text,
                "lead": lead,
                "co": co,
                "lead_extra": "",
                "co_extra": "",
                "deadline": deadline,
                "deadline_text": item.deadline or "",
                "deadline_auto": deadline,
                "targets": targets,
                "target": "0" if len(targets) == 1 else "",
                "names": list(item.units),
                "unmatched": unmatched,
                "ambiguous": ambiguous,
            }
        )
    return rows


def _plain(value: Any) -> int | float:
    """A JSON-ready number (the parser may give a Decimal)."""
    number = float(value)
    return int(number) if number.is_integer() else number


def empty_row() -> dict[str, Any]:
    return {
        "include": True,
        "title": "",
        "content": "",
        "lead": [],
        "co": [],
        "lead_extra": "",
        "co_extra": "",
        "deadline": "",
        "deadline_text": "",
        "deadline_auto": "",
        "targets": [],
        "target": "",
        "names": [],
        "unmatched": [],
        "ambiguous": [],
    }


# --- From a posted form back to the draft ------------------------------------------------------------------

_NAME_SPLIT = re.compile(r"[、，,；;\s]+")


def split_names(value: str) -> list[str]:
    return [n for n in _NAME_SPLIT.split(value or "") if n]


def data_from_post(post: Any, old: dict[str, Any]) -> dict[str, Any]:
    """The draft as posted: raw values kept as typed, fields the form does not carry kept from ``old``.

    ``post`` is a QueryDict (``get``/``getlist``); rows are ``row-<i>-<field>``.
    """
    meeting = dict(old.get("meeting", {}))
    meeting.update(
        title=post.get("title", "").strip()[:500],
        date=post.get("date", "").strip()[:20],
        kind=post.get("kind", "").strip()[:20],
        venue=post.get("venue", "").strip()[:200],
        video=post.get("video") == "on",
        sub_venues=[c for c in post.getlist("sub_venues") if c][:500],
    )
    rows = []
    for i, old_row in enumerate(old.get("rows", [])):
        p = f"row-{i}-"
        row = dict(old_row)
        row.update(
            include=post.get(p + "include") == "on",
            title=post.get(p + "title", "").strip()[:500],
            content=post.get(p + "content", "").strip()[:20000],
            lead=[c for c in post.getlist(p + "lead") if c][:200],
            co=[c for c in post.getlist(p + "co") if c][:200],
            lead_extra=post.get(p + "lead_extra", "").strip()[:500],
            co_extra=post.get(p + "co_extra", "").strip()[:500],
            deadline=post.get(p + "deadline", "").strip()[:20],
            target=post.get(p + "target", "").strip()[:5],
        )
        rows.append(row)
    return {**old, "meeting": meeting, "rows": rows}
