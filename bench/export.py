"""How long "Exporteer" takes on the largest organisation: 10,000 holders as CSV and as XLSX.

    .venv/bin/python -m bench.export [--holders 10000] [--repeat 5]

Builds Keira BHV's list rows from the demo generator (`--holders` holders, each with one to
four qualifications, so about twice as many lines), then times what the export handler does
after its reads: select and sort the rows (pasjes.logic.search.select_rows), write the file
(pasjes.logic.holder_export.build_export) and base64-encode an XLSX for API Gateway. Reads are
those of the list (bench/search.py). Prints the median CPU time over `--repeat` runs, the file
and the Lambda answer sizes against the 6 MB limit, and the first XLSX's import of XlsxWriter
(a cold start's extra cost). Targets: XLSX <= 2 s, CSV <= 0.5 s of handler time.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date

from infra.ops.demo_data import KEIRA_BHV, benchmark_dataset
from pasjes.domain import HolderRow
from pasjes.logic.expiry import ExpiryWindow, default_sort
from pasjes.logic.holder_export import ExportFile, ExportFormat, build_export
from pasjes.logic.search import HolderSearch

TARGETS = {ExportFormat.XLSX: 2.0, ExportFormat.CSV: 0.5}
LAMBDA_ANSWER_LIMIT = 6 * 1024 * 1024


def keira_rows(holders: int, today: date) -> list[HolderRow]:
    dataset = benchmark_dataset(total=holders + 10, big_org_holders=holders, today=today)
    by_number = {h.qualification_number: h for h in dataset.holders}
    return [
        HolderRow.of(by_number[r.qualification_number], r.external_number)
        for r in dataset.registrations
        if r.organisation_id == KEIRA_BHV
    ]


def answer_bytes(export: ExportFile, fmt: ExportFormat) -> int:
    """The Lambda proxy answer's size as the runtime serialises it (JSON around the body)."""
    body = (
        base64.b64encode(export.body).decode() if fmt is ExportFormat.XLSX else export.body.decode()
    )
    return len(json.dumps({"statusCode": 200, "body": body}).encode())


def timed(
    rows: Sequence[HolderRow], search: HolderSearch, fmt: ExportFormat, today: date
) -> tuple[float, ExportFile]:
    start = time.process_time()
    export = build_export(rows, search, fmt, today=today, organisation_id=KEIRA_BHV)
    if fmt is ExportFormat.XLSX:
        base64.b64encode(export.body)
    return time.process_time() - start, export


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--holders", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args(argv)
    today = date.today()
    rows = keira_rows(arguments.holders, today)
    lines = sum(max(1, len(r.qualifications)) for r in rows)
    print(f"Keira BHV: {len(rows)} holders, {lines} lines (one per qualification)")

    started = time.perf_counter()
    import xlsxwriter  # noqa: F401  (what the first XLSX export of a container imports)

    imported_ms = (time.perf_counter() - started) * 1000
    print(f"import xlsxwriter (first XLSX of a container): {imported_ms:.0f} ms\n")

    searches = {
        "whole list": HolderSearch(KEIRA_BHV),
        "Verloopt binnen 12 maanden": HolderSearch(
            KEIRA_BHV,
            expiring=ExpiryWindow.TWELVE_MONTHS,
            sort=default_sort(ExpiryWindow.TWELVE_MONTHS),
        ),
    }
    failed = False
    columns = ("format", "holders", "median ms", "file KB", "answer KB")
    print(f"{'search':<28}" + "".join(f"{c:>11}" for c in columns) + "  target")
    for label, search in searches.items():
        for fmt in (ExportFormat.CSV, ExportFormat.XLSX):
            seconds = []
            export = None
            for _ in range(arguments.repeat):
                spent, export = timed(rows, search, fmt, today)
                seconds.append(spent)
            assert export is not None
            median = statistics.median(seconds)
            answer = answer_bytes(export, fmt)
            ok = median <= TARGETS[fmt] and answer <= LAMBDA_ANSWER_LIMIT
            failed |= not ok
            print(
                f"{label:<28}{fmt.value:>11}{export.rows:>11}{median * 1000:>11.0f}"
                f"{len(export.body) / 1024:>11.0f}{answer / 1024:>11.0f}  "
                f"<= {TARGETS[fmt]:.1f} s, <= 6 MB: {'met' if ok else 'MISSED'}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
