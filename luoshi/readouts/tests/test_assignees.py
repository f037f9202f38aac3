"""Who is given work: subjects of directives, not speakers, reporters or sub-venues."""

from __future__ import annotations

from luoshi.readouts.parser import parse

HEAD = "3月28日，全省疫情防控工作会议在石家庄召开。"


def units_of(text):
    return parse(HEAD + text).units


def test_it_resolves_short_names_in_a_subject_list():
    assert units_of("会议强调，秦皇岛、保定、石家庄要严防疫情扩散。") == ["秦皇岛市", "保定市", "石家庄市"]


def test_it_resolves_counties_after_their_city_and_a_level_word():
    text = "会议强调，廊坊要加强隔离点管理，安次、霸州等区县要继续严格封控，其他区县要分步解封。"
    readout = parse(HEAD + text)
    assert [item.units for item in readout.items] == [["廊坊市"], ["安次区", "霸州市"], []]


def test_it_skips_generic_collectives_in_a_list():
    assert units_of("会议要求，张家口市、承德市和省直有关部门要抓好落实。") == ["张家口市", "承德市"]


def test_it_ignores_reporters_speakers_attendees_and_sub_venues():
    text = (
        "会上，廊坊市、唐山市汇报了工作情况。省扶贫办、邢台市、蔚县主要负责同志作了发言。"
        "会议以视频会议形式召开。各市（含定州、辛集市）、雄安新区、各县（市、区）设分会场。"
        "灵寿县县领导在灵寿分会场收听收看了会议。"
    )
    assert units_of(text) == []


def test_it_ignores_places_that_are_only_mentioned_or_objects_of_work():
    text = "会议指出，廊坊、唐山隔离点仍有阳性病例检出。要高标准高质量建设雄安新区，支持保定加快发展。"
    assert units_of(text) == []


def test_it_resolves_provincial_departments_to_full_names():
    text = "会议强调，省发展改革委、省生态环境厅要加强协调，由省发改委牵头制定方案。"
    assert units_of(text) == ["河北省发展和改革委员会", "河北省生态环境厅"]


def test_it_counts_a_units_own_commitment():
    text = "会上，秦皇岛市委书记张某某表示，要坚决打赢疫情防控歼灭战。"
    assert units_of(text) == ["秦皇岛市"]


def test_it_reads_wo_shi_as_the_city_of_a_city_meeting():
    text = (
        "本报讯（石家庄日报记者 张三）3月28日，市委常委会召开会议。"
        "会议强调，要强化组织保障，全面提高我市对台工作水平。全市各级要抓好落实。"
    )
    assert parse(text).units == ["石家庄市"]


def test_it_does_not_make_the_province_an_assignee_for_wo_sheng():
    assert units_of("会议强调，要推动我省经济高质量发展。") == []


def test_it_understands_counted_and_collective_tails_after_a_unit_list():
    text = "会议强调，郑州、洛阳两市要加快建设。开封市各级各部门要抓好落实。南阳等4个市要做好防汛。"
    assert units_of(text) == ["郑州市", "洛阳市", "开封市", "南阳市"]


def test_it_keeps_a_provincial_body_the_department_list_does_not_know():
    assert units_of("会议强调，省疾控中心要加强监测。") == ["河北省疾控中心"]
