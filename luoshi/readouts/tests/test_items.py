"""Items: enumerations, directive sentences, and what is not an item."""

from __future__ import annotations

from luoshi.readouts.parser import parse

HEAD = "5月31日，全省工作会议在石家庄举行。"


def test_it_makes_one_item_per_enumerated_member():
    text = (
        HEAD + "会议强调，一要抓好疫情防控。二要落实“六稳”“六保”任务，统一要求。三要扩大内需，确保有效投资。"
    )
    readout = parse(text)
    assert readout.numbered_items == 3
    enumerated = [item for item in readout.items if item.enumerator]
    assert [item.enumerator for item in enumerated] == ["一要", "二要", "三要"]
    assert enumerated[1].text.startswith("二要")


def test_it_recognises_yi_shi_and_di_yi_runs():
    assert parse(HEAD + "要求一是加强领导，二是压实责任，三是严格考核。").numbered_items == 3
    assert parse(HEAD + "会议强调，第一，要提高站位。第二，要狠抓落实。").numbered_items == 2


def test_it_does_not_take_words_for_enumerators():
    text = HEAD + "要第一时间发现风险，实现第一个百年奋斗目标，推动一二三产业融合，统一要求。"
    assert parse(text).numbered_items == 0


def test_it_keeps_a_nested_enumeration_inside_its_parent():
    text = HEAD + "一要抓好项目，一是加快开工，二是加快投产。二要抓好民生。"
    readout = parse(text)
    assert [item.enumerator for item in readout.items if item.enumerator] == ["一要", "二要"]


def test_it_continues_a_directive_paragraph_with_imperative_sentences():
    text = HEAD + "会议强调，要毫不放松抓好防控。加强各类学校防控。会议还研究了其他事项。"
    texts = [item.text for item in parse(text).items]
    assert "加强各类学校防控。" in texts
    assert all("其他事项" not in t for t in texts)


def test_it_returns_no_items_and_a_note_for_text_that_is_not_a_readout():
    readout = parse("今天天气很好，我们去公园散步，看见许多花。")
    assert readout.items == []
    assert readout.notes and "未识别到会议部署事项" in readout.notes[-1]


def test_it_returns_a_note_for_empty_text():
    readout = parse("   \n ")
    assert readout.items == [] and readout.notes


def test_it_takes_metadata_from_the_first_of_two_articles():
    text = (
        "全省会议举行\n本报讯（记者 张三）3月28日晚，全省视频调度会议在石家庄召开。会议强调，要抓好落实。\n"
        "市委常委会召开会议\n本报讯（记者 李四）3月29日，市委常委会在保定召开会议。会议强调，要抓好落实。\n"
    )
    readout = parse(text)
    assert readout.meeting.to_dict() == {"date": "03-28", "place": "石家庄市", "video": True}
    assert {item.article for item in readout.items} == {0, 1}


def test_it_reads_parenthesised_list_markers_and_goal_statements():
    text = HEAD + "会议明确今年主要预期目标是：地区生产总值增长6%左右。\n（一）加强领导。\n（二）压实责任。"
    readout = parse(text)
    assert readout.numbered_items == 2
    assert [(t.value, t.unit, t.direction) for t in readout.targets] == [(6, "%", "增长")]


def test_it_does_not_count_san_yao_su_as_a_third_item():
    text = HEAD + "一要加强领导。二要压实责任，把握三要素。"
    assert parse(text).numbered_items == 2
