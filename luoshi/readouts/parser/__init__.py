"""The readout parser: meeting readouts (会议新闻稿) in, draft task items out.

Pure Python, no Django. Public API:

    parse(text, gazetteer=None) -> Readout     the whole pipeline
    decode(data: bytes) -> str                 file bytes to text, ReadoutError if binary
    parse_bytes(data, gazetteer=None)          decode + parse
    Gazetteer                                  unit names; Gazetteer.default() is shared
    resolve_deadline(text, meeting_date)       上半年 -> date(y, 6, 30)
    Readout, Item, Target, Meeting             the result dataclasses (`to_dict()` = JSON)
"""

from __future__ import annotations

from .deadlines import resolve_deadline
from .errors import ReadoutError
from .gazetteer import Gazetteer, Place
from .model import Item, Meeting, Readout, Target
from .normalize import decode
from .pipeline import parse


def parse_bytes(data: bytes, gazetteer: Gazetteer | None = None) -> Readout:
    """Decode file contents and parse them; raises ReadoutError for binary data."""
    return parse(decode(data), gazetteer)


__all__ = [
    "Gazetteer",
    "Item",
    "Meeting",
    "Place",
    "Readout",
    "ReadoutError",
    "Target",
    "decode",
    "parse",
    "parse_bytes",
    "resolve_deadline",
]
