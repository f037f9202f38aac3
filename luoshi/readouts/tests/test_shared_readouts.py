"""The example readouts with gold answers: quality must not regress."""

from __future__ import annotations

import json

from luoshi.readouts.parser import decode, parse
from luoshi.readouts.parser.score import score_dir


def test_it_scores_at_least_point_nine_on_units_and_targets(shared_readouts):
    report = score_dir(shared_readouts)
    assert report.files
    assert report.units.f1 >= 0.9, report.units
    assert report.targets.f1 >= 0.9, report.targets


def test_it_counts_numbered_items_exactly(shared_readouts):
    report = score_dir(shared_readouts)
    assert report.numbered_exact, [(f.name, f.numbered, f.numbered_gold) for f in report.files]


def test_it_gets_the_meeting_metadata_of_every_example(shared_readouts):
    report = score_dir(shared_readouts)
    for file in report.files:
        assert all(file.meeting_ok.values()), (file.name, file.meeting_ok)


def test_its_json_has_exactly_the_contract_keys(shared_readouts):
    for path in sorted(shared_readouts.glob("*.txt")):
        data = parse(decode(path.read_bytes())).to_dict()
        assert set(data) <= {"meeting", "items", "notes"}
        assert set(data["meeting"]) == {"date", "place", "video"}
        for item in data["items"]:
            assert set(item) == {"text", "units", "deadline", "targets"}
            for target in item["targets"]:
                assert set(target) == {"value", "unit", "direction", "deadline"}
        json.dumps(data, ensure_ascii=False)
