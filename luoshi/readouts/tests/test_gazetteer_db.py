"""The parser's gazetteer extended with the units table, as an importing unit sees it."""

from __future__ import annotations

from luoshi.readouts import gazetteer_db
from luoshi.readouts.parser import parse
from luoshi.units.models import Kind
from luoshi.units.services import unit_alias_add, unit_create


def test_it_knows_supervision_parent_overrides(tree):
    gazetteer = gazetteer_db.build_gazetteer(tree.province.path)
    assert gazetteer.get("130682000000").parent == "130000000000"  # 定州市: the province, not 保定
    assert gazetteer.get("130638000000").parent == "133100000000"  # 雄县: 雄安新区
    assert [p.name for p in gazetteer.lookup("雄安新区")] == ["雄安新区"]


def test_it_resolves_an_alias_someone_added(tree):
    unit_alias_add(actor=None, unit=tree.county, name="长安老城")
    gazetteer = gazetteer_db.gazetteer_for(tree.city)
    readout = parse("会议强调，长安老城要加快老旧小区改造，年底前全部完工。", gazetteer)
    assert readout.items[0].units == ["长安区"]


def test_it_resolves_a_department_from_the_units_table(tree):
    unit_create(
        actor=None,
        code="130102000000-gxb",
        name="长安区城市更新办公室",
        short_name="长安区更新办",
        level="county",
        kind=Kind.DEPARTMENT,
        parent=tree.county,
    )
    readout = parse("会议强调，长安区更新办要抓紧制定方案。", gazetteer_db.gazetteer_for(tree.county))
    assert readout.items[0].units == ["长安区城市更新办公室"]


def test_it_adds_villages_for_a_county(tree):
    gazetteer = gazetteer_db.gazetteer_for(tree.county)
    (village,) = gazetteer.lookup("建北社区")
    assert village.key == "130102001001"


def test_it_keeps_the_shared_gazetteer_untouched(tree):
    gazetteer_db.build_gazetteer(tree.province.path)
    assert gazetteer_db.Gazetteer.default().lookup("建北社区") == []


def test_it_caches_until_the_units_change(tree):
    gazetteer_db.clear_cache()
    first = gazetteer_db.gazetteer_for(tree.city)
    assert gazetteer_db.gazetteer_for(tree.city) is first
    unit_alias_add(actor=None, unit=tree.sibling, name="桥西老区")
    again = gazetteer_db.gazetteer_for(tree.city)
    assert again is not first
    assert [p.name for p in again.lookup("桥西老区")] == ["桥西区"]
