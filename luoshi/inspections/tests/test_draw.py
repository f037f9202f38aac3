"""The random draw as a pure function: reproducible from its seed, strata, exclusions, and no
inspector ever paired with a unit they have a conflict of interest with."""

import datetime as dt
import random
from fractions import Fraction

import pytest

from luoshi.inspections import draw
from luoshi.inspections.draw import Candidate, DrawError, Inspector, Params

TODAY = dt.date(2026, 9, 15)


def _units():
    """Two cities with 6 and 3 counties, plus a county-level city under the province."""
    units = [Candidate(f"1301{n:02d}000000", f"13/1301/1301{n:02d}", "13/1301") for n in range(1, 7)]
    units += [Candidate(f"1306{n:02d}000000", f"13/1306/1306{n:02d}", "13/1306") for n in range(1, 4)]
    units.append(Candidate("130682000000", "13/130682", "13/130682"))
    return units


def _inspectors():
    return [
        Inspector("prov-1", "13"),
        Inspector("prov-2", "13"),
        Inspector("sjz-1", "13/1301"),
        Inspector("changan-1", "13/1301/130102"),
        Inspector("bd-1", "13/1306"),
        Inspector("bd-county-1", "13/1306/130602"),
    ]


def _params(**kw):
    return Params(**{"today": TODAY, "owner_path": "13", "share": Fraction(1, 2), **kw})


def test_the_same_seed_gives_the_same_draw_whatever_the_input_order():
    units, pool = _units(), _inspectors()
    first = draw.run(units, pool, _params(), "seed-2026")
    shuffled_units, shuffled_pool = units[:], pool[:]
    random.Random(7).shuffle(shuffled_units)
    random.Random(8).shuffle(shuffled_pool)
    assert draw.run(shuffled_units, shuffled_pool, _params(), "seed-2026") == first


def test_another_seed_gives_another_draw():
    units, pool = _units(), _inspectors()
    results = {tuple(draw.run(units, pool, _params(), f"s{n}").sample) for n in range(20)}
    assert len(results) > 1


def test_a_recorded_draw_verifies_and_a_tampered_one_does_not():
    units, pool, params = _units(), _inspectors(), _params(count=4, share=None)
    result = draw.run(units, pool, params, "abc")
    inputs = draw.inputs_to_json(units, pool, params)
    fingerprint = draw.digest(inputs, "abc")
    assert draw.verify(inputs, "abc", result.to_json(), fingerprint).ok
    tampered = result.to_json()
    tampered["sample"] = sorted({*tampered["sample"][1:], "130682000000", "130101000000"})
    check = draw.verify(inputs, "abc", tampered, fingerprint)
    assert not check.ok and check.digest_ok and not check.result_ok
    assert not draw.verify(inputs, "abd", result.to_json(), fingerprint).digest_ok


def test_the_record_survives_a_json_round_trip():
    import json

    units, pool, params = _units(), _inspectors(), _params()
    inputs = json.loads(json.dumps(draw.inputs_to_json(units, pool, params)))
    again_units, again_pool, again_params = draw.inputs_from_json(inputs)
    assert draw.run(again_units, again_pool, again_params, "x") == draw.run(units, pool, params, "x")


def test_a_share_draws_from_every_stratum_in_proportion():
    result = draw.run(_units(), _inspectors(), _params(), "strata")
    assert result.strata == {
        "13/130682": {"eligible": 1, "drawn": 1},
        "13/1301": {"eligible": 6, "drawn": 3},
        "13/1306": {"eligible": 3, "drawn": 2},
    }
    strata = {u.code: u.stratum for u in _units()}
    drawn = [strata[code] for code in result.sample]
    assert drawn.count("13/1301") == 3 and drawn.count("13/1306") == 2  # round-half-up(1.5)
    assert "130682000000" in result.sample


def test_a_count_gives_each_stratum_one_then_shares_out_the_rest():
    # One each, then the remaining two in proportion to what is left (5 and 2): 10/7 and 4/7.
    assert draw.allocate({"a": 6, "b": 3, "c": 1}, count=5) == {"a": 2, "b": 2, "c": 1}
    assert draw.allocate({"a": 6, "b": 3, "c": 1}, count=8) == {"a": 5, "b": 2, "c": 1}
    assert draw.allocate({"a": 6, "b": 3, "c": 1}, count=2) == {"a": 1, "b": 1, "c": 0}
    assert draw.allocate({"a": 2, "b": 1}, count=10) == {"a": 2, "b": 1}
    assert draw.allocate({"a": 6, "b": 0}, share=Fraction(1, 10)) == {"a": 1}


def test_units_checked_within_the_window_are_left_out():
    units = _units()
    units[0] = Candidate(units[0].code, units[0].path, units[0].stratum, dt.date(2026, 6, 1))
    units[1] = Candidate(units[1].code, units[1].path, units[1].stratum, dt.date(2026, 3, 14))
    units[2] = Candidate(units[2].code, units[2].path, units[2].stratum, dt.date(2026, 3, 15))
    for seed in ("a", "b", "c", "d"):
        result = draw.run(units, _inspectors(), _params(exclude_months=6, share=Fraction(1)), seed)
        assert result.excluded == [units[0].code, units[2].code]
        assert units[0].code not in result.sample and units[2].code not in result.sample
        assert units[1].code in result.sample  # checked six months and a day ago


def test_months_before_clamps_to_the_end_of_a_shorter_month():
    assert draw.months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert draw.months_before(dt.date(2026, 3, 15), 14) == dt.date(2025, 1, 15)


@pytest.mark.parametrize("seed", [str(n) for n in range(30)])
def test_no_inspector_inspects_their_own_unit_its_subordinates_or_its_superiors(seed):
    pool = _inspectors()
    paths = {i.key: i.unit_path for i in pool}
    units = _units() + [Candidate("130102000000", "13/1301/130102", "13/1301")]
    result = draw.run(units, pool, _params(share=Fraction(1), inspectors_per_unit=2), seed)
    by_code = {u.code: u.path for u in units}
    for code, keys in result.pairs.items():
        assert len(keys) == 2 and len(set(keys)) == 2
        for key in keys:
            assert not draw.conflicts(paths[key], by_code[code], "13")
            if key == "sjz-1":
                assert not by_code[code].startswith("13/1301/")
            if key == "changan-1":
                assert by_code[code] != "13/1301/130102"


def test_the_conflict_rule():
    assert draw.conflicts("13/1301", "13/1301/130102", "13")  # a subordinate
    assert draw.conflicts("13/1301/130102", "13/1301", "13")  # a superior
    assert draw.conflicts("13/1301/130102", "13/1301/130102", "13")  # one's own unit
    assert not draw.conflicts("13/1301/130104", "13/1301/130102", "13")  # a sibling: cross-check
    assert not draw.conflicts("13", "13/1301/130102", "13")  # the organizer's own staff
    assert not draw.conflicts("13/1301", "13/1301/130102", "13/1301")  # the organizer is the city


def test_work_is_spread_evenly_over_the_inspectors():
    pool = [Inspector(f"p{n}", "13") for n in range(5)]
    result = draw.run(_units(), pool, _params(share=Fraction(1), inspectors_per_unit=1), "even")
    load = {}
    for keys in result.pairs.values():
        for key in keys:
            load[key] = load.get(key, 0) + 1
    assert sorted(load.values()) == [2, 2, 2, 2, 2]


def test_it_refuses_when_too_few_inspectors_are_free_of_conflicts():
    pool = [Inspector("sjz-1", "13/1301"), Inspector("sjz-2", "13/1301/130101")]
    units = [Candidate("130101000000", "13/1301/130101", "")]
    with pytest.raises(DrawError) as exc:
        draw.run(units, pool, _params(share=Fraction(1), inspectors_per_unit=1), "x")
    assert exc.value.code == "too_few_inspectors" and exc.value.subject == "130101000000"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"share": None}, "share_or_count"),
        ({"count": 3}, "share_or_count"),
        ({"share": Fraction(0)}, "bad_share"),
        ({"share": Fraction(3, 2)}, "bad_share"),
        ({"share": None, "count": 0}, "bad_count"),
        ({"exclude_months": -1}, "bad_window"),
        ({"inspectors_per_unit": 0}, "bad_inspectors"),
    ],
)
def test_it_refuses_bad_parameters(kw, code):
    with pytest.raises(DrawError) as exc:
        draw.run(_units(), _inspectors(), _params(**kw), "x")
    assert exc.value.code == code


def test_it_refuses_an_empty_population():
    with pytest.raises(DrawError) as exc:
        draw.run([], _inspectors(), _params(), "x")
    assert exc.value.code == "empty"
