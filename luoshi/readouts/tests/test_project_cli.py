"""`luoshi readout parse|score` through the project's console script entry point."""

from __future__ import annotations

import json

import pytest

from luoshi.cli import main

from .test_cli import READOUT


def test_luoshi_readout_parse_prints_the_json_contract(tmp_path, capsys):
    path = tmp_path / "readout.txt"
    path.write_text(READOUT, encoding="utf-8")
    assert main(["readout", "parse", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"meeting", "items", "notes"}
    assert data["items"][0]["units"] == ["廊坊市"]


def test_luoshi_readout_parse_reports_a_missing_file(tmp_path, capsys):
    assert main(["readout", "parse", str(tmp_path / "nope.txt")]) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_luoshi_readout_score_scores_the_shared_readouts(shared_readouts, capsys):
    assert main(["readout", "score", str(shared_readouts)]) == 0
    out = capsys.readouterr().out
    assert out.strip()


def test_luoshi_readout_score_refuses_a_folder_without_gold_files(tmp_path, capsys):
    assert main(["readout", "score", str(tmp_path)]) == 2
    assert "gold" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["readout", "parse"], ["readout", "parse", "x", "--format", "xml"]])
def test_bad_arguments_exit_with_2(argv, capsys):
    assert main(argv) == 2
