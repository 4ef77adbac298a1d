"""A table as a file a spreadsheet opens: CSV for Dutch Excel, or XLSX.

CSV: UTF-8 with a byte order mark (without it Excel reads the bytes as Windows-1252 and "Zoë"
becomes "ZoÃ«"), `;` between cells (Dutch Excel's list separator: a comma file opens as one
column), CRLF line ends, and quotes where a cell holds `;`, a quote or a line break. No cell can
start a formula: one that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or a line
feed gets a leading `'`, as OWASP's CSV injection guidance says (Excel shows the text, not a
formula); so does one that starts so after leading spaces (no-break ones too), NULs or
zero-width characters, which spreadsheets skip, or with the full-width or small forms of those
signs (U+FF1D, U+FE66 and the like), which some read as the plain ones.

XLSX from XlsxWriter (imported by the first export, so other calls' cold starts skip it): a
header row, frozen panes, a filter on the header, column widths and real dates, shown dd-mm-jjjj.
Cells are written as strings, so nothing in them is ever a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date

Cell = str | date | None

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = frozenset(
    "=+-@\t\r\n"
    "\uff1d\ufe66"  # full-width and small equals
    "\uff0b\ufe62"  # plus
    "\uff0d\ufe63"  # hyphen-minus
    "\uff20\ufe6b"  # commercial at
)
# What may stand before the sign: any Unicode whitespace (\s: NBSP too), NUL, zero-width ones.
_LEADING = re.compile("^[\\s\x00\u200b-\u200d\u2060\ufeff]+")
_WIDEST = 60


def neutralised(text: str) -> str:
    """Text that no spreadsheet reads as a formula."""
    after = _LEADING.sub("", text, count=1)
    return f"'{text}" if text[:1] in _FORMULA_START or after[:1] in _FORMULA_START else text


def _csv_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.strftime("%d-%m-%Y")
    return neutralised(cell)


def to_csv(header: Sequence[str], lines: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralised(h) for h in header])
    writer.writerows([_csv_text(cell) for cell in line] for line in lines)
    return out.getvalue().encode("utf-8-sig")


def _width(cell: Cell) -> int:
    if cell is None:
        return 0
    return 10 if isinstance(cell, date) else len(cell)


def to_xlsx(header: Sequence[str], lines: Sequence[Sequence[Cell]], *, sheet: str) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    # constant_memory writes each row as it comes, with strings inline: fast and small.
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd-mm-yyyy"})
    ws = book.add_worksheet(sheet[:31])
    widths = [len(h) for h in header]
    for line in lines:
        for column, cell in enumerate(line):
            widths[column] = max(widths[column], _width(cell))
    for column, width in enumerate(widths):
        ws.set_column(column, column, min(width + 2, _WIDEST))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(lines), len(header) - 1)
    for column, title in enumerate(header):
        ws.write_string(0, column, title, bold)
    for row, line in enumerate(lines, start=1):
        for column, cell in enumerate(line):
            if cell is None:
                continue
            if isinstance(cell, date):
                ws.write_datetime(row, column, cell, day)
            else:
                ws.write_string(row, column, cell)
    book.close()
    return out.getvalue()
