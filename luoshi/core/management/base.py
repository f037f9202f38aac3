"""A base for luoshi's commands: DomainError → a clear message and a non-zero exit."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from luoshi.core.exceptions import DomainError


class LuoshiCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except DomainError as exc:
            lines = [exc.message, *exc.details]
            raise CommandError("\n".join(lines), returncode=2) from exc

    def print_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))

    def print_table(self, header: list[str], rows: list[list[Any]]) -> None:
        cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
        widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
        for n, row in enumerate(cells):
            self.stdout.write("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)))
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
