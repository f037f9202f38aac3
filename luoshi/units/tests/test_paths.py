"""The path rules as pure functions (no database)."""

import pytest

from luoshi.units import paths


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("130000000000", "province"),
        ("130100000000", "city"),
        ("130102000000", "county"),
        ("130102001000", "township"),
        ("130102001001", "village"),
    ],
)
def test_it_reads_the_level_from_the_code(code, level):
    assert paths.level_of_code(code) == level


def test_it_refuses_a_malformed_code():
    with pytest.raises(ValueError):
        paths.level_of_code("13010200100")
    with pytest.raises(ValueError):
        paths.level_of_code("13010200100a")


def test_it_derives_the_parent_a_code_implies():
    assert paths.implied_parent_code("130102001001") == "130102001000"
    assert paths.implied_parent_code("130102001000") == "130102000000"
    assert paths.implied_parent_code("130682000000") == "130600000000"
    assert paths.implied_parent_code("130100000000") == "130000000000"
    assert paths.implied_parent_code("130000000000") is None


def test_it_takes_the_significant_prefix_as_segment():
    assert paths.segment_for("130102001000", "township") == "130102001"
    assert paths.segment_for("133100000000", "city") == "1331"


def test_is_within_matches_whole_segments_only():
    assert paths.is_within("13/1301/130102", "13/1301")
    assert paths.is_within("13/1301", "13/1301")
    assert not paths.is_within("13/13010", "13/1301")
    assert not paths.is_within("13/1306/130602", "13/1301")


def test_ancestor_paths_run_from_the_root():
    assert paths.ancestor_paths("13/1301/130102") == ["13", "13/1301"]
    assert paths.ancestor_paths("13") == []
