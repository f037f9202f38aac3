"""From bytes or raw text to clean simplified paragraphs.

Readouts arrive as copies of web pages and WeChat posts: simplified or traditional script,
full-width or ASCII punctuation, lines broken in mid-sentence, account names, QR-code
prompts, "来源：" lines and photo captions that repeat the lead sentence. The steps are:

1. `decode`: bytes -> str (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK), refusing
   binary data with a `ReadoutError`.
2. `clean`: OpenCC t2s, width and punctuation folding, boilerplate and caption removal,
   re-joining of broken lines, and dropping sentences repeated by captions.

Everything downstream works on the cleaned paragraphs, one per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .errors import ReadoutError

MSG_BINARY = "文件不是文本文件"
MSG_ENCODING = "无法识别的文件编码（支持 UTF-8、GBK/GB18030）"

# Texts longer than this are cut: a readout is a few thousand characters, and a multi-MB
# paste is a mistake that must not keep the parser busy for minutes.
MAX_CHARS = 200_000

# The most frequent Chinese characters; used only to tell a correct decoding from mojibake.
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府"
)


def decode(data: bytes) -> str:
    """Decode file contents to text, or raise ReadoutError with a Chinese message.

    UTF-8 (with or without BOM) is tried first because it almost never decodes wrongly;
    GB18030 (a superset of GBK and GB2312) second; Big5 last, kept only when it reads as
    Chinese better than GB18030 does. NUL bytes without a UTF-16 BOM mean binary data.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ReadoutError(MSG_ENCODING) from exc
    if b"\x00" in data[:65536]:
        raise ReadoutError(MSG_BINARY)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = ""
        if exc.start >= len(data) - 3:  # a file cut inside its last character
            text = data[: exc.start].decode("utf-8-sig")
    if not text and data.strip(b"\xef\xbb\xbf \r\n\t"):
        candidates = []
        for encoding in ("gb18030", "big5"):
            try:
                decoded = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            candidates.append((_chinese_score(decoded), decoded))
        if not candidates:
            raise ReadoutError(MSG_ENCODING) from None
        text = max(candidates, key=lambda c: c[0])[1]
    if _looks_binary(text):
        raise ReadoutError(MSG_BINARY)
    return text


def _chinese_score(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return sum(1 for ch in sample if ch in _COMMON) / len(sample)


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return controls / len(sample) > 0.02


@cache
def _t2s():
    import opencc  # imported lazily: decoding alone should not pay for the dictionary

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Clean paragraphs (one per line) plus what boilerplate told us before it was dropped."""

    text: str
    published: str | None  # "MM-DD" from a 发布时间 line, if any
    truncated: bool = False


# Full-width ASCII (digits, letters, ％, ＋) to half-width; ideographic space to space.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}
_WIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})
_WIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})
_WIDTH.update({0xFF05: "%", 0xFF0B: "+", 0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x200B: ""})
_WIDTH.update({0xFEFF: "", 0x2028: "\n", 0x2029: "\n", 0x300C: "“", 0x300D: "”", 0x300E: "‘", 0x300F: "’"})

_CJK = r"\u4e00-\u9fff"
_ASCII_PUNCT = [
    (re.compile(r"(?<!\d),|,(?!\d)"), "，"),
    (re.compile(r";"), "；"),
    (re.compile(r"(?<!\d):|:(?!\d)"), "："),
    (re.compile(r"!"), "！"),
    (re.compile(r"\?"), "？"),
    (re.compile(r"\("), "（"),
    (re.compile(r"\)"), "）"),
    (re.compile(r"(?<=\d)[．](?=\d)"), "."),
    (re.compile(r"(?<=\d),(?=\d{3})"), ""),
]
_SPACES = re.compile(r"[ \t\f\v]+")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。；：、“”（）]) (?=[{_CJK}，。；：、“”（）])")

_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|发表时间|时间)[：:]?\s*(?:(?:19|20)\d{2}[-/.年])?(\d{1,2})[-/.月](\d{1,2})"
)

# Lines that are page furniture, not text (matched on short lines only).
_BOILERPLATE_LINE = re.compile(
    r"^(?:微信号|功能介绍|来源|稿源|责任编辑|责编|编辑|审核|审校|校对|作者|原标题|发布时间|发布日期|"
    r"浏览次数|阅读量|阅读原文|点击|字号|打印|关闭|分享|扫一扫|微信扫一扫|长按|转载|版权|预览时|"
    r"继续滑动|轻触|前往|已发送|发送中|写留言|留言|喜欢此内容|视频小程序|收藏|点赞|在看|【打印】|【关闭】)"
)
_BOILERPLATE_ANY = re.compile(
    r"长按(?:识别)?(?:二维码|图片|指纹)|关注(?:我们|该公众号|公众号)|阅读原文|朋友在看|看一看|微信扫一扫|"
    r"扫码关注|点击(?:上方|下方|蓝字)|分享到|责任编辑|本文来源|喜欢此内容|继续滑动看下一个"
)
_TIME_ONLY = re.compile(r"^[\d:：./\- 年月日]+$")
# Inline tails of a last paragraph: "来源：河北省人民政府长按二维码关注我们获得更多精彩内容！"
_INLINE_TAIL = re.compile(r"(?:来源|稿源|责任编辑|编辑|审核)[：:][^。！？\n]{0,80}$")
_INLINE_QR = re.compile(r"长按(?:识别)?(?:二维码|图片)[^。！？\n]{0,40}[。！]?")
# Photo captions: "这是会议现场。" / "图为…。" / "河北日报记者赵威摄" / "（新华社记者 张三 摄）".
_CAPTION_PARTS = [
    re.compile(r"这是[^。！？\n]{0,20}?(?:现场|会场|场景|情景|画面)[。！]?"),
    re.compile(r"(?:^|(?<=[。！？]))图为[^。！？\n]{0,60}[。！]?"),
    re.compile(r"（[^（）\n]{0,30}摄）"),
    re.compile(rf"[{_CJK}]{{0,16}}记者[{_CJK}·、 ]{{2,16}}摄(?:影)?(?=$|[\s。])"),
    re.compile(r"(?:（|\b)?(?:图片|照片)?(?:来源|摄影)[：:][^。\n]{0,20}$"),
]

_TERMINAL = "。！？；：”’）…」"
_BULLET_START = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d+[.、．])")


def clean(text: str) -> Cleaned:
    """Normalize raw readout text to clean simplified paragraphs, one per line."""
    truncated = len(text) > MAX_CHARS
    if truncated:
        text = text[:MAX_CHARS]
    text = to_simplified(text.translate(_WIDTH))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for pattern, replacement in _ASCII_PUNCT:
        text = pattern.sub(replacement, text)
    text = _straight_quotes(text)

    published = None
    lines: list[str] = []
    skip_next = False
    for raw in text.split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        line = _SPACE_BETWEEN_CJK.sub("", line)
        if not line:
            lines.append("")
            continue
        if skip_next:
            skip_next = False
            if len(line) < 40:
                continue
        if published is None and (m := _PUBLISHED.search(line)) and len(line) < 60:
            published = f"{int(m.group(1)):02d}-{int(m.group(2)):02d}"
        if line.startswith(("来源", "稿源")) and len(line) < 60:
            continue
        # Tails glued to the last sentence go first, so the sentence itself survives.
        line = _INLINE_QR.sub("", line)
        line = _INLINE_TAIL.sub("", line).strip()
        if not line:
            continue
        if len(line) < 60 and (_BOILERPLATE_LINE.match(line) or _BOILERPLATE_ANY.search(line)):
            # An account name or slogan follows "微信号"/"功能介绍" on its own line.
            skip_next = line in ("微信号", "功能介绍")
            continue
        if _TIME_ONLY.match(line):
            continue
        for pattern in _CAPTION_PARTS:
            line = pattern.sub("", line)
        lines.append(line.strip())
    paragraphs = _join_broken_lines(lines)
    paragraphs = _drop_repeated_sentences(paragraphs)
    return Cleaned(text="\n".join(paragraphs), published=published, truncated=truncated)


def _straight_quotes(text: str) -> str:
    """Turn ASCII double quotes into Chinese ones, alternating open/close per line."""
    if '"' not in text:
        return text
    out = []
    for line in text.split("\n"):
        parts = line.split('"')
        rebuilt = parts[0]
        for i, part in enumerate(parts[1:]):
            rebuilt += ("“" if i % 2 == 0 else "”") + part
        out.append(rebuilt)
    return "\n".join(out)


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join paragraphs split inside a sentence, across blank lines too.

    A line continues on the next non-blank line when it does not end a sentence and looks
    like running text (it has inner punctuation or is long) rather than a title, and the
    next line does not start a list item.
    """
    paragraphs: list[str] = []
    pending = ""
    for line in lines:
        if not line:
            continue
        if pending and not _BULLET_START.match(line):
            pending += line
        else:
            if pending:
                paragraphs.append(pending)
            pending = line
        if _continues(pending):
            continue
        paragraphs.append(pending)
        pending = ""
    if pending:
        paragraphs.append(pending)
    return paragraphs


def _continues(line: str) -> bool:
    last = line[-1]
    if last in _TERMINAL:
        return False
    if last in "，、":
        return True
    has_inner_punct = any(p in line for p in "，。；")
    return has_inner_punct and len(line) >= 12


_SENTENCE = re.compile(r"[^。！？]+[。！？]?")


def _drop_repeated_sentences(paragraphs: list[str]) -> list[str]:
    """Drop sentences already seen (captions repeat the lead), and paragraphs left empty."""
    seen: set[str] = set()
    out = []
    for para in paragraphs:
        kept = []
        for sentence in _SENTENCE.findall(para):
            key = sentence.strip()
            if len(key) >= 12:
                if key in seen:
                    continue
                seen.add(key)
            kept.append(sentence)
        joined = "".join(kept).strip()
        if joined:
            out.append(joined)
    return out
