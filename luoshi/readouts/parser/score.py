"""Score parser output against gold files (NAME.txt beside NAME.gold.json).

What is compared, and how:

- Units: the set of all units over all items against gold `units`. A predicted name that
  is listed in `unit_aliases` counts as its canonical name. Names in `units_optional`
  (and their aliases) are neither rewarded nor penalised: they are removed from both sides.
- Targets: one-to-one matching of predicted targets to gold `targets`. A pair matches when
  the values agree within 0.5% (relative; exact for small integers) and the unit is the
  gold unit or one of its `unit_alternatives`. Direction and deadline are not required for a
  match: a target found with a debatable direction (达到 vs 不低于) is still the right target.
  They are reported separately as the share of matched targets whose direction / deadline
  equal gold. Predicted targets that match a `targets_optional` entry are ignored.
- Numbered items: the number of items whose `enumerator` is set (items made from
  一要…, 一是…, 第一… runs; the marker also opens the item's text), against gold
  `numbered_items`.
- Meeting: date, place and video, each right or wrong.

Totals are micro-averaged (true/false positives summed over files). With nothing to find
and nothing found, precision and recall are 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gazetteer import Gazetteer
from .model import Readout, Target
from .normalize import decode
from .pipeline import parse


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return f"P {self.precision:.2f} R {self.recall:.2f} F1 {self.f1:.2f} (tp {self.tp} fp {self.fp} fn {self.fn})"


@dataclass(slots=True)
class FileScore:
    name: str
    units: Counts
    targets: Counts
    numbered: int
    numbered_gold: int
    meeting_ok: dict[str, bool]
    direction_agree: int = 0
    deadline_agree: int = 0
    unit_errors: list[str] = field(default_factory=list)
    target_errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    files: list[FileScore]

    @property
    def units(self) -> Counts:
        total = Counts()
        for f in self.files:
            total.add(f.units)
        return total

    @property
    def targets(self) -> Counts:
        total = Counts()
        for f in self.files:
            total.add(f.targets)
        return total

    @property
    def numbered_exact(self) -> bool:
        return all(f.numbered == f.numbered_gold for f in self.files)


def score_readout(readout: Readout, gold: dict[str, Any], name: str = "") -> FileScore:
    units = _score_units(readout.units, gold)
    targets, direction_agree, deadline_agree, target_errors = _score_targets(readout.targets, gold)
    meeting = gold.get("meeting", {})
    got = readout.meeting.to_dict()
    meeting_ok = {k: got.get(k) == meeting.get(k) for k in ("date", "place", "video") if k in meeting}
    score = FileScore(
        name=name,
        units=units[0],
        targets=targets,
        numbered=readout.numbered_items,
        numbered_gold=int(gold.get("numbered_items", 0)),
        meeting_ok=meeting_ok,
        direction_agree=direction_agree,
        deadline_agree=deadline_agree,
    )
    score.unit_errors = units[1]
    score.target_errors = target_errors
    return score


def _score_units(predicted: list[str], gold: dict[str, Any]) -> tuple[Counts, list[str]]:
    aliases: dict[str, str] = {}
    for canonical, names in (gold.get("unit_aliases") or {}).items():
        for alias in names:
            aliases[alias] = canonical
    optional = set(gold.get("units_optional") or [])
    canonical_pred = {aliases.get(u, u) for u in predicted} - optional
    gold_set = set(gold.get("units") or []) - optional
    counts = Counts(
        tp=len(canonical_pred & gold_set),
        fp=len(canonical_pred - gold_set),
        fn=len(gold_set - canonical_pred),
    )
    errors = [f"+{u}" for u in sorted(canonical_pred - gold_set)] + [
        f"-{u}" for u in sorted(gold_set - canonical_pred)
    ]
    return counts, errors


def _values_match(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-9, 0.005 * abs(b))


def _target_matches(pred: Target, gold: dict[str, Any]) -> bool:
    units = {gold.get("unit"), *(gold.get("unit_alternatives") or [])}
    return pred.unit in units and _values_match(float(pred.value), float(gold.get("value", 0)))


def _score_targets(predicted: list[Target], gold: dict[str, Any]) -> tuple[Counts, int, int, list[str]]:
    remaining = list(gold.get("targets") or [])
    optional = list(gold.get("targets_optional") or [])
    counts = Counts()
    direction_agree = deadline_agree = 0
    errors = []
    for pred in predicted:
        match = next((g for g in remaining if _target_matches(pred, g)), None)
        if match is not None:
            remaining.remove(match)
            counts.tp += 1
            direction_agree += pred.direction == match.get("direction")
            deadline_agree += pred.deadline == match.get("deadline")
            continue
        if any(_target_matches(pred, g) for g in optional):
            continue
        counts.fp += 1
        errors.append(f"+{pred.value} {pred.unit} ({pred.text[:30]})")
    counts.fn = len(remaining)
    errors += [f"-{g.get('value')} {g.get('unit')} ({g.get('text', '')[:30]})" for g in remaining]
    return counts, direction_agree, deadline_agree, errors


def score_dir(directory: str | Path, gazetteer: Gazetteer | None = None) -> Report:
    """Parse every NAME.txt that has a NAME.gold.json beside it and score it."""
    files = []
    for gold_path in sorted(Path(directory).glob("*.gold.json")):
        text_path = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt")
        if not text_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        readout = parse(decode(text_path.read_bytes()), gazetteer)
        files.append(score_readout(readout, gold, text_path.stem))
    return Report(files)


def format_report(report: Report, *, verbose: bool = False) -> str:
    lines = []
    for f in report.files:
        meeting = " ".join(f"{k}{'✓' if ok else '✗'}" for k, ok in f.meeting_ok.items())
        lines.append(f"{f.name}")
        lines.append(f"  units    {f.units}")
        lines.append(
            f"  targets  {f.targets}  direction {f.direction_agree}/{f.targets.tp} deadline {f.deadline_agree}/{f.targets.tp}"
        )
        mark = "✓" if f.numbered == f.numbered_gold else "✗"
        lines.append(f"  numbered {f.numbered}/{f.numbered_gold} {mark}   meeting {meeting}")
        if verbose:
            for error in f.unit_errors + f.target_errors:
                lines.append(f"    {error}")
    lines.append("overall")
    lines.append(f"  units    {report.units}")
    lines.append(f"  targets  {report.targets}")
    exact = sum(1 for f in report.files if f.numbered == f.numbered_gold)
    lines.append(f"  numbered exact {exact}/{len(report.files)} files")
    return "\n".join(lines)
