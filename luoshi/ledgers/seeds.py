"""The templates luoshi ships, from the seed reports: "逐人建立清单台账" (a row per poverty
household), "42项城市更新重点项目" (a monthly project ledger), 空心村治理 (hollow villages).

Data, not code: labels and choices are the Chinese the offices use. ``level`` is the level
of the units that fill the ledger, under the root given to ``ledgers_seed``.
"""

from __future__ import annotations

# The dynamic-monitoring line for per-capita net income (元/年). Households below it are
# flagged for 动态监测预警; a province sets its own line (the 2020 national poverty line was
# about 4,000 元), so change it in the template when yours differs.
MONITORING_LINE = "6000"

POVERTY_CAUSES = [
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
    "其他",
]

SEEDS = [
    {
        "key": "poverty-households",
        "name": "脱贫攻坚建档立卡户台账",
        "description": "逐户建立清单台账：家庭情况、致贫原因、帮扶措施与收入，脱贫退出须经县级验收。",
        "cadence": "once",
        "level": "village",
        "row_key": "id_number",
        "columns": [
            {"key": "head", "label": "户主", "type": "text", "required": True},
            {"key": "id_number", "label": "身份证号", "type": "resident_id", "required": True},
            {
                "key": "household_size",
                "label": "家庭人口",
                "type": "integer",
                "required": True,
                "min_value": 1,
                "max_value": 30,
            },
            {
                "key": "cause",
                "label": "致贫原因",
                "type": "choice",
                "required": True,
                "choices": POVERTY_CAUSES,
            },
            {
                "key": "labour",
                "label": "劳动能力",
                "type": "choice",
                "required": True,
                "choices": ["有", "弱", "丧失"],
            },
            {"key": "measures", "label": "帮扶措施", "type": "text"},
            {"key": "helper", "label": "帮扶责任人", "type": "text"},
            {"key": "helper_phone", "label": "帮扶责任人电话", "type": "phone"},
            {
                "key": "income",
                "label": "人均纯收入",
                "type": "decimal",
                "required": True,
                "min_value": 0,
                "help_text": "元/年",
            },
            {
                "key": "stable",
                "label": "是否稳定脱贫",
                "type": "yesno",
                "required": True,
                "verify_level": "county",
                "verify_values": ["是"],
                "help_text": "改为“是”（脱贫退出）须经县级验收",
            },
            {"key": "monitored", "label": "监测预警", "type": "yesno"},
        ],
        "alert_rules": [
            {
                "column": "income",
                "op": "lt",
                "value": MONITORING_LINE,
                "message": f"人均纯收入低于监测线（{MONITORING_LINE}元），纳入动态监测预警",
            },
            {"column": "labour", "op": "eq", "value": "丧失", "message": "丧失劳动能力，关注兜底保障"},
        ],
    },
    {
        "key": "urban-renewal-projects",
        "name": "城市更新重点项目台账",
        "description": "城市更新重点项目逐项建立台账，按月报送投资完成和开工情况。",
        "cadence": "monthly",
        "level": "county",
        "row_key": "project",
        "columns": [
            {"key": "project", "label": "项目名称", "type": "text", "required": True},
            {"key": "total", "label": "总投资（万元）", "type": "decimal", "required": True, "min_value": 0},
            {"key": "planned", "label": "年度计划投资（万元）", "type": "decimal", "min_value": 0},
            {"key": "done", "label": "已完成投资（万元）", "type": "decimal", "min_value": 0},
            {
                "key": "status",
                "label": "开工状态",
                "type": "choice",
                "required": True,
                "choices": ["未开工", "已开工", "已竣工"],
            },
            {"key": "owner_unit", "label": "责任单位", "type": "unit", "required": True},
        ],
        "alert_rules": [
            {"column": "status", "op": "eq", "value": "未开工", "message": "项目尚未开工"},
        ],
    },
    {
        "key": "hollow-villages",
        "name": "空心村治理台账",
        "description": "逐村统计户籍户数、常住户数和空置率，明确搬迁或治理方式。",
        "cadence": "quarterly",
        "level": "township",
        "row_key": "village",
        "columns": [
            {"key": "village", "label": "村名", "type": "unit", "required": True},
            {"key": "registered", "label": "户籍户数", "type": "integer", "required": True, "min_value": 0},
            {"key": "resident", "label": "常住户数", "type": "integer", "required": True, "min_value": 0},
            {"key": "vacancy", "label": "空置率（%）", "type": "decimal", "min_value": 0, "max_value": 100},
            {
                "key": "method",
                "label": "治理方式",
                "type": "choice",
                "required": True,
                "choices": ["搬迁", "治理"],
            },
        ],
        "alert_rules": [
            {"column": "vacancy", "op": "gt", "value": "50", "message": "空置率超过50%"},
        ],
    },
]
