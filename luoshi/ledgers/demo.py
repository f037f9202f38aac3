"""The ledgers of the demo: the shipped templates, owned by the province, filled under 石家庄市.

The demo's units stop at townships, so the household ledger (filled by villages in real
use) is filled by the townships of 长安区 here, and 建北街道 gets three sample households.
"""

from __future__ import annotations

from luoshi.units.models import Unit

from .models import Ledger
from .services import ledgers_seed, row_submit
from .validation import resident_id_check_char

SAMPLE_HOUSEHOLDS = [
    ("王秀英", "130102196504120021", 3, "因病", "弱", "7200", "否"),
    ("李建国", "130102195811030013", 2, "因残", "丧失", "5100", "否"),
    ("张丽", "130102197902150048", 4, "缺技术", "有", "9800", "是"),
]


def _id(body17: str) -> str:
    return body17 + resident_id_check_char(body17)


def load() -> list[Ledger]:
    province = Unit.objects.get(code="130000000000")
    city = Unit.objects.get(code="130100000000")
    changan = Unit.objects.get(code="130102000000")
    made = ledgers_seed(
        actor=None,
        owner=province,
        root=city,
        levels={"poverty-households": "township"},
        roots={"poverty-households": changan},
    )
    if any(m.key == "poverty-households" for m in made):
        poverty = Ledger.objects.get(key="poverty-households")
        township = Unit.objects.filter(code="130102001000").first()
        if township is not None:
            for head, number, size, cause, labour, income, stable in SAMPLE_HOUSEHOLDS:
                values = {
                    "head": head,
                    "id_number": _id(number[:17]),
                    "household_size": size,
                    "cause": cause,
                    "labour": labour,
                    "income": income,
                    "stable": stable,
                }
                row_submit(actor=None, ledger=poverty, unit=township, values=values)
    return made
