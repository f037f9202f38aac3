"""A supervision notice as a PDF laid out like an official notice (红头): the issuing office's
name in red, the number (督办〔2026〕12号) right-aligned above a red rule, the title, the
addressee, the body (task, problem found, required action, reply deadline), the issuer and
date, and a seal placeholder.

Fonts: a CJK TrueType font embedded (subset) when one is installed — WenQuanYi Micro Hei,
which ``./setup.sh`` installs (Debian fonts-wqy-microhei), or the file named by
LUOSHI_PDF_FONT — so the PDF shows the same everywhere and its text can be extracted. Without
one, reportlab's built-in STSong-Light CID font (no file needed; viewers supply the glyphs).
"""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import HRFlowable

from .models import Notice

RED = colors.HexColor("#C8102E")
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@cache
def font_name() -> str:
    """Register a CJK font once and return its name."""
    from reportlab.pdfbase.ttfonts import TTFont

    candidates = [os.environ.get("LUOSHI_PDF_FONT", ""), *FONT_CANDIDATES]
    for path in candidates:
        if path and Path(path).exists():
            try:
                kwargs = {"subfontIndex": 0} if path.endswith(".ttc") else {}
                pdfmetrics.registerFont(TTFont("LuoshiCJK", path, **kwargs))
                return "LuoshiCJK"
            except Exception:  # not a TrueType outline font (e.g. CFF): try the next
                continue
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


class Seal(Flowable):
    """A round red seal outline with the office's name: where the real seal is stamped."""

    def __init__(self, text: str, size: float = 36 * mm):
        super().__init__()
        self.text = text
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        c = self.canv
        r = self.size / 2
        c.saveState()
        c.setStrokeColor(RED)
        c.setFillColor(RED)
        c.setLineWidth(2)
        c.circle(r, r, r - 2, stroke=1, fill=0)
        c.setFont(font_name(), 9)
        c.drawCentredString(r, r + 4, "★")
        c.drawCentredString(r, r - 10, self.text[:12])
        c.drawCentredString(r, r - 22, "（印章）")
        c.restoreState()


def _chinese_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def render_notice(notice: Notice) -> bytes:
    """The notice as PDF bytes."""
    font = font_name()
    office = f"{notice.issuer.name}督查室"
    base = ParagraphStyle("body", fontName=font, fontSize=14, leading=26, wordWrap="CJK", alignment=TA_LEFT)
    styles = {
        "red": ParagraphStyle(
            "red", parent=base, fontSize=26, leading=34, textColor=RED, alignment=TA_CENTER
        ),
        "number": ParagraphStyle("number", parent=base, fontSize=14, alignment=TA_RIGHT),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER),
        "body": ParagraphStyle("indent", parent=base, firstLineIndent=28),
        "to": base,
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_RIGHT),
    }
    task = notice.assignment.task

    def para(text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), styles[style])

    story = [
        para(office, "red"),
        Spacer(1, 4 * mm),
        para(notice.code, "number"),
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=2, spaceAfter=8 * mm),
        para("督办通知单", "title"),
        Spacer(1, 6 * mm),
        para(f"{notice.unit.name}：", "to"),
        para(f"督办事项：{task.title}（{task.source.title}）"),
    ]
    if notice.assignment.deadline:
        story.append(
            para(
                f"完成时限：{_chinese_date(notice.assignment.deadline)}；当前进度：{notice.assignment.progress}%。"
            )
        )
    story += [
        para(f"发现问题：{notice.problem}"),
        para(f"整改要求：{notice.action}"),
        para(
            f"请于{_chinese_date(notice.reply_by)}前将办理情况反馈{office}。"
            "逾期未反馈的，将按有关规定予以通报。"
        ),
        Spacer(1, 12 * mm),
        para(office, "sign"),
        para(_chinese_date(notice.issued_at.date()), "sign"),
    ]
    seal = Seal(office)
    seal.hAlign = "RIGHT"
    story.append(seal)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"{notice.code} {task.title}",
        author=office,
        subject="督办通知单",
    )
    doc.build(story)
    return buffer.getvalue()
