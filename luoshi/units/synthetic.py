"""Synthetic villages for benchmarks: real Hebei townships, made-up villages marked as such.

No package ships village codes, so the scale benchmarks (≈50,000 villages, as in Hebei) hang
made-up villages under the real townships: codes ``<township>001…``, names 合成村N, source
``synthetic`` so they can never be mistaken for real data.
"""

from __future__ import annotations

from django.db import transaction

from .models import Kind, Level, Source, Unit


@transaction.atomic
def add_villages(total: int) -> int:
    """Spread about ``total`` synthetic villages over the existing townships; returns the count."""
    townships = list(Unit.objects.filter(level=Level.TOWNSHIP, kind=Kind.DIVISION).only("pk", "code", "path"))
    if not townships:
        return 0
    per = max(1, -(-total // len(townships)))
    rows = []
    for township in townships:
        for i in range(1, per + 1):
            code = township.code[:9] + f"{i:03d}"
            rows.append(
                Unit(
                    code=code,
                    name=f"合成村{i}",
                    short_name=f"合成村{i}",
                    level=Level.VILLAGE,
                    kind=Kind.DIVISION,
                    parent_id=township.pk,
                    path=f"{township.path}/{code}",
                    source=Source.SYNTHETIC,
                )
            )
            if len(rows) >= total:
                break
        if len(rows) >= total:
            break
    Unit.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)
