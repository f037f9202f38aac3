"""The inspection pages: allowed, wrong role (403), out of scope (404); forms; the export."""

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.core.excel import read_first_sheet
from luoshi.inspections import services
from luoshi.inspections.models import Checklist, Draw, Finding, FindingStatus, SelfCheckStatus

from .conftest import TODAY, finish_rectification


def _url(name, *args):
    return reverse(f"inspections:{name}", args=args)


def test_the_home_page_lists_checks_and_my_assignments(tree, spot, sent, login):
    html = login(tree.user("sibling", "supervisor")).get(_url("home")).content.decode()
    assert "2026年第三季度双随机抽查" in html and "八支队伍建设情况自查" in html and "长安区" in html


# --- Checklists ---------------------------------------------------------------------------------------


def test_a_supervisor_defines_a_checklist_on_the_page(tree, login):
    client = login(tree.user("city", "supervisor"))
    assert client.get(_url("checklist_create")).status_code == 200
    response = client.post(
        _url("checklist_create"),
        {
            "title": "七套信息化系统自查",
            "items": "系统上线运行 | 已上线 |\n数据按时报送 | 每月5日前 | 10分\n\n",
        },
    )
    checklist = Checklist.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("checklist_detail", checklist.pk)
    assert [(i.kind, i.max_score) for i in checklist.items.all()] == [("pass", None), ("score", 10)]


@pytest.mark.parametrize("items", ["一 | 二 | 三 | 四", "系统 | 标准 | 十分", "   "])
def test_a_malformed_item_list_is_shown_back(tree, login, items):
    response = login(tree.user("city", "supervisor")).post(
        _url("checklist_create"), {"title": "t", "items": items}
    )
    assert response.status_code == 200 and not Checklist.objects.exists()
    assert 'class="error-text"' in response.content.decode()


def test_a_reporter_cannot_define_a_checklist(tree, login):
    assert login(tree.user("city", "reporter")).get(_url("checklist_create")).status_code == 403


def test_the_checklist_page_rolls_up_and_sends(tree, checklist, sent, login):
    client = login(tree.user("city", "supervisor"))
    html = client.get(_url("checklist_detail", checklist.pk)).content.decode()
    assert "长安区" in html and "桥西区" in html and "建立工作台账" in html
    response = client.post(
        _url("checklist_send", checklist.pk), {"units": [tree.township.pk], "deadline": "2026-12-31"}
    )
    assert response.status_code == 302  # 建北街道 is not a direct child: picked by name instead
    response = client.post(
        _url("checklist_send", checklist.pk), {"other_units": "建北街道", "deadline": "2026-12-31"}
    )
    assert checklist.self_checks.filter(unit=tree.township).exists()


def test_the_checklist_page_is_scoped(tree, checklist, sent, login):
    assert (
        login(tree.user("county", "reporter")).get(_url("checklist_detail", checklist.pk)).status_code == 200
    )
    assert (
        login(tree.user("township", "supervisor")).get(_url("checklist_detail", checklist.pk)).status_code
        == 404
    )
    response = login(tree.user("city", "reporter")).post(
        _url("checklist_send", checklist.pk), {"other_units": "建北街道", "deadline": "2026-12-31"}
    )
    assert response.status_code == 403
    response = login(tree.user("township", "supervisor")).post(_url("checklist_send", checklist.pk), {})
    assert response.status_code == 404


def test_a_unit_answers_and_submits_its_self_inspection(tree, sent, login):
    sc = sent[tree.county.code]
    items = list(sc.checklist.items.all())
    client = login(tree.user("county", "reporter"))
    assert 'name="evidence_' in client.get(_url("selfcheck_detail", sc.pk)).content.decode()
    data = {
        f"passed_{items[0].pk}": "1",
        f"evidence_{items[0].pk}": "台账见附件一",
        f"score_{items[1].pk}": "9",
        f"evidence_{items[1].pk}": "花名册",
    }
    response = client.post(_url("selfcheck_detail", sc.pk), {**data, "submit": "1"})
    assert response.status_code == 302
    sc.refresh_from_db()
    assert sc.status == SelfCheckStatus.SUBMITTED and sc.score == 9
    # Submitted: the page shows the answers and takes no more.
    again = client.post(_url("selfcheck_detail", sc.pk), data)
    assert again.status_code == 302 and sc.answers.get(item=items[1]).score == 9


def test_submitting_without_evidence_is_refused_on_the_page(tree, sent, login):
    sc = sent[tree.county.code]
    items = list(sc.checklist.items.all())
    response = login(tree.user("county", "reporter")).post(
        _url("selfcheck_detail", sc.pk),
        {f"passed_{items[0].pk}": "0", f"score_{items[1].pk}": "5", "submit": "1"},
    )
    assert response.status_code == 200 and "1、2" in response.content.decode()
    sc.refresh_from_db()
    assert sc.status == SelfCheckStatus.PENDING


def test_the_self_inspection_page_is_scoped(tree, sent, login):
    sc = sent[tree.county.code]
    assert login(tree.user("sibling", "reporter")).get(_url("selfcheck_detail", sc.pk)).status_code == 404
    assert login(tree.user("city", "leader")).get(_url("selfcheck_detail", sc.pk)).status_code == 200
    assert login(tree.user("city", "reporter")).post(_url("selfcheck_detail", sc.pk), {}).status_code == 403


def test_the_issuer_enters_a_problem_from_a_self_inspection(tree, checklist, sent, login):
    sc = sent[tree.county.code]
    data = {
        "item": checklist.items.get(seq=1).pk,
        "description": "台账未按月更新",
        "severity": "general",
        "deadline": "2026-12-31",
    }
    assert (
        login(tree.user("county", "supervisor")).post(_url("selfcheck_finding", sc.pk), data).status_code
        == 403
    )
    assert (
        login(tree.user("sibling", "supervisor")).post(_url("selfcheck_finding", sc.pk), data).status_code
        == 404
    )
    response = login(tree.user("city", "supervisor")).post(_url("selfcheck_finding", sc.pk), data)
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("finding_detail", finding.pk)
    assert finding.source_kind == "self_check" and finding.status == FindingStatus.RECTIFYING


# --- Draws --------------------------------------------------------------------------------------------


def test_a_supervisor_makes_a_draw_on_the_page(tree, login):
    client = login(tree.user("city", "supervisor"))
    page = client.get(_url("draw_create"))
    assert page.status_code == 200 and "county-supervisor" in page.content.decode()
    response = client.post(
        _url("draw_create"),
        {
            "title": "抽查",
            "date": "2026-09-01",
            "levels": ["county"],
            "strata": "none",
            "count": "1",
            "exclude_months": "12",
            "inspectors": [tree.user("city", "supervisor").pk],
            "inspectors_per_unit": "1",
            "seed": "page-seed",
        },
    )
    the_draw = Draw.objects.get()
    assert response.status_code == 302 and the_draw.seed == "page-seed" and the_draw.inspections.count() == 1


def test_the_draw_form_needs_a_share_or_a_count(tree, login):
    response = login(tree.user("city", "supervisor")).post(
        _url("draw_create"),
        {
            "title": "t",
            "date": "2026-09-01",
            "levels": ["county"],
            "strata": "none",
            "exclude_months": "0",
            "inspectors": [tree.user("city", "supervisor").pk],
            "inspectors_per_unit": "1",
        },
    )
    assert response.status_code == 200 and not Draw.objects.exists()


def test_a_reporter_cannot_make_a_draw(tree, login):
    assert login(tree.user("city", "reporter")).get(_url("draw_create")).status_code == 403


def test_the_draw_page_publishes_the_seed_and_verifies(tree, spot, login):
    client = login(tree.user("county", "leader"))
    html = client.get(_url("draw_detail", spot.pk)).content.decode()
    assert "fixed-seed" in html and spot.digest in html
    html = client.get(_url("draw_detail", spot.pk) + "?verify=1").content.decode()
    assert 'class="verified"' in html
    record = client.get(_url("draw_record", spot.pk)).json()
    assert record["seed"] == "fixed-seed" and record["result"] == spot.result
    for name in ("draw_detail", "draw_record"):
        assert login(tree.user("township", "supervisor")).get(_url(name, spot.pk)).status_code == 404


def test_an_inspector_records_a_problem_on_their_inspection(tree, spot, login):
    inspection = spot.inspections.get(unit=tree.county)
    client = login(tree.user("sibling", "supervisor"))
    assert 'name="description"' in client.get(_url("inspection_detail", inspection.pk)).content.decode()
    response = client.post(
        _url("inspection_detail", inspection.pk),
        {"description": "档案不全", "severity": "serious", "deadline": "2027-10-31"},
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and finding.status == FindingStatus.RECORDED
    # The inspected unit sees the page but records nothing there.
    county = login(tree.user("county", "supervisor"))
    page = county.get(_url("inspection_detail", inspection.pk))
    assert page.status_code == 200 and 'name="description"' not in page.content.decode()
    assert (
        county.post(
            _url("inspection_detail", inspection.pk),
            {"description": "x", "severity": "general", "deadline": "2026-10-31"},
        ).status_code
        == 403
    )
    assert (
        login(tree.user("township", "supervisor")).get(_url("inspection_detail", inspection.pk)).status_code
        == 404
    )
    # The organizer issues it.
    assert (
        login(tree.user("sibling", "supervisor")).post(_url("finding_issue", finding.pk)).status_code == 403
    )
    assert login(tree.user("city", "supervisor")).post(_url("finding_issue", finding.pk)).status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING


# --- The problem ledger ----------------------------------------------------------------------------------


def test_the_ledger_lists_filters_and_summarises(tree, finding, login):
    client = login(tree.user("city", "supervisor"))
    html = client.get(_url("finding_list")).content.decode()
    assert "专项资金拨付滞后" in html and "长安区" in html
    assert "专项资金拨付滞后" not in client.get(_url("finding_list") + "?source=tour").content.decode()
    assert "专项资金拨付滞后" not in client.get(_url("finding_list") + "?unit=130104000000").content.decode()
    assert client.get(_url("finding_list") + "?unit=130600000000").status_code == 404  # 保定: out of scope
    assert (
        "专项资金拨付滞后"
        not in login(tree.user("sibling", "supervisor")).get(_url("finding_list")).content.decode()
    )


def test_the_ledger_takes_a_fixed_number_of_queries(tree, login, django_assert_max_num_queries):
    city = tree.user("city", "supervisor")
    for n in range(6):
        services.finding_create(
            actor=city,
            issuer=tree.city,
            unit=[tree.county, tree.sibling][n % 2],
            source_kind="tour",
            description=f"问题{n}",
            deadline=TODAY,
            today=TODAY,
        )
    client = login(city)
    with django_assert_max_num_queries(10):
        assert client.get(_url("finding_list")).status_code == 200


def test_the_export_is_the_usual_ledger_form(tree, finding, login):
    Finding.objects.filter(pk=finding.pk).update(description='=HYPERLINK("x")')
    response = login(tree.user("city", "supervisor")).get(_url("finding_export"))
    assert response.status_code == 200
    rows = read_first_sheet(response.content).rows
    assert rows[1][:10] == [
        "序号",
        "问题来源",
        "问题描述",
        "严重程度",
        "责任单位",
        "整改措施",
        "整改时限",
        "整改进展",
        "状态",
        "销号时间",
    ]
    assert rows[2][0] == 1 and rows[2][1] == "审计（2026年市审计局专项审计）" and rows[2][3] == "较重"
    assert rows[2][2].startswith("'=")  # neutralised
    assert rows[2][4] == "长安区" and rows[2][8].startswith("整改中")
    empty = login(tree.user("sibling", "supervisor")).get(_url("finding_export"))
    assert len(read_first_sheet(empty.content).rows) == 2


def test_a_supervisor_enters_an_audit_problem_on_the_page(tree, login):
    client = login(tree.user("city", "supervisor"))
    assert client.get(_url("finding_create")).status_code == 200
    response = client.post(
        _url("finding_create"),
        {
            "source_kind": "tour",
            "source_ref": "市委巡察反馈",
            "unit": "桥西区",
            "found_on": "2026-09-01",
            "description": "巡察发现问题",
            "severity": "critical",
            "deadline": "2026-12-31",
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302 and finding.unit == tree.sibling and finding.assignment is not None
    bad = client.post(
        _url("finding_create"),
        {
            "source_kind": "tour",
            "unit": "保定市",
            "found_on": "2026-09-01",
            "description": "x",
            "severity": "general",
            "deadline": "2026-12-31",
        },
    )
    assert bad.status_code == 200 and Finding.objects.count() == 1
    assert login(tree.user("city", "reporter")).get(_url("finding_create")).status_code == 403


def test_the_finding_page_is_scoped(tree, finding, login):
    assert login(tree.user("county", "reporter")).get(_url("finding_detail", finding.pk)).status_code == 200
    for name in ("finding_detail",):
        assert login(tree.user("sibling", "supervisor")).get(_url(name, finding.pk)).status_code == 404
    for name in ("finding_issue", "finding_measures", "finding_close", "finding_reopen"):
        assert login(tree.user("sibling", "supervisor")).post(_url(name, finding.pk), {}).status_code == 404


def test_closing_on_the_page_without_verification_is_refused_with_a_message(tree, finding, login):
    client = login(tree.user("city", "supervisor"))
    response = client.post(_url("finding_close", finding.pk), {"note": "已核验"}, follow=True)
    assert services.msg_not_verified() in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING
    assert (
        login(tree.user("county", "supervisor"))
        .post(_url("finding_close", finding.pk), {"note": "x"})
        .status_code
        == 403
    )


def test_close_and_reopen_on_the_page(tree, finding, login):
    finish_rectification(tree, finding)
    client = login(tree.user("city", "supervisor"))
    page = client.get(_url("finding_detail", finding.pk)).content.decode()
    assert 'class="verified"' in page
    assert client.post(_url("finding_close", finding.pk), {"note": "现场核验"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    assert (
        login(tree.user("county", "supervisor"))
        .post(_url("finding_reopen", finding.pk), {"reason": "x", "deadline": "2026-12-31"})
        .status_code
        == 403
    )
    client = login(tree.user("city", "supervisor"))
    assert (
        client.post(
            _url("finding_reopen", finding.pk), {"reason": "回头看未整改到位", "deadline": "2027-01-31"}
        ).status_code
        == 302
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING and finding.round == 2
    html = client.get(_url("finding_detail", finding.pk)).content.decode()
    assert "回头看未整改到位" in html and "现场核验" in html  # both rounds in the history


def test_the_unit_updates_its_measures_on_the_page(tree, finding, login):
    response = login(tree.user("county", "reporter")).post(
        _url("finding_measures", finding.pk), {"measures": "专人盯办"}
    )
    assert response.status_code == 302 and Finding.objects.get().measures == "专人盯办"
    assert (
        login(tree.user("county", "leader"))
        .post(_url("finding_measures", finding.pk), {"measures": "x"})
        .status_code
        == 403
    )


def test_pages_escape_user_text(tree, login):
    services.finding_create(
        actor=tree.user("city", "supervisor"),
        issuer=tree.city,
        unit=tree.county,
        source_kind="audit",
        description="<script>alert(1)</script>",
        deadline=dt.date(2026, 12, 1),
        today=TODAY,
    )
    html = login(tree.user("city", "supervisor")).get(_url("finding_list")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
