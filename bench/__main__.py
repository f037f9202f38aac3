"""Dispatch ``python -m bench NAME [args…]`` to ``bench/NAME.py``'s ``main(argv)``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_")
    )


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m bench NAME [--scale small|hebei] [args…]")
        print("benchmarks: " + ", ".join(available()))
        return 0 if argv else 64
    name, rest = argv[0], argv[1:]
    if name not in available():
        print(f"no benchmark named {name!r}; available: {', '.join(available())}", file=sys.stderr)
        return 64
    importlib.import_module(f"bench.{name}").main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
