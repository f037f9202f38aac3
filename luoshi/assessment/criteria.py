"""The registry of criterion sources: where each kind of criterion gets its raw values.

A source is ``fn(units, ctx) -> {unit id: Raw}``, called once per criterion for all the
scheme's units (so it can answer in a few queries whatever their number). A unit missing
from the answer, or with ``Raw(None)``, has nothing to measure for that criterion.

The built-in sources (``sources.py``) read tasks, reports and indicators. Another app adds
its own in its AppConfig.ready, e.g. supervision's notices::

    from luoshi.assessment.criteria import register_criterion
    register_criterion("notices_received", count_notices, label=_("Supervision notices received"),
                       direction="down", measure="件")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Raw:
    value: float | None
    text: str = ""  # how the value was reached, for the explanation ("12/15 项按期办结")


@dataclass(frozen=True)
class Context:
    """What a source is asked about: the period [start, until] and the criterion's parameters."""

    start: dt.date
    until: dt.date
    owner_path: str
    params: dict[str, Any] = field(default_factory=dict)


Source = Callable[[Sequence[Any], Context], dict[int, Raw]]


@dataclass(frozen=True)
class Kind:
    key: str
    fn: Source
    label: Any  # a lazy translation
    direction: str = "up"
    measure: str = "%"
    params_help: Any = ""


_REGISTRY: dict[str, Kind] = {}


def register_criterion(
    kind: str, fn: Source, *, label: Any, direction: str = "up", measure: str = "%", params_help: Any = ""
) -> None:
    """Make ``kind`` available to schemes (registering the same kind again replaces it)."""
    _REGISTRY[kind] = Kind(kind, fn, label, direction, measure, params_help)


def unregister_criterion(kind: str) -> None:
    _REGISTRY.pop(kind, None)


def get(kind: str) -> Kind | None:
    return _REGISTRY.get(kind)


def kinds() -> list[Kind]:
    return list(_REGISTRY.values())
