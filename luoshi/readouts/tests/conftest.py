"""Fixtures for the parser tests: plain functions, no database, no Django."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from luoshi.readouts.parser import Gazetteer


def readouts_dir() -> Path | None:
    """shared/readouts beside the repository, or LUOSHI_READOUTS_DIR."""
    env = os.environ.get("LUOSHI_READOUTS_DIR")
    if env:
        return Path(env) if Path(env).is_dir() else None
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").exists():
            candidate = parent.parent / "shared" / "readouts"
            return candidate if candidate.is_dir() else None
    return None


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture(scope="session")
def shared_readouts() -> Path:
    folder = readouts_dir()
    if folder is None or not any(folder.glob("*.gold.json")):
        pytest.skip("shared/readouts not found (set LUOSHI_READOUTS_DIR to the folder of example readouts)")
    return folder
