"""Excel in and out: round-trip fidelity, refusals with nothing saved, formula injection,
the error report."""

import io
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from luoshi.core.exceptions import DomainError
from luoshi.ledgers import excel, exports, services
from luoshi.ledgers.models import LedgerRow, LedgerUpload, RowStatus

ROW = {
    "no": "000123",
    "head": "王秀英（女）",
    "id_number": "11010519491231002X",
    "registered": "2026-01-05",
    "amount": "12345.6789",
    "people": 4,
    "stable": True,
    "phone": "0311-86012345",
    "village": "130102001001",
    "kind": "乙",
}


def _download(user, ledger, unit, period=""):
    out = io.BytesIO()
    exports.write_unit_workbook(out, user=user, ledger=ledger, unit=unit, period=period)
    return out.getvalue()


def _sheet(data, index=0):
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index).to_python()


def _filled(ledger, unit, rows, *, version=None, stamp=None):
    """A workbook as a person returns it: the template's stamp, these rows (cells as typed)."""
    template = ledger.current
    specs = [c.spec() for c in template.columns.order_by("order")]
    out = io.BytesIO()
    s = services.workbook_stamp(ledger=ledger, template=template, unit=unit, period="")
    if version is not None:
        s["version"] = str(version)
    s.update(stamp or {})
    excel.write_workbook(out, specs=specs, rows=([*r, ""] for r in rows), stamp=s, instructions=[])
    return out.getvalue()


def _import(tree, ledger, data, unit=None):
    unit = unit or tree.village
    return services.rows_import(
        actor=tree.user("village", "reporter"), ledger=ledger, unit=unit, data=data, filename="t.xlsx"
    )


def test_a_downloaded_workbook_round_trips_every_type_exactly(households, village_users):
    tree = village_users
    reporter = tree.user("village", "reporter")
    services.row_submit(actor=reporter, ledger=households, unit=tree.village, values=ROW)
    data = _download(reporter, households, tree.village)
    cells = _sheet(data)
    assert cells[0][:3] == ["*户编号", "*户主", "身份证号"]
    row = cells[1]
    assert row[0] == "000123"  # leading zeros kept: written as text
    assert row[1] == "王秀英（女）"
    assert row[2] == "11010519491231002X"  # final X kept
    assert str(row[3]) == "2026-01-05"  # a real date cell
    assert row[4] == 12345.6789
    assert row[5] == 4
    assert row[6] == "是"
    assert row[7] == "0311-86012345"
    assert row[8] == "建北社区"
    # Uploading it back changes nothing: every value reads back to the same canonical value.
    outcome = _import(tree, households, data)
    assert outcome.accepted, outcome.errors
    assert (outcome.upload.rows_unchanged, outcome.upload.rows_created, outcome.upload.rows_updated) == (
        1,
        0,
        0,
    )
    stored = LedgerRow.objects.get(ledger=households, status=RowStatus.CURRENT)
    assert stored.values == ROW and stored.revision == 1


def test_an_upload_adds_and_updates_by_row_key_and_keeps_every_version(households, village_users):
    tree = village_users
    first = _filled(
        households,
        tree.village,
        [["0001", "甲户", "", "2026/1/5", "1.5", 3, "否", "13812345678", "建北社区", "甲"]],
    )
    assert _import(tree, households, first).accepted
    second = _filled(
        households,
        tree.village,
        [
            ["0001", "甲户", "", "2026-01-05", 2.25, 3, "否", "13812345678", "130102001001", "甲"],
            ["0002", "乙户", "", "", "", "", "", "", "", ""],
        ],
    )
    outcome = _import(tree, households, second)
    assert outcome.accepted and (outcome.upload.rows_created, outcome.upload.rows_updated) == (1, 1)
    versions = list(LedgerRow.objects.filter(ledger=households, row_key="0001").order_by("revision"))
    assert [(v.revision, v.status, v.values["amount"]) for v in versions] == [
        (1, RowStatus.SUPERSEDED, "1.5"),
        (2, RowStatus.CURRENT, "2.25"),
    ]
    assert versions[1].supersedes_id == versions[0].pk and versions[1].entry == versions[0].entry


def test_append_mode_refuses_a_row_key_that_exists(households, village_users):
    tree = village_users
    data = _filled(households, tree.village, [["0001", "甲户", "", "", "", "", "", "", "", ""]])
    assert _import(tree, households, data).accepted
    outcome = services.rows_import(
        actor=tree.user("village", "reporter"),
        ledger=households,
        unit=tree.village,
        data=data,
        filename="t.xlsx",
        mode="append",
    )
    assert not outcome.accepted and "0001" in outcome.errors[0]


@pytest.fixture
def nothing_saved(households, village_users):
    before = LedgerRow.objects.count()
    yield
    assert LedgerRow.objects.count() == before
    assert not LedgerUpload.objects.filter(status="accepted").exists()


def test_it_refuses_a_file_that_is_not_an_xlsx(households, village_users, nothing_saved):
    for data in (b"name,id\n1,2\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, b"PK\x03\x04broken"):
        with pytest.raises(DomainError) as exc:
            _import(village_users, households, data)
        assert exc.value.code == "bad_file"
    assert not LedgerUpload.objects.exists()


def test_it_refuses_a_zip_bomb_before_parsing(households, village_users, nothing_saved):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<c>" + "0" * (50 << 20) + "</c>")
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(DomainError) as exc:
        _import(village_users, households, bomb.getvalue())
    assert "too large to read safely" in exc.value.message or "安全" in exc.value.message


def test_it_refuses_more_rows_than_the_limit(households, village_users, nothing_saved, settings):
    settings.LUOSHI_LEDGER_MAX_ROWS = 5
    rows = [[f"{i:04d}", "户", "", "", "", "", "", "", "", ""] for i in range(6)]
    with pytest.raises(DomainError) as exc:
        _import(village_users, households, _filled(households, village_users.village, rows))
    assert "5" in exc.value.message


def test_it_refuses_a_file_too_large(households, village_users, nothing_saved, settings):
    settings.LUOSHI_LEDGER_MAX_UPLOAD_MB = 0
    with pytest.raises(DomainError):
        _import(village_users, households, _filled(households, village_users.village, []))


def test_it_refuses_a_workbook_of_an_older_template_version(households, village_users, nothing_saved):
    tree = village_users
    old = _filled(households, tree.village, [["0001", "甲户", "", "", "", "", "", "", "", ""]])
    columns = [
        {"key": c.key, "label": c.label, "type": c.type, "choices": c.choices}
        for c in households.current.columns.all()
    ]
    services.ledger_revise(
        actor=tree.user("county", "supervisor"),
        ledger=households,
        columns=[*columns, {"label": "备注", "type": "text"}],
        row_key="no",
    )
    households.refresh_from_db()
    assert households.current.version == 2
    with pytest.raises(DomainError) as exc:
        _import(tree, households, old)
    assert exc.value.message == services.msg_wrong_version("1", 2)


def test_it_refuses_a_workbook_of_another_unit_or_ledger_or_without_a_stamp(
    households, village_users, nothing_saved
):
    tree = village_users
    other = _filled(households, tree.village2, [])
    with pytest.raises(DomainError) as exc:
        _import(tree, households, other)
    assert exc.value.message == services.msg_wrong_unit(tree.village2.code)
    with pytest.raises(DomainError):
        _import(tree, households, _filled(households, tree.village, [], stamp={"ledger": "other"}))
    plain = io.BytesIO()
    import xlsxwriter

    wb = xlsxwriter.Workbook(plain)
    wb.add_worksheet().write_row(0, 0, ["户编号", "户主"])
    wb.close()
    with pytest.raises(DomainError):
        _import(tree, households, plain.getvalue())


def test_bad_ids_refuse_the_whole_file_with_a_report_and_nothing_saved(
    households, village_users, nothing_saved
):
    tree = village_users
    rows = [
        ["0001", "甲户", "11010519491231002X", "", "", "", "", "", "", ""],
        ["0002", "乙户", "110105194912310021", "", "", "", "", "", "", ""],
        ["0003", "", "123", "2026-02-30", "", "", "", "", "", ""],
    ]
    outcome = _import(tree, households, _filled(households, tree.village, rows))
    assert not outcome.accepted
    upload = outcome.upload
    assert upload.status == "refused" and upload.error_count == 4
    assert outcome.errors[0].startswith("第3行「身份证号」")
    assert [e.split("」")[0] for e in outcome.errors] == [
        "第3行「身份证号",
        "第4行「户主",
        "第4行「身份证号",
        "第4行「登记日期",
    ]
    report = upload.error_report
    with zipfile.ZipFile(io.BytesIO(bytes(report))) as z:
        names = z.namelist()
        assert any("comments" in n for n in names)
    sheet = _sheet(bytes(report))
    assert sheet[2][2] == "110105194912310021"
    assert "第3行「身份证号」" in sheet[2][-1]
    errors = _sheet(bytes(report), 1)
    assert len(errors) == 5


def test_a_duplicate_row_key_in_one_file_is_an_error(households, village_users, nothing_saved):
    rows = [
        ["0001", "甲户", "", "", "", "", "", "", "", ""],
        ["0001", "乙户", "", "", "", "", "", "", "", ""],
    ]
    outcome = _import(village_users, households, _filled(households, village_users.village, rows))
    assert not outcome.accepted and "第3行" in outcome.errors[0]


def test_cells_that_look_like_formulas_are_neutralised_on_export_and_read_back_intact(
    households, village_users
):
    tree = village_users
    reporter = tree.user("village", "reporter")
    dangerous = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "=cmd|' /C calc'!A0", '=HYPERLINK("http://x")']
    for i, text in enumerate(dangerous):
        services.row_submit(
            actor=reporter, ledger=households, unit=tree.village, values={"no": f"{i:03d}", "head": text}
        )
    data = _download(reporter, households, tree.village)
    cells = [row[1] for row in _sheet(data)[1:]]
    assert cells == ["'" + t for t in dangerous]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    outcome = _import(tree, households, data)
    assert outcome.accepted and outcome.upload.rows_unchanged == len(dangerous)


def test_the_neutraliser_itself():
    assert excel.neutralise("=1") == "'=1"
    assert excel.neutralise("\rx") == "'\rx"
    assert excel.neutralise("正常") == "正常"
    assert excel.unneutralise("'=1") == "=1"
    assert excel.unneutralise("'abc") == "'abc"


def test_the_fill_in_workbook_has_dropdowns_a_frozen_header_instructions_and_a_hidden_stamp(
    households, village_users
):
    data = _download(village_users.user("village", "reporter"), households, village_users.village)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert 'state="frozen"' in sheet
    assert 'type="list"' in sheet and "是,否" in sheet
    assert 'type="date"' in sheet and 'type="textLength"' in sheet
    assert 'state="hidden"' in workbook
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert wb.sheet_names[1] in ("填表说明", "Instructions")
    stamp = dict((r[0], r[1]) for r in wb.get_sheet_by_name("_luoshi").to_python() if r[0])
    assert stamp["ledger"] == "households" and stamp["version"] == "1" and stamp["unit"] == "130102001001"
