import pytest

from luoshi.indicators import services


@pytest.fixture
def poverty(tree):
    """贫困人口脱贫 (人), summed up the tree, monthly flows."""
    return services.indicator_create(
        actor=tree.user("province", "supervisor"), owner=tree.province, name="贫困人口脱贫", measure_unit="人"
    )


@pytest.fixture
def pm25(tree):
    return services.indicator_create(
        actor=tree.user("province", "supervisor"),
        owner=tree.province,
        name="PM2.5平均浓度",
        measure_unit="μg/m³",
        direction="down",
        aggregation="mean",
    )
