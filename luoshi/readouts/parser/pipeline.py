"""`parse()`: text in, `Readout` out. The order of the steps is the whole design:

clean (normalize.py) -> split into articles (segment.py) -> meeting metadata from the
first article and the meeting's province from the whole text (metadata.py) -> per
article: context (mentions, own unit) and items (items.py, assignees.py, targets.py).
"""

from __future__ import annotations

import re

from .assignees import Context
from .gazetteer import Gazetteer
from .items import article_items
from .metadata import (
    article_hosts,
    is_video,
    meeting_date,
    meeting_place,
    meeting_province,
    mention_weights,
)
from .model import Meeting, Readout
from .normalize import MAX_CHARS, clean
from .segment import split_articles

NOTE_EMPTY = "文本为空"
NOTE_NOT_READOUT = "文本不像会议新闻稿，未识别到会议部署事项"
NOTE_NO_ITEMS = "未识别到会议部署事项"
NOTE_TRUNCATED = f"文本过长，仅解析前{MAX_CHARS // 10000}万字"
NOTE_ARTICLES = "文本含{n}篇报道，会议信息取自第一篇"

# Words that any meeting readout uses; a text with none of them is something else.
_MEETING_WORDS = re.compile(
    r"会议|会上|强调|指出|部署|召开|举行|讲话|常委会|调度会|座谈会|动员会|推进会|专题会"
)


def parse(text: str, gazetteer: Gazetteer | None = None) -> Readout:
    """Parse a readout text (any script, any layout) into meeting metadata and items."""
    gaz = gazetteer or Gazetteer.default()
    if not text or not text.strip():
        return Readout(notes=[NOTE_EMPTY, NOTE_NO_ITEMS])
    cleaned = clean(text)
    notes: list[str] = []
    if cleaned.truncated:
        notes.append(NOTE_TRUNCATED)
    if not cleaned.text.strip():
        return Readout(notes=[*notes, NOTE_EMPTY, NOTE_NO_ITEMS])
    if not _MEETING_WORDS.search(cleaned.text):
        return Readout(notes=[*notes, NOTE_NOT_READOUT])

    articles = split_articles(cleaned.text)
    whole_weights = mention_weights(cleaned.text, gaz)
    province = meeting_province(cleaned.text, gaz, whole_weights)

    first = articles[0].text if articles else cleaned.text
    place = meeting_place(first, gaz, province)
    meeting = Meeting(date=meeting_date(first, cleaned.published), place=place.name if place else None)
    meeting.video = is_video(first)
    if len(articles) > 1:
        notes.append(NOTE_ARTICLES.format(n=len(articles)))

    items = []
    for article in articles:
        text_of_article = article.text
        weights = mention_weights(text_of_article, gaz)
        ctx = Context(
            gazetteer=gaz,
            province=province,
            mentioned=weights,
            hosts=article_hosts(text_of_article, gaz, weights, province),
        )
        items.extend(article_items(article, ctx))
    if not items:
        notes.append(NOTE_NO_ITEMS)
    return Readout(meeting=meeting, items=items, notes=notes)
