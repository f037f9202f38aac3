"""Meeting metadata (date, place, video) and the geographic context of each article.

Metadata comes from the first article only: a file that carries a second report (the
city's follow-up meeting) still describes the first meeting.

- Date: the X月X日 of the sentence that says the meeting was held (召开/举行), else the
  dateline's date, else a 发布时间 line, else the first X月X日 at all.
- Place: 在X召开/举行, with X resolved by the gazetteer (石家庄 -> 石家庄市; 在京 -> 北京市).
- Video: 视频会议, 电视电话会议, 视频调度, 分会场 …

Context: the meeting's province is the one most mentioned (place names vote for their
province; the place of the meeting counts triple); the article's own unit (for 我市 and 市
in 市科技局) is found when the article is a city's or county's own meeting (市委常委会,
全市… more often than 全省…), as the most mentioned unit of that level.
"""

from __future__ import annotations

import re
from collections import Counter

from .gazetteer import FULL, Gazetteer, Place

_DATE = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})日")
_HELD = re.compile(r"召开|举行|开幕|闭幕|召集|在[\u4e00-\u9fff]{2,10}(?:开|举办)")
_DATELINE_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日(?:讯|电)")
_PLACE = re.compile(r"在([\u4e00-\u9fff]{1,14}?)(?:隆重|胜利|顺利)?(?:召开|举行|开幕|闭幕|举办)")
_VIDEO = re.compile(r"视频会议|电视电话会议|视频调度|视频连线|网络视频|视频形式|分会场|视频会商|视频方式")
_ONE_CHAR_CITIES = {
    "京": "北京",
    "沪": "上海",
    "津": "天津",
    "渝": "重庆",
    "蓉": "成都",
    "穗": "广州",
    "榕": "福州",
    "邕": "南宁",
    "筑": "贵阳",
}
_OWN_MEETING = re.compile(
    r"(省|市|县|区|州|盟|旗)(?:委常委会|委常委|政府常务会议|政府常务会|委全会|委全体会议|政府全体会议|委理论学习中心组|委财经委员会|委深改委)"
)
_WHOLE = re.compile(r"全(省|市|县|区|州)")
_LEVEL_OF = {
    "省": "province",
    "市": "city",
    "州": "city",
    "盟": "city",
    "县": "county",
    "区": "county",
    "旗": "county",
}


def meeting_date(text: str, published: str | None) -> str | None:
    sentences = re.split(r"[。！？\n]", text)
    for sentence in sentences:
        if _HELD.search(sentence) and (m := _DATE.search(sentence)):
            return _mmdd(m)
    if m := _DATELINE_DATE.search(text):
        return _mmdd(m)
    if published:
        return published
    if m := _DATE.search(text):
        return _mmdd(m)
    return None


def _mmdd(m: re.Match[str]) -> str | None:
    month, day = int(m.group(1)), int(m.group(2))
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{month:02d}-{day:02d}"
    return None


def meeting_place(text: str, gazetteer: Gazetteer, province: str | None) -> Place | None:
    for m in _PLACE.finditer(text):
        venue = m.group(1)
        if venue in _ONE_CHAR_CITIES:
            venue = _ONE_CHAR_CITIES[venue]
        mention = gazetteer.match_at(venue, 0)
        if mention is None:
            continue
        place = gazetteer.choose(mention.keys, province=province)
        if place is not None and place.level in ("province", "city", "county", "other"):
            return place
    return None


def is_video(text: str) -> bool:
    return bool(_VIDEO.search(text))


def mention_weights(text: str, gazetteer: Gazetteer) -> dict[str, float]:
    """Place key -> how strongly the text mentions it (ambiguous forms share their weight)."""
    weights: Counter[str] = Counter()
    for mention in gazetteer.scan(text):
        places = [gazetteer.place(k) for k in mention.keys]
        places = [p for p in places if p.level != "township"]
        if not places:
            continue
        base = 1.0 if mention.kind == FULL or len(mention.surface) > 2 else 0.6
        for place in places:
            weights[place.key] += base / len(places)
    return dict(weights)


def province_votes(weights: dict[str, float], gazetteer: Gazetteer) -> Counter[str]:
    votes: Counter[str] = Counter()
    for key, weight in weights.items():
        place = gazetteer.get(key)
        if place is None:
            continue
        province = place.key if place.level == "province" else place.province
        if province:
            votes[province] += weight
    return votes


def meeting_province(text: str, gazetteer: Gazetteer, weights: dict[str, float]) -> str | None:
    votes = province_votes(weights, gazetteer)
    # The place of the meeting is strong evidence: count it three more times.
    for m in _PLACE.finditer(text[:3000]):
        mention = gazetteer.match_at(m.group(1), 0)
        if mention is not None:
            for key in mention.keys:
                place = gazetteer.place(key)
                province = place.key if place.level == "province" else place.province
                if province:
                    votes[province] += 3 / len(mention.keys)
            break
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def article_level(text: str) -> str | None:
    """Whose own meeting the article reports: province, city or county (None if unclear)."""
    if m := _OWN_MEETING.search(text[:400]):
        return _LEVEL_OF[m.group(1)]
    counts = Counter(_LEVEL_OF[m.group(1)] for m in _WHOLE.finditer(text))
    if not counts:
        return None
    level, n = counts.most_common(1)[0]
    return level if n >= 2 else None


def article_hosts(
    text: str, gazetteer: Gazetteer, weights: dict[str, float], province: str | None
) -> dict[str, Place]:
    """The article's own unit by level, when it is a city's or county's own meeting."""
    level = article_level(text)
    hosts: dict[str, Place] = {}
    if level not in ("city", "county"):
        return hosts
    newspaper = re.search(r"([\u4e00-\u9fff]{2,6}?)(?:日报|晚报|新闻网|融媒体中心|发布)", text[:600])
    boosted = dict(weights)
    if newspaper:
        mention = gazetteer.match_at(newspaper.group(1), 0)
        if mention is not None:
            for key in mention.keys:
                boosted[key] = boosted.get(key, 0) + 2
    candidates = [
        (w, gazetteer.place(k))
        for k, w in boosted.items()
        if gazetteer.get(k) is not None and gazetteer.place(k).level == level
    ]
    if province:
        candidates = [(w, p) for w, p in candidates if p.province == province] or candidates
    if candidates:
        candidates.sort(key=lambda c: c[0], reverse=True)
        hosts[level] = candidates[0][1]
    return hosts
