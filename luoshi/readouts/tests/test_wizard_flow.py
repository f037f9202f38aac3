"""The import wizard end to end: paste or upload, edit the draft table, confirm into tasks."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from luoshi.readouts.models import DraftStatus, ReadoutDraft
from luoshi.tasks.models import Assignment, Source, Task

from .conftest import readouts_dir

READOUT = """全省城市更新工作推进会召开
河北新闻网3月2日讯 3月2日，全省城市更新工作推进会在石家庄召开。会议以视频会议形式召开，各市设分会场。
会议强调，一要加快老旧小区改造，石家庄市、定州市要年底前完成改造任务1200个。二要抓好城市排水防涝，由石家庄市牵头，保定市配合，6月底前完成隐患排查。三要加强燃气安全管理，雄安新区要上半年完成老旧管网改造。
"""


def start(client, **data):
    return client.post(reverse("readouts:start"), data)


def draft_of(response) -> ReadoutDraft:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ReadoutDraft.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


def form_of(draft: ReadoutDraft, **overrides) -> dict:
    """What the browser posts back for the draft as it stands (checkboxes only when checked)."""
    meeting = draft.data["meeting"]
    data = {
        "title": meeting["title"],
        "date": meeting["date"],
        "kind": meeting["kind"],
        "venue": meeting["venue"],
        "sub_venues": meeting["sub_venues"],
    }
    if meeting["video"]:
        data["video"] = "on"
    for i, row in enumerate(draft.data["rows"]):
        p = f"row-{i}-"
        if row["include"]:
            data[p + "include"] = "on"
        data.update(
            {
                p + "title": row["title"],
                p + "content": row["content"],
                p + "lead": row["lead"],
                p + "co": row["co"],
                p + "lead_extra": row["lead_extra"],
                p + "co_extra": row["co_extra"],
                p + "deadline": row["deadline"],
                p + "target": row["target"],
            }
        )
    data.update(overrides)
    return data


def test_a_province_supervisor_turns_a_readout_into_assigned_tasks(tree, login):
    client = login(tree.user("province", "supervisor"))
    draft = draft_of(start(client, text=READOUT))
    assert draft.issuer == tree.province and draft.status == DraftStatus.OPEN
    meeting = draft.data["meeting"]
    assert meeting["title"] == "全省城市更新工作推进会召开"
    assert meeting["date"].endswith("-03-02") and meeting["video"] is True
    assert set(meeting["sub_venues"]) == {"130100000000", "130600000000", "130682000000", "133100000000"}
    rows = draft.data["rows"]
    assert [r["lead"] for r in rows] == [["130100000000", "130682000000"], ["130100000000"], ["133100000000"]]
    assert rows[1]["co"] == ["130600000000"]
    year = int(meeting["date"][:4])
    assert [r["deadline"] for r in rows] == [f"{year}-12-31", f"{year}-06-30", f"{year}-06-30"]

    page = client.get(reverse("readouts:draft", args=[draft.pk]))
    assert page.status_code == 200 and "加快老旧小区改造" in page.content.decode()

    response = client.post(reverse("readouts:draft", args=[draft.pk]), form_of(draft, action="confirm"))
    assert response.status_code == 302
    source = Source.objects.get()
    assert response["Location"] == reverse("tasks:source_detail", args=[source.pk])
    assert source.issuer == tree.province and source.text == READOUT and source.date.month == 3
    assert set(source.sub_venues.values_list("code", flat=True)) == set(meeting["sub_venues"])
    tasks = list(Task.objects.filter(source=source).order_by("seq"))
    assert [t.seq for t in tasks] == [1, 2, 3]
    assert tasks[0].title == "加快老旧小区改造" and tasks[0].target_value == 1200
    assert sorted(a.unit.name for a in tasks[0].assignments.all()) == ["定州市", "石家庄市"]
    roles = {a.unit.name: a.role for a in tasks[1].assignments.all()}
    assert roles == {"石家庄市": "lead", "保定市": "co"}
    assert tasks[2].deadline == dt.date(year, 6, 30)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.CONFIRMED and draft.source == source


def test_a_shared_example_readout_goes_through_the_wizard(tree, login):
    folder = readouts_dir()
    if folder is None or not any(folder.glob("*.txt")):
        pytest.skip("shared/readouts not found (set LUOSHI_READOUTS_DIR to the folder of example readouts)")
    path = folder / "hebei_2020-05-31_lianghui.txt"
    client = login(tree.user("province", "supervisor"))
    with open(path, "rb") as f:
        draft = draft_of(client.post(reverse("readouts:start"), {"file": f}))
    assert draft.filename == path.name and len(draft.data["rows"]) >= 5
    assert draft.data["meeting"]["date"].endswith("-05-31")
    page = client.get(reverse("readouts:draft", args=[draft.pk])).content.decode()
    assert "河北省传达学习贯彻全国“两会”精神领导干部会议举行" in page
    # Units the readout names that the tree fixture lacks are flagged, and a row without a lead
    # unit stops the confirmation with a message next to its picker.
    response = client.post(reverse("readouts:draft", args=[draft.pk]), form_of(draft, action="confirm"))
    draft.refresh_from_db()
    if any(r["include"] and not r["lead"] for r in draft.data["rows"]):
        assert response.status_code == 200 and "请至少选择一个牵头单位" in response.content.decode()
        assert Source.objects.count() == 0
    # Keep the rows with units (or give the rest one) and confirm.
    data = form_of(draft, action="confirm")
    for i, row in enumerate(draft.data["rows"]):
        if not row["lead"]:
            data[f"row-{i}-lead"] = [tree.city.code]
    response = client.post(reverse("readouts:draft", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    source = Source.objects.get()
    assert source.tasks.count() == len(draft.data["rows"])
    assert Assignment.objects.filter(task__source=source).count() >= len(draft.data["rows"])


def docx(*paragraphs: str) -> bytes:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def test_a_docx_upload_is_read_paragraph_by_paragraph(tree, login):
    client = login(tree.user("province", "supervisor"))
    upload = io.BytesIO(docx(*READOUT.strip().split("\n")))
    upload.name = "会议.docx"
    draft = draft_of(client.post(reverse("readouts:start"), {"file": upload}))
    assert draft.text.split("\n")[0] == "全省城市更新工作推进会召开"
    assert len(draft.data["rows"]) == 3


def test_a_gbk_text_file_is_decoded(tree, login):
    client = login(tree.user("province", "supervisor"))
    upload = io.BytesIO(READOUT.encode("gbk"))
    upload.name = "readout.txt"
    draft = draft_of(client.post(reverse("readouts:start"), {"file": upload}))
    assert draft.data["rows"][0]["lead"] == ["130100000000", "130682000000"]


def test_a_draft_survives_a_validation_error_and_can_be_exported(tree, login):
    client = login(tree.user("province", "supervisor"))
    draft = draft_of(start(client, text=READOUT))
    data = form_of(
        draft,
        action="confirm",
        title="",
        **{"row-0-title": "改造老旧小区（修改）", "row-2-deadline": "2000-01-01"},
    )
    response = client.post(reverse("readouts:draft", args=[draft.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and Source.objects.count() == 0
    assert "标题不能为空" in page and "完成时限早于会议日期" in page
    draft.refresh_from_db()
    assert draft.data["rows"][0]["title"] == "改造老旧小区（修改）"  # kept although the form was refused
    assert draft.data["rows"][2]["deadline"] == "2000-01-01"
    response = client.post(reverse("readouts:draft", args=[draft.pk]), form_of(draft, action="export"))
    assert response.status_code == 302
    xlsx = client.get(response["Location"])
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_changed_meeting_year_moves_the_deadlines_nobody_edited(tree, login):
    client = login(tree.user("province", "supervisor"))
    draft = draft_of(start(client, text=READOUT))
    data = form_of(draft, action="save", date="2025-03-02", **{"row-1-deadline": "2026-05-15"})
    assert client.post(reverse("readouts:draft", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert [r["deadline"] for r in draft.data["rows"]] == ["2025-12-31", "2026-05-15", "2025-06-30"]


def test_excluded_items_and_an_added_item(tree, login):
    client = login(tree.user("province", "supervisor"))
    draft = draft_of(start(client, text=READOUT))
    response = client.post(reverse("readouts:draft", args=[draft.pk]), form_of(draft, action="add_row"))
    assert response.status_code == 302 and response["Location"].endswith("#row-3")
    draft.refresh_from_db()
    data = form_of(draft, action="confirm")
    del data["row-0-include"]
    data.update({"row-3-title": "建立城市体检制度", "row-3-lead_extra": "保定市", "row-3-deadline": ""})
    response = client.post(reverse("readouts:draft", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    titles = list(Task.objects.order_by("seq").values_list("title", "seq"))
    assert titles == [("抓好城市排水防涝", 1), ("加强燃气安全管理", 2), ("建立城市体检制度", 3)]
    assert Task.objects.get(seq=3).assignments.get().unit == tree.baoding
