"""Benchmark the readout parser: `python -m bench readout_parse [--scale small|hebei]`.

Builds a report of about 10,000 characters (the shared example readouts concatenated, or a
synthetic report when they are not present), loads the gazetteer once (start-up), then
times `parse()` over many repetitions and prints the median and 95th percentile. Target:
under 50 ms per 10,000 characters after start-up.

`--scale small` runs fewer repetitions (a smoke test); `hebei` (the default) runs enough
for stable percentiles. Ends with exactly one line:

    BENCH readout_parse chars=… median_ms=… p95_ms=… startup_ms=…
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

TARGET_CHARS = 10_000

_SYNTHETIC_PARAGRAPH = (
    "会议强调，要坚持稳中求进工作总基调，全力以赴抓好经济运行调度。一要狠抓项目建设，确保上半年完成投资"
    "1200亿元以上。二要加强生态环境保护，确保PM2.5平均浓度下降3%左右。三要抓好民生保障，新增城镇就业5万人。"
    "廊坊、保定要加快推进重点项目建设，省发展改革委、省财政厅要加强要素保障，6月底前完成年度计划的50%。"
    "会上，承德市、张家口市作了发言。会议以视频会议形式召开，各市设分会场。\n"
)


def _readouts_dir() -> Path | None:
    env = os.environ.get("LUOSHI_READOUTS_DIR")
    if env and Path(env).is_dir():
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists():
            candidate = parent.parent / "shared" / "readouts"
            return candidate if candidate.is_dir() else None
    return None


def build_report(chars: int = TARGET_CHARS) -> str:
    """About `chars` characters of readout text."""
    folder = _readouts_dir()
    pieces = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))] if folder else []
    if not pieces:
        pieces = [_SYNTHETIC_PARAGRAPH]
    text = ""
    while len(text) < chars:
        for piece in pieces:
            text += piece + "\n"
            if len(text) >= chars:
                break
    return text[:chars]


def main(argv: list[str]) -> None:
    scale = "hebei"
    if "--scale" in argv:
        index = argv.index("--scale")
        if index + 1 < len(argv):
            scale = argv[index + 1]
    repetitions = 20 if scale == "small" else 200

    start = time.perf_counter()
    from luoshi.readouts.parser import Gazetteer, parse

    gazetteer = Gazetteer.default()
    report = build_report()
    parse(report, gazetteer)  # warms OpenCC and the regex caches too
    startup_ms = (time.perf_counter() - start) * 1000

    timings = []
    for _ in range(repetitions):
        t0 = time.perf_counter()
        parse(report, gazetteer)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(
        f"BENCH readout_parse chars={len(report)} median_ms={median:.1f} p95_ms={p95:.1f} startup_ms={startup_ms:.0f}"
    )
