"""The parser's output: plain dataclasses with a `to_dict()` that gives the JSON contract.

Fields that are not part of the contract (an item's enumerator, the evidence text of a
target) live on the dataclasses for the scorer and the import wizard, but are left out of
`to_dict()`, which returns exactly the keys DESIGN.md names (plus a top-level `notes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Target:
    """A forward-looking figure: 3.4万贫困人口 -> value 34000, unit 人."""

    value: int | float
    unit: str
    direction: str | None = None
    deadline: str | None = None
    text: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "unit": self.unit,
            "direction": self.direction,
            "deadline": self.deadline,
        }


@dataclass(slots=True)
class Item:
    """One piece of work the meeting deployed.

    `enumerator` is the marker when the item came from an enumeration (一要, 二是, 第三);
    the scorer counts these against a gold file's `numbered_items`. The marker also stays
    at the start of `text`, so a JSON consumer can recognise enumerated items too.
    """

    text: str
    units: list[str] = field(default_factory=list)
    deadline: str | None = None
    targets: list[Target] = field(default_factory=list)
    enumerator: str | None = None
    article: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "units": list(self.units),
            "deadline": self.deadline,
            "targets": [t.to_dict() for t in self.targets],
        }


@dataclass(slots=True)
class Meeting:
    """Metadata of the (first) meeting in the text. `date` is MM-DD, `place` a full name."""

    date: str | None = None
    place: str | None = None
    video: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "place": self.place, "video": self.video}


@dataclass(slots=True)
class Readout:
    """The parse result of one text."""

    meeting: Meeting = field(default_factory=Meeting)
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def numbered_items(self) -> int:
        """How many items came from an enumeration (一要…八要, 一是…, 第一…)."""
        return sum(1 for item in self.items if item.enumerator)

    @property
    def units(self) -> list[str]:
        """All assignee units over all items, in order of first appearance."""
        seen: dict[str, None] = {}
        for item in self.items:
            for unit in item.units:
                seen.setdefault(unit, None)
        return list(seen)

    @property
    def targets(self) -> list[Target]:
        return [t for item in self.items for t in item.targets]

    def to_dict(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting.to_dict(),
            "items": [item.to_dict() for item in self.items],
            "notes": list(self.notes),
        }
