"""The decomposition table: export, import, round trip, and every way an upload can be bad."""

import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter
from django.urls import reverse

from luoshi.core.exceptions import DomainError
from luoshi.tasks import excel, services
from luoshi.tasks.models import Task

HEADER = ["序号", "任务名称", "任务内容", "牵头单位", "配合单位", "责任人", "完成时限", "进展情况", "状态"]


def _xlsx(rows, formulas=()):
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), date_fmt)
            elif value is not None:
                sheet.write(i, j, value)
    for (i, j), formula in formulas:
        sheet.write_formula(i, j, formula)
    book.close()
    return buf.getvalue()


@pytest.fixture
def empty_source(tree):
    return services.source_create(
        actor=tree.user("province", "supervisor"),
        issuer=tree.province,
        title="第二次会议",
        date=dt.date(2026, 3, 9),
    )


def test_an_excel_round_trip_preserves_every_field(tree, source, empty_source):
    sup = tree.user("province", "supervisor")
    t1 = services.task_create(
        actor=sup,
        source=source,
        title="压实脱贫责任",
        content="确保上半年剩余3.4万贫困人口稳定达到脱贫条件",
        deadline=dt.date(2026, 6, 30),
        responsible_name="张三",
        responsible_post="副省长",
    )
    services.task_assign(actor=sup, task=t1, units=[tree.city, tree.dingzhou], co_units=[tree.xiongan])
    t2 = services.task_create(
        actor=sup, source=source, title='=HYPERLINK("x")公式样文字', content="+1 开头", deadline_workdays=10
    )
    services.task_assign(actor=sup, task=t2, units=[tree.baoding])
    data = excel.export_source(sup, source)
    created = excel.import_source(actor=sup, source=empty_source, data=data)
    assert len(created) == 2

    def fields(task):
        return (
            task.seq,
            task.title,
            task.content,
            task.deadline,
            task.deadline_workdays,
            task.responsible_name,
            task.responsible_post,
            sorted((a.unit.code, a.role) for a in task.assignments.all()),
        )

    originals = [fields(t) for t in source.tasks.order_by("seq")]
    copies = [fields(t) for t in empty_source.tasks.order_by("seq")]
    assert copies == originals


def test_cells_that_look_like_formulas_are_neutralised_on_export(tree, source):
    sup = tree.user("province", "supervisor")
    services.task_create(actor=sup, source=source, title="=1+1", content="@SUM(A1)")
    data = excel.export_source(sup, source)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet
    assert "'=1+1" in strings and "'@SUM(A1)" in strings


def test_the_export_holds_only_what_the_user_may_see(tree, chain):
    sibling_task = services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=chain["city"],
        title="桥西区任务",
        units=[tree.sibling],
        deadline=dt.date(2026, 6, 1),
    )
    assert sibling_task
    data = excel.export_source(tree.user("county", "reporter"), chain["task"].source)
    from python_calamine import CalamineWorkbook

    text = str(CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python())
    assert "长安区老旧小区改造" in text and "桥西区任务" not in text


def _refused(source, tree, data):
    with pytest.raises(DomainError) as err:
        excel.import_source(actor=tree.user("province", "supervisor"), source=source, data=data)
    assert not Task.objects.filter(source=source).exists()
    return err.value


def test_a_file_that_is_not_xlsx_is_refused(tree, empty_source):
    assert _refused(empty_source, tree, b"%PDF-1.4 not a workbook").code == "not_xlsx"
    assert _refused(empty_source, tree, b"PK\x03\x04 broken zip").code == "not_xlsx"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tree, empty_source):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (300 * 2**20))
    assert _refused(empty_source, tree, buf.getvalue()).code == "zip_bomb"


def test_wrong_headers_are_refused(tree, empty_source):
    data = _xlsx([["编号", "事项", "单位"], [1, "某事", "石家庄市"]])
    error = _refused(empty_source, tree, data)
    assert error.code == "bad_header" and "牵头单位" in error.message


def test_bad_rows_are_refused_row_by_row_and_nothing_is_saved(tree, empty_source):
    rows = [
        HEADER,
        [1, "好任务", "内容", "石家庄市", None, None, dt.date(2026, 6, 30), None, None],
        [2, "日期错", "内容", "石家庄市", None, None, "明年春天", None, None],
        [3, "单位错", "内容", "火星市", None, None, "2026-06-30", None, None],
        [4, "越界", "内容", "河北省", None, None, "5个工作日", None, None],
        ["四", "序号错", "内容", "保定市", None, None, None, None, None],
        [1, "重复序号", "内容", "保定市", None, None, None, None, None],
        [7, "公式", None, "保定市", None, None, None, None, None],
    ]
    data = _xlsx(rows, formulas=[((7, 2), '=HYPERLINK("http://example.invalid","点我")')])
    error = _refused(empty_source, tree, data)
    assert error.code == "bad_rows"
    details = "\n".join(error.details)
    assert "第3行「完成时限」" in details and "明年春天" in details
    assert "第4行「牵头单位」" in details and "火星市" in details
    assert "第5行「牵头单位」" in details  # the province is not below the province
    assert "第6行「序号」" in details
    assert "第7行「序号」" in details
    assert "第8行「任务内容」" in details and "公式" in details
    assert "第2行" not in details


def test_an_ambiguous_short_name_asks_which_unit(tree, empty_source):
    from luoshi.units.services import unit_alias_add

    unit_alias_add(actor=None, unit=tree.county, name="城区")
    unit_alias_add(actor=None, unit=tree.sibling, name="城区")
    error = _refused(
        empty_source, tree, _xlsx([HEADER, [1, "任务", "内容", "城区", None, None, None, None, None]])
    )
    assert "长安区" in error.details[0] and "桥西区" in error.details[0]


def test_the_import_page_shows_the_reasons(tree, empty_source, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _xlsx([HEADER, [1, "任务", "内容", "火星市", None, None, None, None, None]])
    response = login(tree.user("province", "supervisor")).post(
        reverse("tasks:source_import", args=[empty_source.pk]), {"file": SimpleUploadedFile("t.xlsx", data)}
    )
    assert response.status_code == 400
    assert "火星市" in response.content.decode() and "没有保存任何数据" in response.content.decode()


def test_only_the_issuer_may_import(tree, empty_source, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = login(tree.user("city", "supervisor")).post(
        reverse("tasks:source_import", args=[empty_source.pk]), {"file": SimpleUploadedFile("t.xlsx", b"x")}
    )
    assert response.status_code == 404  # the province's own source is not visible to the city
