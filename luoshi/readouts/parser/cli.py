"""Command line: `parse FILE [--format json|table]` and `score DIR [-v]`.

Used as `python -m luoshi.readouts.parser …` and by the project CLI
(`luoshi readout parse FILE --format json` calls `main(["parse", FILE, "--format", "json"])`),
so it imports no Django. Errors (missing file, binary data) print one line on stderr and
return 2; there is never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from .errors import ReadoutError
from .model import Readout
from .normalize import decode
from .pipeline import parse

EXIT_OK, EXIT_ERROR = 0, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code is 2 as well; keep stderr short
        self.print_usage(sys.stderr)
        raise SystemExit(EXIT_ERROR) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="luoshi-readout", description="会议新闻稿解析")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="解析一篇会议新闻稿")
    p.add_argument("file")
    p.add_argument("--format", choices=("json", "table"), default="json")
    s = sub.add_parser("score", help="与 *.gold.json 对比打分")
    s.add_argument("dir")
    s.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.command == "parse":
            return _parse(args.file, args.format)
        return _score(args.dir, args.verbose)
    except ReadoutError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"错误：无法读取文件：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR


def _parse(file: str, fmt: str) -> int:
    path = Path(file)
    if not path.is_file():
        print(f"错误：文件不存在：{file}", file=sys.stderr)
        return EXIT_ERROR
    readout = parse(decode(path.read_bytes()))
    if fmt == "json":
        print(json.dumps(readout.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_table(readout))
    return EXIT_OK


def _score(directory: str, verbose: bool) -> int:
    from .score import format_report, score_dir

    if not Path(directory).is_dir():
        print(f"错误：目录不存在：{directory}", file=sys.stderr)
        return EXIT_ERROR
    report = score_dir(directory)
    if not report.files:
        print(f"错误：目录中没有 *.gold.json：{directory}", file=sys.stderr)
        return EXIT_ERROR
    print(format_report(report, verbose=verbose))
    return EXIT_OK


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    out, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            return out + "…"
        out += ch
        used += w
    return out


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def format_table(readout: Readout) -> str:
    """A readable text table: 序号 | 事项 | 责任单位 | 时限 | 目标."""
    m = readout.meeting
    lines = [
        f"会议日期：{m.date or '—'}  地点：{m.place or '—'}  视频会议：{'是' if m.video else '否'}",
    ]
    for note in readout.notes:
        lines.append(f"说明：{note}")
    columns = [("序号", 6), ("事项", 56), ("责任单位", 24), ("时限", 12), ("目标", 28)]
    lines.append(" | ".join(_pad(name, w) for name, w in columns))
    lines.append("-+-".join("-" * w for _, w in columns))
    for n, item in enumerate(readout.items, 1):
        targets = "；".join(
            f"{t.direction or ''}{t.value:g}{t.unit}"
            if isinstance(t.value, float)
            else f"{t.direction or ''}{t.value}{t.unit}"
            for t in item.targets
        )
        cells = [str(n), item.text, "、".join(item.units), item.deadline or "", targets]
        lines.append(" | ".join(_pad(_cut(c, w), w) for c, (_, w) in zip(cells, columns, strict=True)))
    return "\n".join(lines)
