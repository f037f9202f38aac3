"""Peer groups over Hebei's shape, as plain records."""

from luoshi.assessment.peers import Member, peer_groups

UNITS = [
    Member(1, "130100000000", "石家庄市", "13/1301", "city"),
    Member(2, "130102000000", "长安区", "13/1301/130102", "county"),
    Member(3, "130600000000", "保定市", "13/1306", "city"),
    Member(4, "130602000000", "竞秀区", "13/1306/130602", "county"),
    Member(5, "133100000000", "雄安新区", "13/1331", "city"),
    Member(6, "130638000000", "雄县", "13/1331/130638", "county"),
    Member(7, "130682000000", "定州市", "13/130682", "county"),
    Member(8, "130181000000", "辛集市", "13/130181", "county"),
]


def names(groups):
    """Members by group (in path order in the result; compared as sets here)."""
    return {k: {m.name for m in v} for k, v in groups.items()}


def test_cities_rank_with_cities_and_the_direct_county_level_cities_where_the_scheme_puts_them():
    assert names(peer_groups("13", UNITS, level="city", direct="cities")) == {
        "city": {"石家庄市", "保定市", "雄安新区", "辛集市", "定州市"}
    }
    assert names(peer_groups("13", UNITS, level="city", direct="counties")) == {
        "city": {"石家庄市", "保定市", "雄安新区"}
    }
    assert names(peer_groups("13", UNITS, level="city", direct="separate")) == {
        "city": {"石家庄市", "保定市", "雄安新区"},
        "direct": {"辛集市", "定州市"},
    }


def test_counties_rank_with_counties_including_雄安s_and_the_direct_ones_when_placed_there():
    assert names(peer_groups("13", UNITS, level="county", direct="counties")) == {
        "county": {"长安区", "竞秀区", "雄县", "辛集市", "定州市"}
    }
    assert names(peer_groups("13", UNITS, level="county", direct="cities")) == {
        "county": {"长安区", "竞秀区", "雄县"}
    }


def test_a_citys_scheme_ranks_its_own_counties_only():
    assert names(peer_groups("13/1306", UNITS, level="county", direct="cities", owner_level="city")) == {
        "county": {"竞秀区"}
    }
