"""Ledger Excel round trip at scale: import-and-validate, then export, 100,000 household rows.

    python -m bench ledgers_excel [--scale small|hebei] [--rows N]   (DATABASE_URL selects the database)

small: 10,000 rows; hebei: 100,000 rows (the figure the issue sets: export < 5 s,
import-and-validate < 15 s, peak memory < 500 MB). Rows go into one village's copy of the
shipped 脱贫攻坚 household ledger (11 columns: names, resident IDs with check digits, phones,
decimals, choices, 是/否). The import is the whole service: zip checks, calamine read, one
validator per cell, the upsert plan, the bulk insert of rows and audit entries, in one
transaction. The export reads the rows back and writes the unit's fill-in workbook. Both are
compared with the bare libraries doing only their part: XlsxWriter writing the same cells
(constant_memory, one write call per cell) and calamine reading the file.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import time

from bench import _django

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def _resident_id(rng: random.Random, n: int) -> str:
    from luoshi.ledgers.validation import resident_id_check_char

    day, seq = n % 20160, n // 20160  # 60 years × 12 months × 28 days, then a sequence number
    body = f"130102{1940 + day // 336:04d}{1 + day // 28 % 12:02d}{1 + day % 28:02d}{seq:03d}"
    return body + resident_id_check_char(body)


def _rows(n: int) -> list[list[object]]:
    rng = random.Random(7)
    causes = ["因病", "因残", "因学", "缺技术", "缺劳力"]
    rows = []
    for i in range(n):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        rows.append(
            [
                name,
                _resident_id(rng, i),
                rng.randint(1, 8),
                rng.choice(causes),
                rng.choice(["有", "弱", "丧失"]),
                "产业帮扶、就业帮扶",
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                f"13{rng.randint(100000000, 999999999)}",
                f"{rng.randint(3000, 20000)}.{rng.randint(0, 99):02d}",
                "否",
                rng.choice(["是", "否"]),
            ]
        )
    return rows


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench ledgers_excel")
    parser.add_argument("--scale", choices=["small", "hebei"], default="small")
    parser.add_argument("--rows", type=int, default=0)
    args = parser.parse_args(argv)
    n = args.rows or (100_000 if args.scale == "hebei" else 10_000)
    _django.setup()

    import xlsxwriter
    from django.db import connection
    from python_calamine import CalamineWorkbook

    from luoshi.ledgers import excel, exports, services
    from luoshi.ledgers.models import LedgerRow
    from luoshi.units.services import unit_create

    province = unit_create(actor=None, code="130000000000", name="河北省", level="province", parent=None)
    city = unit_create(actor=None, code="130100000000", name="石家庄市", level="city", parent=province)
    county = unit_create(actor=None, code="130102000000", name="长安区", level="county", parent=city)
    township = unit_create(actor=None, code="130102001000", name="建北街道", level="township", parent=county)
    village = unit_create(actor=None, code="130102001001", name="建北社区", level="village", parent=township)
    ledger = {lg.key: lg for lg in services.ledgers_seed(actor=None, owner=county)}["poverty-households"]
    template = ledger.current
    specs = [c.spec() for c in template.columns.order_by("order")]
    rows = _rows(n)

    # The file a village would upload: the downloaded template with its rows filled in.
    upload = io.BytesIO()
    excel.write_workbook(
        upload,
        specs=specs,
        rows=([*r, ""] for r in rows),
        stamp=services.workbook_stamp(ledger=ledger, template=template, unit=village, period=""),
        instructions=[],
    )
    data = upload.getvalue()
    first_id = rows[0][1]
    del rows, upload  # the benchmark's own copy would count against the service's memory
    rss_before = _rss_mb()

    start = time.perf_counter()
    outcome = services.rows_import(actor=None, ledger=ledger, unit=village, data=data, filename="bench.xlsx")
    import_s = time.perf_counter() - start
    assert outcome.accepted, outcome.errors[:5]
    assert LedgerRow.objects.filter(ledger=ledger).count() == n
    rss_import = _rss_mb()

    start = time.perf_counter()
    reimport = services.rows_import(actor=None, ledger=ledger, unit=village, data=data, filename="bench.xlsx")
    reimport_s = time.perf_counter() - start
    assert reimport.accepted and reimport.upload.rows_unchanged == n

    out = io.BytesIO()
    start = time.perf_counter()
    written = exports.write_unit_workbook(out, user=None, ledger=ledger, unit=village, period="")
    export_s = time.perf_counter() - start
    assert written == n
    rss_export = _rss_mb()  # ru_maxrss: the process's peak so far (import and export)

    # Round trip: the export reads back to the same values.
    back = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue())).get_sheet_by_index(0).to_python()
    assert back[1][1] == first_id and len(back) == n + 1
    del back

    # The bare libraries on the same cells.
    rows = _rows(n)
    start = time.perf_counter()
    wb = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
    ws = wb.add_worksheet()
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, int):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
    wb.close()
    raw_write_s = time.perf_counter() - start
    start = time.perf_counter()
    CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    raw_read_s = time.perf_counter() - start

    print(f"rows {n:,}, upload file {len(data) / 1e6:.1f} MB, export file {len(out.getvalue()) / 1e6:.1f} MB")
    print(f"import-and-validate {import_s:.2f} s (re-import, nothing changed: {reimport_s:.2f} s)")
    print(
        f"export {export_s:.2f} s; XlsxWriter alone {raw_write_s:.2f} s; calamine read alone {raw_read_s:.2f} s"
    )
    print(f"peak RSS {max(rss_import, rss_export):.0f} MB (before import {rss_before:.0f} MB)")
    print(
        f"BENCH ledgers_excel db={connection.vendor} scale={args.scale} rows={n} import_s={import_s:.2f} "
        f"reimport_s={reimport_s:.2f} export_s={export_s:.2f} raw_xlsxwriter_s={raw_write_s:.2f} "
        f"export_vs_raw={export_s / raw_write_s:.2f} raw_calamine_read_s={raw_read_s:.2f} "
        f"peak_rss_mb={max(rss_import, rss_export):.0f}"
    )
