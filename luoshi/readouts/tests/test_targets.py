"""Targets: forward-looking figures only, normalized to base units."""

from luoshi.readouts.parser.targets import extract_targets


def figures(text):
    return [(t.value, t.unit, t.direction, t.deadline) for t in extract_targets(text)]


def test_it_reads_a_population_with_a_magnitude_and_its_deadline():
    assert figures("确保上半年剩余3.4万贫困人口稳定达到脱贫条件") == [(34000, "人", "达到", "上半年")]


def test_it_ignores_the_number_inside_pm25_and_reads_the_percentage():
    assert figures("确保PM2.5平均浓度下降3%左右") == [(3, "%", "下降", None)]


def test_it_reads_at_least_as_not_lower_than():
    assert figures("围绕打造5个以上千亿级产业集群") == [(5, "个", "不低于", None)]


def test_it_ignores_past_achievements():
    assert figures("到2019年底全省7746个贫困村已全部出列，62个贫困县已全部摘帽") == []
    assert figures("一季度共发生生产安全事故85起，同比下降12.4%") == []


def test_it_ignores_programme_counts_and_slogans():
    text = (
        "深入实施20项民心工程，持续抓好6项重点领域清理规范，确保“三个圆满收官”和“双过半”，"
        "对八支队伍、七套信息化系统建设情况进行全面自查，落实24小时值班值守，坚持五级书记一起抓，"
        "大力实施“千企帮千村”行动，开展百日攻坚，为实现第一个百年奋斗目标奠定基础"
    )
    assert figures(text) == []


def test_it_reads_money_area_and_percentage_points():
    assert figures("固定资产投资突破2.5万亿元，完成造林100万亩，单位GDP能耗下降3个百分点") == [
        (2_500_000_000_000, "元", "超过", None),
        (1_000_000, "亩", "达到", None),
        (3, "个百分点", "下降", None),
    ]


def test_it_reads_a_forward_statistic_with_a_deadline():
    assert figures("年底前生产安全事故起数同比下降10%以上") == [(10, "%", "不低于", "年底前")]


def test_it_reads_percentages_written_in_words():
    assert figures("确保农村生活污水治理率达到百分之八十") == [(80, "%", "达到", None)]
