"""Decoding and cleaning: encodings, binary refusal, scripts, layout and boilerplate."""

from __future__ import annotations

import pytest

from luoshi.readouts.parser import ReadoutError, decode
from luoshi.readouts.parser.normalize import MSG_BINARY, MSG_ENCODING, clean

TEXT = "会议强调，廊坊要加强隔离点规范管理。"


def test_it_decodes_utf8_with_and_without_bom():
    assert decode(TEXT.encode("utf-8")) == TEXT
    assert decode(b"\xef\xbb\xbf" + TEXT.encode("utf-8")) == TEXT


def test_it_decodes_gbk_and_gb18030():
    assert decode(TEXT.encode("gbk")) == TEXT
    assert decode(TEXT.encode("gb18030")) == TEXT


def test_it_decodes_utf16_with_a_bom():
    assert decode(TEXT.encode("utf-16")) == TEXT


def test_it_refuses_binary_data_with_a_chinese_message():
    with pytest.raises(ReadoutError) as exc:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert exc.value.message == MSG_BINARY


def test_it_refuses_bytes_no_encoding_can_read():
    with pytest.raises(ReadoutError) as exc:
        decode(b"\xff\xfa\xfb" * 50)
    assert exc.value.message in (MSG_ENCODING, MSG_BINARY)


def test_it_converts_traditional_characters_to_simplified():
    assert clean("會議強調，廊坊要加強隔離點規範管理。").text == TEXT


def test_it_folds_full_width_digits_and_ascii_punctuation():
    cleaned = clean("确保ＰＭ２．５浓度下降３％,加强(联防联控)").text
    assert cleaned == "确保PM2.5浓度下降3%，加强（联防联控）"


def test_it_rejoins_lines_broken_inside_a_sentence_even_across_blank_lines():
    text = (
        "会议强调，要做好封控区生活必需品供应工\n\n作，切实保障群众就医用药等需求。\n会议还研究了其他事项。"
    )
    assert clean(text).text.split("\n") == [
        "会议强调，要做好封控区生活必需品供应工作，切实保障群众就医用药等需求。",
        "会议还研究了其他事项。",
    ]


def test_it_keeps_titles_on_their_own_lines():
    text = "省委常委会召开会议\n王某某主持\n本报讯 3月1日，省委常委会召开会议。"
    assert clean(text).text.split("\n")[:2] == ["省委常委会召开会议", "王某某主持"]


def test_it_drops_wechat_and_web_boilerplate():
    text = (
        "微信号\nlingshoufabu\n功能介绍\n传递正能量。\n发布时间：05-31\n18:45\n"
        "会议强调，要抓好落实。来源：某某县人民政府长按二维码关注我们获得更多精彩内容！\n"
        "阅读原文\n责任编辑：张三\n微信扫一扫关注该公众号"
    )
    cleaned = clean(text)
    assert cleaned.text == "会议强调，要抓好落实。"
    assert cleaned.published == "05-31"


def test_it_drops_photo_captions_and_the_lead_they_repeat():
    text = (
        "5月31日上午，全省会议在石家庄举行。会议强调，要抓好落实。\n"
        "5月31日上午，全省会议在石家庄举行。这是会议现场。河北日报记者赵威摄\n"
    )
    assert clean(text).text == "5月31日上午，全省会议在石家庄举行。会议强调，要抓好落实。"


def test_it_cuts_very_long_text_and_says_so():
    cleaned = clean("会议强调，要抓好落实。" * 50_000)
    assert cleaned.truncated
