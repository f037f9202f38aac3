"""Ledger pages: allowed, wrong role (403), sibling (404) on every route; the grid's inline
editing; uploads with the error report; masking; the burden preview before saving."""

import io

import pytest
from django.urls import reverse

from luoshi.ledgers import services
from luoshi.ledgers.models import Ledger, LedgerRow, LedgerUpload, Verification
from luoshi.ledgers.tests.test_excel import ROW, _filled
from luoshi.ledgers.tests.test_services import HOUSEHOLD, idn


@pytest.fixture
def filled(poverty, village_users):
    tree = village_users
    row = services.row_submit(
        actor=tree.user("village", "reporter"), ledger=poverty, unit=tree.village, values=HOUSEHOLD
    ).row
    return tree, poverty, row


def _urls(ledger, unit, row):
    return {
        "list": reverse("ledgers:list"),
        "detail": reverse("ledgers:detail", args=[ledger.pk]),
        "export": reverse("ledgers:export", args=[ledger.pk]),
        "grid": reverse("ledgers:grid", args=[ledger.pk, unit.code]),
        "download": reverse("ledgers:download", args=[ledger.pk, unit.code]),
        "history": reverse("ledgers:history", args=[row.pk]),
        "row": reverse("ledgers:row", args=[row.pk]),
        "alerts": reverse("ledgers:alerts"),
        "verifications": reverse("ledgers:verifications"),
        "burden": reverse("ledgers:burden"),
    }


@pytest.mark.parametrize(
    "who", ["village-reporter", "township-supervisor", "county-leader", "province-admin"]
)
def test_the_village_and_its_supervisors_open_every_page(filled, login, who):
    tree, ledger, row = filled
    client = login(tree.users[who])
    for name, url in _urls(ledger, tree.village, row).items():
        response = client.get(url, HTTP_HX_REQUEST="true") if name == "row" else client.get(url)
        assert response.status_code == 200, (name, response.status_code)


@pytest.mark.parametrize("who", ["sibling-supervisor", "village2-reporter"])
def test_a_sibling_gets_404_for_the_ledger_rows_and_grid(filled, login, who):
    tree, ledger, row = filled
    client = login(tree.users[who])
    urls = _urls(ledger, tree.village, row)
    expected_404 = ["grid", "download", "history", "row"] + (
        ["detail", "export"] if who.startswith("sibling") else []
    )
    for name in expected_404:
        assert client.get(urls[name]).status_code == 404, name
    assert client.post(reverse("ledgers:row_edit", args=[row.pk]), {}).status_code == 404
    assert client.post(reverse("ledgers:row_remove", args=[row.pk])).status_code == 404
    assert client.post(reverse("ledgers:upload", args=[ledger.pk, tree.village.code])).status_code == 404


def test_wrong_roles_get_403(filled, login):
    tree, ledger, row = filled
    supervisor = login(tree.user("township", "supervisor"))
    assert supervisor.get(reverse("ledgers:row_edit", args=[row.pk])).status_code == 403
    assert (
        supervisor.post(reverse("ledgers:row_add", args=[ledger.pk, tree.village.code]), {}).status_code
        == 403
    )
    assert supervisor.post(reverse("ledgers:row_remove", args=[row.pk])).status_code == 403
    assert supervisor.post(reverse("ledgers:upload", args=[ledger.pk, tree.village.code])).status_code == 403
    assert supervisor.get(reverse("ledgers:edit", args=[ledger.pk])).status_code == 403  # owned by the county
    reporter = login(tree.user("county", "reporter"))
    assert reporter.get(reverse("ledgers:create")).status_code == 403
    assert reporter.get(reverse("ledgers:edit", args=[ledger.pk])).status_code == 403
    services.row_submit(
        actor=tree.user("village", "reporter"),
        ledger=ledger,
        unit=tree.village,
        values={**HOUSEHOLD, "stable": "是"},
    )
    item = Verification.objects.get()
    township = login(tree.user("township", "supervisor"))
    assert township.post(reverse("ledgers:decide", args=[item.pk]), {"decision": "accept"}).status_code == 403
    assert (
        login(tree.user("sibling", "supervisor"))
        .post(reverse("ledgers:decide", args=[item.pk]), {"decision": "accept"})
        .status_code
        == 404
    )
    county = login(tree.user("county", "supervisor"))
    assert county.post(reverse("ledgers:decide", args=[item.pk]), {"decision": "accept"}).status_code == 302
    item.refresh_from_db()
    assert item.decision == "accepted"


def test_ids_are_masked_for_a_leader_and_shown_to_the_village_and_its_supervisors(filled, login):
    tree, ledger, row = filled
    grid = reverse("ledgers:grid", args=[ledger.pk, tree.village.code])
    assert "11010519491231002X" in login(tree.user("village", "reporter")).get(grid).content.decode()
    assert "11010519491231002X" in login(tree.user("county", "supervisor")).get(grid).content.decode()
    html = login(tree.user("county", "leader")).get(grid).content.decode()
    assert "11010519491231002X" not in html and "110105********002X" in html
    from python_calamine import CalamineWorkbook

    export = login(tree.user("county", "leader")).get(reverse("ledgers:export", args=[ledger.pk]))
    data = b"".join(export.streaming_content)
    cells = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert cells[1][0] == "建北社区" and cells[1][2] == "110105********002X"


def test_the_grid_edits_a_row_inline_with_htmx_and_shows_errors_next_to_the_cell(filled, login):
    tree, ledger, row = filled
    client = login(tree.user("village", "reporter"))
    url = reverse("ledgers:row_edit", args=[row.pk])
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert (
        form.status_code == 200
        and "<html" not in form.content.decode()
        and 'name="c_income"' in form.content.decode()
    )
    data = {f"c_{k}": v for k, v in {**HOUSEHOLD, "household_size": "3", "income": "abc"}.items()}
    bad = client.post(url, data, HTTP_HX_REQUEST="true")
    assert (
        bad.status_code == 422
        and "请填写数字" in bad.content.decode()
        and 'aria-invalid="true"' in bad.content.decode()
    )
    data["c_income"] = "6500"
    good = client.post(url, data, HTTP_HX_REQUEST="true")
    assert good.status_code == 200 and "6500" in good.content.decode() and "<tr" in good.content.decode()
    assert LedgerRow.objects.get(status="current").values["income"] == "6500"


def test_the_grid_adds_a_row_and_refuses_a_bad_one_in_chinese(filled, login):
    tree, ledger, row = filled
    client = login(tree.user("village", "reporter"))
    url = reverse("ledgers:row_add", args=[ledger.pk, tree.village.code])
    data = {
        f"c_{k}": v
        for k, v in {**HOUSEHOLD, "id_number": "110105194912310021", "household_size": "2"}.items()
    }
    bad = client.post(url, data)
    assert bad.status_code == 422 and "身份证号校验位不对" in bad.content.decode()
    data["c_id_number"] = idn("44052419800101001")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert LedgerRow.objects.filter(status="current").count() == 2


def test_an_upload_with_errors_offers_the_report_and_saves_nothing(households, village_users, login):
    tree = village_users
    client = login(tree.user("village", "reporter"))
    data = _filled(households, tree.village, [["0001", "甲户", "123", "", "", "", "", "", "", ""]])
    f = io.BytesIO(data)
    f.name = "填好的.xlsx"
    page = client.post(
        reverse("ledgers:upload", args=[households.pk, tree.village.code]), {"file": f, "mode": "upsert"}
    )
    assert page.status_code == 422
    assert "第2行「身份证号」" in page.content.decode()
    upload = LedgerUpload.objects.get()
    report = client.get(reverse("ledgers:upload_report", args=[upload.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        login(tree.user("village2", "reporter"))
        .get(reverse("ledgers:upload_report", args=[upload.pk]))
        .status_code
        == 404
    )
    assert not LedgerRow.objects.exists()


def test_a_good_upload_is_saved(households, village_users, login):
    tree = village_users
    client = login(tree.user("village", "reporter"))
    row = [ROW[k] if not isinstance(ROW[k], bool) else "是" for k in ROW]
    row[8] = "建北社区"
    f = io.BytesIO(_filled(households, tree.village, [row]))
    f.name = "ok.xlsx"
    page = client.post(
        reverse("ledgers:upload", args=[households.pk, tree.village.code]), {"file": f, "mode": "upsert"}
    )
    assert page.status_code == 302
    assert LedgerRow.objects.get().values == ROW


def test_creating_a_ledger_shows_the_burden_before_saving(village_users, login, settings):
    tree = village_users
    settings.LUOSHI_BURDEN_CAP_FIELDS_PER_MONTH = 3
    client = login(tree.user("county", "supervisor"))
    assert client.get(reverse("ledgers:create")).status_code == 200
    data = {
        "name": "月报",
        "key": "monthly",
        "cadence": "monthly",
        "assign_root": "",
        "assign_level": "village",
        "col-TOTAL_FORMS": "4",
        "col-INITIAL_FORMS": "0",
        "col-0-label": "户数",
        "col-0-type": "integer",
        "col-1-label": "人数",
        "col-1-type": "integer",
        "col-2-label": "收入",
        "col-2-type": "decimal",
        "col-3-label": "备注",
        "col-3-type": "text",
        "rules": "收入 < 100 | 收入过低",
        "action": "preview",
    }
    preview = client.post(reverse("ledgers:create"), data)
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="burden-preview"' in html
    assert "2个单位每月将各增加4个字段、1次报送" in html and "超过每月3个字段的上限" in html
    assert not Ledger.objects.exists()
    refused = client.post(reverse("ledgers:create"), {**data, "action": "save"})
    assert refused.status_code == 200 and not Ledger.objects.exists()
    saved = client.post(reverse("ledgers:create"), {**data, "action": "save", "accept_burden": "on"})
    assert saved.status_code == 302
    ledger = Ledger.objects.get()
    assert ledger.assignments.count() == 2 and ledger.current.alert_rules[0]["op"] == "lt"
    edit = client.get(reverse("ledgers:edit", args=[ledger.pk]))
    assert edit.status_code == 200 and "收入 &lt; 100 | 收入过低" in edit.content.decode()


def test_the_burden_meter_lists_grassroots_units(filled, login):
    tree, ledger, row = filled
    page = login(tree.user("township", "supervisor")).get(reverse("ledgers:burden"))
    names = [u.name for u, _b, _o in page.context["rows"]]
    assert names == ["建北街道", "建北社区", "建北二村"]


def test_the_template_page_rolls_up_by_subordinate(filled, login):
    tree, ledger, row = filled
    page = login(tree.user("county", "supervisor")).get(reverse("ledgers:detail", args=[ledger.pk]))
    line = page.context["lines"][0]
    assert line["unit"].name == "建北街道" and line["rows"] == 1
