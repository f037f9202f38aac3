"""What the wizard is given: bad files and texts get a Chinese message, never a traceback;
markup in a readout is shown as text; deadlines resolve against the meeting date."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from luoshi.readouts import drafts, services
from luoshi.readouts.excel import export_draft
from luoshi.readouts.models import ReadoutDraft

from .test_wizard_flow import READOUT, draft_of


def upload(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "请粘贴会议新闻稿文本，或选择文件上传。"),
        ({"text": "   \n  "}, "请粘贴会议新闻稿文本，或选择文件上传。"),
        ({"text": "会" * (6 * 1024 * 1024 // 3)}, "文本超过 5 MB"),
        ({"text": "今天天气很好，我们去公园散步。"}, "文本中未识别到会议部署事项。"),
        (
            {"file": upload("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)},
            "文件不是文本文件",
        ),
        (
            {"file": upload("a.docx", "会议强调，要加强监管。".encode())},
            "文件不是有效的 Word 文档（.docx）。",
        ),
        ({"file": upload("a.docx", b"PK\x03\x04broken")}, "文件不是有效的 Word 文档（.docx）。"),
        ({"file": upload("a.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)}, "无法读取旧版 Word 文件（.doc）"),
        ({"file": upload("a.pdf", b"%PDF-1.4")}, "只能导入 .txt 或 .docx 文件。"),
        ({"file": upload("a.txt", b"x" * (6 * 1024 * 1024))}, "文本超过 5 MB"),
    ],
    ids=[
        "empty",
        "blank",
        "6MB-text",
        "not-a-readout",
        "binary",
        "docx-not-zip",
        "docx-broken",
        "doc",
        "pdf",
        "6MB-file",
    ],
)
def test_bad_input_gets_a_chinese_message(tree, login, data, message):
    client = login(tree.user("province", "supervisor"))
    response = client.post(reverse("readouts:start"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Traceback" not in page
    assert ReadoutDraft.objects.count() == 0


def test_a_zip_without_a_document_is_not_a_docx(tree):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(services.DomainError) as err:
        drafts.read_upload("a.docx", buf.getvalue())
    assert err.value.code == "bad_docx"


def test_markup_in_the_readout_is_shown_as_text(tree, login):
    client = login(tree.user("province", "supervisor"))
    text = READOUT.replace("加快老旧小区改造", "加快<script>alert(1)</script><b>老旧小区</b>改造")
    draft = draft_of(client.post(reverse("readouts:start"), {"text": text}))
    page = client.get(reverse("readouts:draft", args=[draft.pk])).content.decode()
    assert "<script>alert(1)" not in page and "<b>老旧小区" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("phrase", "meeting", "expected"),
    [
        ("上半年", dt.date(2026, 3, 2), "2026-06-30"),
        ("二季度", dt.date(2026, 3, 2), "2026-06-30"),
        ("年底前", dt.date(2026, 3, 2), "2026-12-31"),
        ("6月底前", dt.date(2026, 3, 2), "2026-06-30"),
        ("9月15日前", dt.date(2026, 3, 2), "2026-09-15"),
        ("3月底前", dt.date(2025, 11, 20), "2026-03-31"),  # said in November: next year
        ("30日内", dt.date(2026, 3, 2), "2026-04-01"),
        ("10个工作日内", dt.date(2026, 3, 2), ""),  # needs the calendar: left for the officer
        (None, dt.date(2026, 3, 2), ""),
    ],
)
def test_deadlines_resolve_against_the_meeting_date(phrase, meeting, expected):
    assert drafts.deadline_for(phrase, meeting) == expected


def test_the_meeting_date_takes_the_current_year(tree):
    draft = services.draft_create(
        actor=tree.user("province", "supervisor"), text=READOUT, today=dt.date(2027, 1, 9)
    )
    assert draft.data["meeting"]["date"] == "2027-03-02"
    assert [r["deadline"] for r in draft.data["rows"]] == ["2027-12-31", "2027-06-30", "2027-06-30"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("一要狠抓项目建设，确保上半年完成投资1200亿元以上。", "狠抓项目建设"),
        ("廊坊要加强监管，确保年底前事故起数下降10%以上。", "加强监管"),
        ("会议强调，要坚持稳中求进工作总基调。", "坚持稳中求进工作总基调"),
        ("第三，" + "加" * 60 + "。", "加" * 39 + "…"),
    ],
)
def test_item_titles_are_short(text, title):
    assert drafts.item_title(text) == title


def test_the_excel_export_has_the_columns_and_neutralises_formulas(tree):
    actor = tree.user("province", "supervisor")
    draft = services.draft_create(actor=actor, text=READOUT)
    draft.data["rows"][0]["content"] = '=HYPERLINK("http://x")'
    draft.data["rows"][2]["include"] = False
    draft.save()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export_draft(draft))).get_sheet_by_index(0).to_python()
    assert sheet[1] == ["序号", "任务内容", "牵头单位", "配合单位", "完成时限", "目标"]
    assert len(sheet) == 4  # title, header, two included rows
    assert sheet[2][1] == '\'=HYPERLINK("http://x")'
    assert sheet[2][2] == "石家庄市、定州市" and sheet[2][5] == "达到1200个（年底前）"
    assert sheet[3][2:4] == ["石家庄市", "保定市"]
