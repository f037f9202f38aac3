"""Readouts from other provinces, scripts, encodings and layouts (synthetic but realistic)."""

from __future__ import annotations

from luoshi.readouts.parser import parse, parse_bytes

ZHEJIANG = """浙江省政府召开全省安全生产电视电话会议
来源：浙江日报  发布时间：2023-04-12 09:30
浙江日报4月11日讯（记者 张三）4月11日下午，全省安全生产工作电视电话会议在杭州召开。省长王某出席会议并讲话。
王某指出，今年以来，全省安全生产形势总体平稳，一季度共发生生产安全事故85起，同比下降12.4%。但也要清醒看到，当前仍处于爬坡过坎期。
王某强调，要坚决守牢安全底线。一是要压实安全生产责任。各地各部门要严格落实“党政同责、一岗双责”，省应急管理厅要加强统筹协调，省住房城乡建设厅、省交通运输厅要加强行业监管。二是要深入开展重大事故隐患专项排查整治。确保6月底前完成所有在建工地排查，年底前生产安全事故起数和死亡人数同比下降10%以上。三是要抓好汛期安全防范。杭州、宁波、温州要加强城市内涝防治，丽水市、衢州市要做好山区地质灾害防范。
会议要求，由省消防救援总队牵头，开展高层建筑消防安全专项治理，力争年内完成整改隐患1.2万处。
会上，宁波市、温州市和省应急管理厅作了交流发言。各市、县（市、区）设分会场。
"""

SICHUAN = """四川省委常委会召开会议 研究部署防汛减灾工作
6月5日，省委书记王某主持召开省委常委会会议，研究部署我省防汛减灾工作。
会议强调，第一，要牢固树立底线思维。第二，要加强监测预警，省水利厅、省自然资源厅要强化部门联动。第三，要做好应急准备，阿坝州、甘孜州、凉山州要提前转移危险区域群众，确保汛期前完成3000处地质灾害隐患点排查。
成都市委书记李某在会上表示，成都将全力做好城市防涝工作，确保不发生重大人员伤亡。
会议还研究了其他事项。
"""


def test_it_reads_a_zhejiang_provincial_video_conference():
    readout = parse(ZHEJIANG)
    assert readout.meeting.to_dict() == {"date": "04-11", "place": "杭州市", "video": True}
    assert readout.numbered_items == 3
    assert readout.units == [
        "浙江省应急管理厅",
        "浙江省住房和城乡建设厅",
        "浙江省交通运输厅",
        "杭州市",
        "宁波市",
        "温州市",
        "丽水市",
        "衢州市",
        "浙江省消防救援总队",
    ]
    figures = [(t.value, t.unit, t.deadline) for t in readout.targets]
    assert figures == [(10, "%", "年底前"), (12000, "处", "年内")]


def test_it_reads_a_sichuan_standing_committee_with_autonomous_prefectures():
    readout = parse(SICHUAN)
    assert readout.numbered_items == 3
    assert readout.meeting.video is False
    assert readout.units == [
        "四川省水利厅",
        "四川省自然资源厅",
        "阿坝藏族羌族自治州",
        "甘孜藏族自治州",
        "凉山彝族自治州",
        "成都市",
    ]
    assert [(t.value, t.unit, t.deadline) for t in readout.targets] == [(3000, "处", "汛期前")]


def test_it_reads_traditional_characters_like_simplified():
    import opencc

    traditional = opencc.OpenCC("s2t").convert(ZHEJIANG)
    assert traditional != ZHEJIANG
    assert parse(traditional).to_dict() == parse(ZHEJIANG).to_dict()


def test_it_reads_a_gbk_file_with_broken_lines():
    broken = ZHEJIANG.replace("省住房城乡建设厅、省交通", "省住房城乡建设厅、省交\n\n通").replace(
        "杭州、宁波、温州要加强", "杭州、宁波、温州要加\n强"
    )
    readout = parse_bytes(broken.encode("gbk"))
    assert readout.units == parse(ZHEJIANG).units


def test_it_reads_a_wechat_copy_with_boilerplate():
    wechat = (
        "微信号\nzjfabu\n功能介绍\n发布浙江权威信息。\n"
        + ZHEJIANG
        + "\n阅读原文\n长按二维码关注我们\n微信扫一扫关注该公众号"
    )
    assert parse(wechat).to_dict()["items"] == parse(ZHEJIANG).to_dict()["items"]
