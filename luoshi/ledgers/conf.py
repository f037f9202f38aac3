"""Ledger limits, read from settings (set from the environment in luoshi/settings.py)."""

from __future__ import annotations

from django.conf import settings


def max_rows() -> int:
    """Rows one upload may hold (LUOSHI_LEDGER_MAX_ROWS)."""
    return getattr(settings, "LUOSHI_LEDGER_MAX_ROWS", 200_000)


def max_upload_bytes() -> int:
    """Size of an uploaded file (LUOSHI_LEDGER_MAX_UPLOAD_MB)."""
    return getattr(settings, "LUOSHI_LEDGER_MAX_UPLOAD_MB", 30) * 1024 * 1024


def max_uncompressed_bytes() -> int:
    """Total inflated size of an uploaded .xlsx (LUOSHI_LEDGER_MAX_UNCOMPRESSED_MB)."""
    return getattr(settings, "LUOSHI_LEDGER_MAX_UNCOMPRESSED_MB", 400) * 1024 * 1024


def burden_cap() -> int:
    """Fields per month a grassroots unit may be asked for before a warning."""
    return getattr(settings, "LUOSHI_BURDEN_CAP_FIELDS_PER_MONTH", 300)
