"""The tamper-evident audit chain.

Every audit entry is sealed into a hash chain: ``hash = sha256(prev_hash + canonical(entry))``,
in chain order (``chain_seq`` 1, 2, 3…). Editing a sealed row, deleting one, or reordering
breaks the chain, and ``verify`` names the first broken link.

Entries are written inside the transactions of the services that make the changes; chaining
them there would make every writing transaction in the system wait on one lock until it
commits. So sealing is a separate step (the worker runs it every minute; ``luoshi audit seal``
runs it by hand): it takes the lock, reads the committed entries not yet sealed (oldest
first), and appends them to the chain. An entry that commits late is simply sealed later,
at the chain's end. What the chain protects is what has been sealed; ``verify`` reports how
many entries still wait.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction

from .models import AuditEntry

GENESIS = "0" * 64
FIELDS = (
    "id",
    "time",
    "actor_id",
    "actor_name",
    "batch",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "related_type",
    "related_id",
    "unit_path",
    "before",
    "after",
    "message",
)


def canonical(row: dict) -> bytes:
    """The entry's content as canonical JSON (sorted keys, no spaces, UTF-8)."""
    data = {k: row[k] for k in FIELDS}
    data["time"] = row["time"].isoformat(timespec="microseconds")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def link(prev_hash: str, row: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(row)).hexdigest()


def _lock() -> None:
    # SQLite's IMMEDIATE transactions already serialise writers; PostgreSQL needs a lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x4C55_4F53_4849])  # "LUOSHI"


def seal(batch_size: int = 5000) -> int:
    """Append every committed, unsealed entry to the chain; returns how many were sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            _lock()
            head = (
                AuditEntry.objects.exclude(chain_seq=None)
                .order_by("-chain_seq")
                .values("chain_seq", "hash")
                .first()
            )
            seq, prev = (head["chain_seq"], head["hash"]) if head else (0, GENESIS)
            rows = list(AuditEntry.objects.filter(chain_seq=None).order_by("id").values(*FIELDS)[:batch_size])
            if not rows:
                return sealed
            updates = []
            for row in rows:
                seq += 1
                digest = link(prev, row)
                updates.append(AuditEntry(id=row["id"], chain_seq=seq, prev_hash=prev, hash=digest))
                prev = digest
            # The only update the application ever makes to an audit row: its seal.
            AuditEntry.objects.bulk_update(updates, ["chain_seq", "prev_hash", "hash"], batch_size=1000)
            sealed += len(updates)


@dataclass
class Verdict:
    ok: bool
    checked: int
    unsealed: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.checked} entries verified, {self.unsealed} not yet sealed"
        return (
            f"audit chain broken at link {self.broken_seq} (entry id {self.broken_id}): {self.reason}; "
            f"{self.checked} entries verified before it"
        )


def verify(batch_size: int = 5000) -> Verdict:
    """Recompute the chain from the first link; stop at the first that does not hold."""
    prev, expected_seq, checked = GENESIS, 1, 0
    last = 0
    while True:
        rows = list(
            AuditEntry.objects.exclude(chain_seq=None)
            .filter(chain_seq__gt=last)
            .order_by("chain_seq")
            .values("chain_seq", "prev_hash", "hash", *FIELDS)[:batch_size]
        )
        if not rows:
            break
        for row in rows:
            if row["chain_seq"] != expected_seq:
                return Verdict(
                    False,
                    checked,
                    _unsealed(),
                    expected_seq,
                    None,
                    f"link {expected_seq} is missing (next present is {row['chain_seq']}): an entry was deleted",
                )
            if row["prev_hash"] != prev:
                return Verdict(
                    False,
                    checked,
                    _unsealed(),
                    row["chain_seq"],
                    row["id"],
                    "it does not point at the previous link",
                )
            if link(prev, row) != row["hash"]:
                return Verdict(
                    False,
                    checked,
                    _unsealed(),
                    row["chain_seq"],
                    row["id"],
                    "its content does not match its hash: the entry was altered",
                )
            prev = row["hash"]
            expected_seq += 1
            checked += 1
            last = row["chain_seq"]
    return Verdict(True, checked, _unsealed())


def _unsealed() -> int:
    return AuditEntry.objects.filter(chain_seq=None).count()
