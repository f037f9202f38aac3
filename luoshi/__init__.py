"""luoshi (落实): from a meeting's decisions to an accountable, tracked ledger."""

__version__ = "0.1.0"
