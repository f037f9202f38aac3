"""The gazetteer: names of all of China's divisions and departments, resolved by context."""

from __future__ import annotations

from luoshi.readouts.parser import Gazetteer


def names(places):
    return sorted(p.name for p in places)


def test_it_resolves_short_city_and_county_names(gazetteer):
    assert names(gazetteer.lookup("廊坊")) == ["廊坊市"]
    assert names(gazetteer.lookup("安次")) == ["安次区"]
    assert names(gazetteer.lookup("霸州")) == ["霸州市"]


def test_it_strips_autonomous_area_suffixes_and_nationalities(gazetteer):
    assert names(gazetteer.lookup("恩施州")) == ["恩施土家族苗族自治州"]
    assert "凉山彝族自治州" in names(gazetteer.lookup("凉山"))
    assert names(gazetteer.lookup("广西")) == ["广西壮族自治区"]
    assert names(gazetteer.lookup("博尔塔拉")) == ["博尔塔拉蒙古自治州"]


def test_it_prefers_the_meeting_province_for_an_ambiguous_short_name(gazetteer):
    keys = [p.key for p in gazetteer.lookup("朝阳")]
    assert gazetteer.choose(keys, province="210000000000").name == "朝阳市"
    assert gazetteer.choose(keys, province="110000000000").name == "朝阳区"


def test_it_prefers_a_county_under_a_city_named_nearby(gazetteer):
    keys = [p.key for p in gazetteer.lookup("桥西")]
    zhangjiakou = gazetteer.lookup("张家口市")[0].key
    place = gazetteer.choose(keys, near={zhangjiakou}, province="130000000000")
    assert place is not None and place.parent == zhangjiakou


def test_it_refuses_to_guess_between_equal_candidates(gazetteer):
    keys = [p.key for p in gazetteer.lookup("桥西")]
    assert gazetteer.choose(keys, province="130000000000") is None


def test_it_does_not_take_everyday_words_for_short_names(gazetteer):
    assert gazetteer.lookup("新华") == []
    assert gazetteer.lookup("和平") == []
    mentions = [m.surface for m in gazetteer.scan("加快搬迁安置点建设，新建扶贫车间")]
    assert mentions == []


def test_it_builds_department_full_names_from_the_division(gazetteer):
    hebei = gazetteer.lookup("河北省")[0]
    shijiazhuang = gazetteer.lookup("石家庄市")[0]
    dept, _end = gazetteer.department_at("发改委要", 0)
    assert gazetteer.department_place(dept, hebei).name == "河北省发展和改革委员会"
    assert gazetteer.department_place(dept, shijiazhuang).name == "石家庄市发展和改革局"
    dept, _end = gazetteer.department_at("生态环境厅", 0)
    assert gazetteer.department_place(dept, hebei).name == "河北省生态环境厅"


def test_it_accepts_extra_units_without_touching_the_shared_instance():
    own = Gazetteer()
    place = own.add("雄安", full_name="河北雄安新区", aliases=("雄安新区",), parent="河北省", level="city")
    assert place.province == "130000000000"
    assert names(own.lookup("雄安")) == ["河北雄安新区"]
    assert names(Gazetteer.default().lookup("雄安")) == ["雄安新区"]


def test_it_derives_short_names_for_added_divisions():
    own = Gazetteer()
    own.add("测试县", parent="130100000000", level="county", code="139999000000")
    assert names(own.lookup("测试")) == ["测试县"]
