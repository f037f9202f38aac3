"""The command line: JSON and table output, and bad input without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from luoshi.readouts.parser.cli import main

READOUT = (
    "3月28日，全省安全生产工作会议在石家庄召开。会议以视频会议形式召开。"
    "会议强调，廊坊要加强监管，确保年底前事故起数下降10%以上。"
)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_it_prints_the_json_contract(tmp_path, capsys):
    assert main(["parse", write(tmp_path, "a.txt", READOUT.encode()), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["meeting"] == {"date": "03-28", "place": "石家庄市", "video": True}
    assert data["items"][0]["units"] == ["廊坊市"]
    assert data["items"][0]["targets"] == [
        {"value": 10, "unit": "%", "direction": "不低于", "deadline": "年底前"}
    ]


def test_it_prints_a_table(tmp_path, capsys):
    assert main(["parse", write(tmp_path, "a.txt", READOUT.encode()), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "序号" in out and "责任单位" in out and "廊坊市" in out and "不低于10%" in out


def test_it_reads_a_gbk_file(tmp_path, capsys):
    assert main(["parse", write(tmp_path, "gbk.txt", READOUT.encode("gbk"))]) == 0
    assert json.loads(capsys.readouterr().out)["items"][0]["units"] == ["廊坊市"]


def test_it_reports_a_missing_file_on_stderr_with_exit_code_2(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert "文件不存在" in err and "Traceback" not in err


def test_it_refuses_a_binary_file_with_exit_code_2(tmp_path, capsys):
    path = write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert main(["parse", path]) == 2
    assert "文件不是文本文件" in capsys.readouterr().err


def test_it_accepts_an_empty_file_with_a_note(tmp_path, capsys):
    assert main(["parse", write(tmp_path, "empty.txt", b"")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["items"] == [] and data["notes"]


def test_it_accepts_a_text_that_is_not_a_readout(tmp_path, capsys):
    path = write(tmp_path, "poem.txt", "床前明月光，疑是地上霜。举头望明月，低头思故乡。".encode())
    assert main(["parse", path]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["items"] == [] and "未识别到会议部署事项" in data["notes"][-1]


def test_it_survives_a_five_megabyte_text(tmp_path, capsys):
    path = write(tmp_path, "big.txt", (READOUT * 60_000).encode()[: 5 * 1024 * 1024])
    assert main(["parse", path]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["items"] and any("文本过长" in note for note in data["notes"])


def test_it_rejects_an_unknown_format_with_exit_code_2(tmp_path, capsys):
    assert main(["parse", write(tmp_path, "a.txt", READOUT.encode()), "--format", "xml"]) == 2


def test_it_scores_a_folder_of_gold_files(tmp_path, capsys):
    write(tmp_path, "one.txt", READOUT.encode())
    gold = {
        "meeting": {"date": "03-28", "place": "石家庄市", "video": True},
        "numbered_items": 0,
        "units": ["廊坊市"],
        "targets": [{"value": 10, "unit": "%", "direction": "不低于", "deadline": "年底前"}],
    }
    write(tmp_path, "one.gold.json", json.dumps(gold, ensure_ascii=False).encode())
    assert main(["score", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "F1 1.00" in out


def test_it_runs_as_a_module_without_django(tmp_path):
    path = write(tmp_path, "a.txt", READOUT.encode())
    code = "import sys, runpy; sys.argv=['x','parse',sys.argv[1]]; runpy.run_module('luoshi.readouts.parser', run_name='__main__')"
    probe = f"{code}\n"
    result = subprocess.run(
        [sys.executable, "-c", probe + "", path],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["items"]
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, luoshi.readouts.parser as p; p.parse('会议强调，要抓好落实。'); "
            "print('django' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert check.stdout.strip() == "False"
