"""Indicator pages and API: allowed, wrong role (403), sibling (404); the Excel round trip."""

import io

import xlsxwriter
from django.urls import reverse

from luoshi.indicators import services
from luoshi.indicators.models import Actual, Target


def test_pages_show_visible_indicators_and_hide_a_siblings(tree, poverty, login):
    own = services.indicator_create(
        actor=tree.user("sibling", "supervisor"), owner=tree.sibling, name="桥西区指标"
    )
    client = login(tree.user("county", "reporter"))
    page = client.get(reverse("indicators:list"))
    assert (
        page.status_code == 200
        and "贫困人口脱贫" in page.content.decode()
        and "桥西区指标" not in page.content.decode()
    )
    assert client.get(reverse("indicators:detail", args=[poverty.pk])).status_code == 200
    assert client.get(reverse("indicators:detail", args=[own.pk])).status_code == 404
    assert (
        client.get(reverse("indicators:detail", args=[poverty.pk]), {"unit": tree.sibling.code}).status_code
        == 404
    )


def test_the_form_enters_a_figure_for_the_own_unit(tree, poverty, login):
    client = login(tree.user("county", "reporter"))
    response = client.post(
        reverse("indicators:actual_submit", args=[poverty.pk]),
        {"unit": tree.county.code, "year": 2026, "period": 3, "value": "12"},
    )
    assert response.status_code == 302
    assert Actual.objects.get().value == 12


def test_api_submit_list_and_refusals(tree, poverty, login):
    client = login(tree.user("county", "reporter"))
    url = reverse("api:actual_submit", args=[poverty.pk])
    body = {"unit_code": tree.county.code, "year": 2026, "period": 1, "value": "42.5"}
    assert client.post(url, body, content_type="application/json").status_code == 201
    listed = client.get(reverse("api:actual_list", args=[poverty.pk]), {"year": 2026}).json()
    assert [r["unit_code"] for r in listed["items"]] == [tree.county.code]
    sibling = {**body, "unit_code": tree.sibling.code}
    assert client.post(url, sibling, content_type="application/json").status_code == 404
    leader = login(tree.user("county", "leader"))
    assert leader.post(url, body, content_type="application/json").status_code == 403
    # Targets come from above: the county's own supervisor may not set the city's.
    target = {"unit_code": tree.city.code, "year": 2026, "value": "100"}
    turl = reverse("api:target_set", args=[poverty.pk])
    assert (
        login(tree.user("county", "supervisor"))
        .post(turl, target, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        login(tree.user("city", "supervisor")).post(turl, target, content_type="application/json").status_code
        == 201
    )
    assert Target.objects.get().unit == tree.city
    figures = login(tree.user("city", "leader")).get(
        reverse("api:figures", args=[poverty.pk, tree.city.code]), {"year": 2026}
    )
    assert figures.status_code == 200 and figures.json()[0]["value"] == 42.5


def test_excel_round_trip_names_bad_rows_and_saves_nothing_then_imports(tree, poverty, login):
    client = login(tree.user("city", "supervisor"))
    sheet = client.get(
        reverse("indicators:template", args=[poverty.pk]), {"unit": tree.city.code, "year": 2026}
    )
    assert sheet.status_code == 200 and sheet.content.startswith(b"PK")

    def workbook(rows):
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        ws = book.add_worksheet()
        ws.write_row(0, 0, ["单位代码", "单位名称", "期间", "实际值"])
        for i, row in enumerate(rows, start=1):
            ws.write_row(i, 0, row)
        book.close()
        buffer.seek(0)
        buffer.name = "figures.xlsx"
        return buffer

    url = reverse("indicators:import", args=[poverty.pk]) + f"?unit={tree.city.code}"
    bad = workbook([[tree.county.code, "长安区", 1, 10], [tree.baoding.code, "保定市", 1, 5]])
    response = client.post(url, {"year": 2026, "file": bad}, follow=True)
    assert "第3行" in response.content.decode() and not Actual.objects.exists()
    good = workbook(
        [[tree.county.code, "长安区", 1, 10], [tree.sibling.code, "桥西区", 1, 5], ["", "", 2, ""]]
    )
    client.post(url, {"year": 2026, "file": good})
    assert sorted(a.value for a in Actual.objects.all()) == [5, 10]
