"""The ranking table of a run as the user may see it: shared by the page, the API and Excel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .models import Run, Score

GROUP_LABELS = {
    "city": gettext_lazy("Cities"),
    "county": gettext_lazy("Counties"),
    "township": gettext_lazy("Townships"),
    "direct": gettext_lazy("County-level cities under the province"),
}


def group_label(key: str) -> str:
    return str(GROUP_LABELS.get(key, key))


@dataclass
class Line:
    score: Score
    explained: bool  # the user may read this unit's explanation
    cells: list[dict[str, Any] | None]  # per criterion of the run, None where not explained

    @property
    def movement(self) -> int | None:
        return self.score.movement


@dataclass
class Group:
    key: str
    label: str
    lines: list[Line]
    size: int


def ranking(user: Any, run: Run) -> list[Group]:
    """The visible rows of ``run`` by peer group, best first. Two queries."""
    keys = [c["key"] for c in run.criteria]
    groups: dict[str, Group] = {}
    for score in selectors.scores_visible_to(user, run).order_by("group", "rank", "unit_code"):
        explained = selectors.explanation_visible(user, run, score)
        by_key = {c["key"]: c for c in score.detail.get("criteria", [])}
        cells = [by_key.get(k) if explained else None for k in keys]
        group = groups.setdefault(
            score.group, Group(score.group, group_label(score.group), [], score.group_size)
        )
        group.lines.append(Line(score, explained, cells))
    order = ["city", "direct", "county", "township"]
    return sorted(groups.values(), key=lambda g: order.index(g.key) if g.key in order else 99)


def visible_diff(user: Any, run: Run, groups: list[Group]) -> list[dict[str, Any]]:
    """The publication's changes, limited to units the user sees (criteria only where the
    explanation is visible). A unit that left the ranking shows to those who see all."""
    publication = getattr(run, "publication", None)
    if publication is None:
        return []
    seen = {line.score.unit_code: line.explained for g in groups for line in g.lines}
    everything = selectors.sees_all(user, run.scheme)
    out = []
    for change in publication.diff:
        if change["code"] not in seen and not everything:
            continue
        item = dict(change)
        if not (everything or seen.get(change["code"])):
            item["criteria"] = []
        out.append(item)
    return out


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def movement_text(value: int | None) -> str:
    if value is None:
        return "—"
    if value > 0:
        return _("up %(n)d") % {"n": value}
    if value < 0:
        return _("down %(n)d") % {"n": -value}
    return _("unchanged")
