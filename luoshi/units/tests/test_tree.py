"""The supervision tree on the database: overrides, subtree queries, re-parenting, refusals."""

import pytest

from luoshi.audit.models import AuditEntry
from luoshi.core.exceptions import DomainError
from luoshi.units import services
from luoshi.units.models import Unit
from luoshi.units.paths import subtree_q


def test_dingzhou_is_supervised_by_the_province_but_keeps_its_code(tree):
    assert tree.dingzhou.parent == tree.province
    assert tree.dingzhou.code == "130682000000"
    assert tree.dingzhou.path == "13/130682"


def test_xiongxian_lies_under_xiongan_with_its_baoding_code(tree):
    assert tree.xiongxian.parent == tree.xiongan
    assert tree.xiongxian.code.startswith("1306")
    assert tree.xiongxian.path == "13/1331/130638"
    assert Unit.objects.filter(subtree_q(tree.baoding.path)).count() == 1  # 保定 alone


def test_a_subtree_query_returns_exactly_the_descendants(tree):
    services.departments_add(actor=None, division=tree.city)
    under_city = set(Unit.objects.filter(subtree_q(tree.city.path)).values_list("code", flat=True))
    expected = {
        u.code
        for u in Unit.objects.all()
        if u.path == tree.city.path or u.path.startswith(tree.city.path + "/")
    }
    assert under_city == expected
    assert tree.county.code in under_city and tree.village.code in under_city
    assert tree.baoding.code not in under_city and tree.xiongxian.code not in under_city
    assert "130100000000-fgw" in under_city
    under_county = set(
        Unit.objects.filter(subtree_q(tree.county.path, include_self=False)).values_list("name", flat=True)
    )
    assert under_county == {"建北街道", "建北社区"}


def test_the_subtree_query_uses_a_range_not_like(tree):
    sql = str(Unit.objects.filter(subtree_q("13/1301")).query)
    assert "LIKE" not in sql.upper()


def test_reparenting_moves_the_whole_subtree_in_one_transaction(tree):
    services.unit_reparent(actor=None, unit=tree.county, parent=tree.baoding)
    tree.village.refresh_from_db()
    assert tree.village.path == "13/1306/130102/130102001/130102001001"
    assert not Unit.objects.filter(subtree_q("13/1301/130102")).exists()
    entry = AuditEntry.objects.filter(object_id=str(tree.county.pk), action="reparent").get()
    assert entry.before["path"] == "13/1301/130102" and entry.after["path"] == "13/1306/130102"


def test_it_refuses_to_place_a_unit_under_its_own_descendant(tree):
    with pytest.raises(DomainError) as err:
        services.unit_reparent(actor=None, unit=tree.city, parent=tree.township)
    assert err.value.code == "cycle"
    tree.city.refresh_from_db()
    assert tree.city.path == "13/1301"


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("13010200200", "township", "bad_code"),
        ("13010200200X", "township", "bad_code"),
        ("130102002000", "village", "bad_level"),
    ],
)
def test_it_refuses_a_malformed_code_with_a_clear_message_and_writes_nothing(tree, code, level, expected):
    before = (Unit.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as err:
        services.unit_create(actor=None, code=code, name="测试", level=level, parent=tree.county)
    assert err.value.code == expected
    assert code in err.value.message
    assert (Unit.objects.count(), AuditEntry.objects.count()) == before


def test_it_refuses_a_unit_without_a_parent(tree):
    with pytest.raises(DomainError) as err:
        services.unit_create(actor=None, code="130102003000", name="无上级", level="township", parent=None)
    assert err.value.code == "unknown_parent"
    assert not Unit.objects.filter(code="130102003000").exists()


def test_it_refuses_a_duplicate_code(tree):
    with pytest.raises(DomainError) as err:
        services.unit_create(actor=None, code="130102000000", name="重复", level="county", parent=tree.city)
    assert err.value.code == "duplicate"


def test_renaming_keeps_the_old_name_as_an_alias_and_audits_before_and_after(tree):
    services.unit_rename(actor=tree.user("city", "admin"), unit=tree.county, name="长安新区")
    assert tree.county.aliases.filter(name="长安区", kind="former").exists()
    entry = AuditEntry.objects.filter(object_id=str(tree.county.pk), action="update").latest("id")
    assert entry.before["name"] == "长安区"
    assert entry.after["name"] == "长安新区"
    assert entry.actor_name == "city-admin"
    assert entry.diff() == [("name", "长安区", "长安新区")]  # short name 长安 stays


def test_short_names_drop_the_suffix_but_never_below_two_characters():
    assert services.short_name_of("石家庄市") == "石家庄"
    assert services.short_name_of("雄县") == "雄县"
    assert services.short_name_of("雄安新区") == "雄安"
    assert services.short_name_of("围场满族蒙古族自治县") == "围场"
    assert services.short_name_of("内蒙古自治区") == "内蒙古"
    assert services.short_name_of("建北街道") == "建北"


def test_departments_come_with_their_aliases(tree):
    created = services.departments_add(actor=None, division=tree.province)
    names = {u.name for u in created}
    assert {"河北省发展和改革委员会", "河北省生态环境厅", "河北省乡村振兴局", "河北省财政厅"} <= names
    fgw = Unit.objects.get(code="130000000000-fgw")
    aliases = set(fgw.aliases.values_list("name", flat=True))
    assert {"省发展改革委", "省发改委", "河北省发改委"} <= aliases
    assert fgw.path == "13/13-fgw" and fgw.kind == "department"
    # Idempotent, and the same set can be added for a city.
    assert services.departments_add(actor=None, division=tree.province) == []
    city_depts = services.departments_add(actor=None, division=tree.city)
    assert "石家庄市生态环境局" in {u.name for u in city_depts}


def test_departments_are_refused_for_a_township(tree):
    with pytest.raises(DomainError):
        services.departments_add(actor=None, division=tree.township)


def test_groups_follow_their_rule(tree):
    from luoshi.units.models import UnitGroup
    from luoshi.units.selectors import group_members

    group = services.group_create(
        actor=None,
        owner=tree.province,
        name="各市（含定州、辛集市）和雄安新区",
        rule=UnitGroup.Rule.CHILDREN,
        root=tree.province,
    )
    assert {u.name for u in group_members(group)} == {"石家庄市", "保定市", "定州市", "雄安新区"}
    counties = services.group_create(
        actor=None,
        owner=tree.province,
        name="全省县",
        rule=UnitGroup.Rule.LEVEL,
        root=tree.province,
        level="county",
    )
    assert {u.name for u in group_members(counties)} == {"长安区", "桥西区", "定州市", "雄县"}


def test_a_group_cannot_reach_outside_its_owner(tree):
    from luoshi.units.models import UnitGroup

    with pytest.raises(DomainError) as err:
        services.group_create(
            actor=None, owner=tree.county, name="越界", rule=UnitGroup.Rule.MEMBERS, members=[tree.sibling]
        )
    assert err.value.code == "out_of_scope"
