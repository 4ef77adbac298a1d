"""The holder list as a file ("Exporteer"): the whole filtered and sorted result, every page, as
CSV or XLSX, one line per qualification, under the list's access rules.

It reads what the list reads (the organisation's packed chunks, or one exam's): the rows carry
each qualification (pasjes.domain.RowQualification), so no item per holder.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pasjes import audit
from pasjes.clock import Clock, portal_today, utc_now
from pasjes.domain import HolderRow, SortOrder, status_of
from pasjes.errors import ExportFileTooLarge, ExportTooLarge
from pasjes.filenames import clean_part
from pasjes.logic.expiry import ExpiryWindow, Span, span_of
from pasjes.logic.holders import searched_rows
from pasjes.logic.search import HolderSearch, select_rows
from pasjes.rules import MAX_EXPORT_RESPONSE_BYTES, MAX_EXPORT_ROWS
from pasjes.spreadsheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Cell, to_csv, to_xlsx


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


# The manual's columns of the list, then the qualification's own.
HEADER = (
    "Kwalificatienr.",
    "Naam",
    "Geboortedatum",
    "Vervaldatum",
    "Status",
    "Extern nummer",
    "Kwalificatie",
    "Code",
    "Type",
    "Examendatum",
    "Vervaldatum kwalificatie",
    "Status kwalificatie",
)
# Under "Verloopt binnen", whether this qualification is one that put the holder in the list.
IN_WINDOW = "In gekozen periode"

_WINDOW_NAMES = {
    ExpiryWindow.ONE_MONTH: "verloopt-binnen-1-maand",
    ExpiryWindow.THREE_MONTHS: "verloopt-binnen-3-maanden",
    ExpiryWindow.SIX_MONTHS: "verloopt-binnen-6-maanden",
    ExpiryWindow.TWELVE_MONTHS: "verloopt-binnen-12-maanden",
    ExpiryWindow.PAST_TWELVE_MONTHS: "verlopen-afgelopen-12-maanden",
    ExpiryWindow.LAST_MONTH: "verlopen-vorige-maand",
}


@dataclass(frozen=True)
class ExportFile:
    body: bytes
    media_type: str
    file_name: str
    rows: int


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


def export_lines(
    rows: Sequence[HolderRow], *, today: date, span: Span | None
) -> list[tuple[Cell, ...]]:
    """One line per qualification (a holder without any: one line with the holder only)."""
    lines: list[tuple[Cell, ...]] = []
    for row in rows:
        holder: tuple[Cell, ...] = (
            row.qualification_number,
            row.name,
            _day(row.birth_date),
            _day(row.expiry_date),
            row.status(today=today).value,
            row.external_number,
        )
        if not row.qualifications:
            lines.append(holder + (None,) * (len(HEADER) - len(holder) + (span is not None)))
            continue
        for q in row.qualifications:
            line = (
                *holder,
                q.name,
                q.code,
                q.type,
                _day(q.exam_date),
                _day(q.expiry_date),
                status_of(q.expiry_date, today=today, withdrawn=q.withdrawn).value,
            )
            if span is not None:
                line += ("Ja" if span.holds(q) else "Nee",)
            lines.append(line)
    return lines


def file_name(organisation_id: str, search: HolderSearch, fmt: ExportFormat, today: date) -> str:
    """Says the organisation, the filter and the day; never the search text (it may be a
    name or a birth date)."""
    parts = ["kwalificatiehouders", organisation_id]
    if search.expiring is not None:
        parts.append(_WINDOW_NAMES[search.expiring])
    if search.exam_type:
        parts.append(f"examentype-{search.exam_type}")
    if search.exam_number:
        parts.append(f"examen-{search.exam_number}")
    if search.expiry_from:
        parts.append(f"vanaf-{search.expiry_from.isoformat()}")
    if search.expiry_to:
        parts.append(f"tot-{search.expiry_to.isoformat()}")
    if search.q and search.q.strip():
        parts.append("zoekopdracht")
    parts.append(today.isoformat())
    return f"{clean_part('-'.join(parts), '-')}.{fmt.value}"


def export_holders(
    caller_sub: str, search: HolderSearch, fmt: ExportFormat, *, now: Clock = utc_now
) -> ExportFile:
    """The list's rows as a file; the caller's memberships are read afresh, as for the list."""
    chosen, rows = searched_rows(caller_sub, search)
    export = build_export(rows, search, fmt, today=portal_today(now()), organisation_id=chosen.id)
    audit.holders_exported(
        organisation=chosen.id, sub=caller_sub, count=export.rows, format=fmt.value
    )
    return export


def build_export(
    rows: Sequence[HolderRow],
    search: HolderSearch,
    fmt: ExportFormat,
    *,
    today: date,
    organisation_id: str,
) -> ExportFile:
    """The file of the rows the search finds, in its order (bench/export.py times this)."""
    selected, _ = select_rows(rows, search, today=today)
    if len(selected) > MAX_EXPORT_ROWS:
        raise ExportTooLarge(len(selected))
    if search.order is SortOrder.DESC:
        selected.reverse()
    span = span_of(search.expiring, today=today) if search.expiring else None
    lines = export_lines(selected, today=today, span=span)
    header = (*HEADER, IN_WINDOW) if span is not None else HEADER
    if fmt is ExportFormat.XLSX:
        body, media_type = to_xlsx(header, lines, sheet="Kwalificatiehouders"), XLSX_MEDIA_TYPE
    else:
        body, media_type = to_csv(header, lines), CSV_MEDIA_TYPE
    size = response_size(body, fmt)
    if size > MAX_EXPORT_RESPONSE_BYTES:
        raise ExportFileTooLarge(size)
    name = file_name(organisation_id, search, fmt, today)
    return ExportFile(body, media_type, name, len(selected))


def response_size(body: bytes, fmt: ExportFormat) -> int:
    """The body's bytes in Lambda's answer: the XLSX in base64 (4 for every 3), the CSV as a
    JSON string (escaped: quotes, line ends, and every non-ASCII character as \\uXXXX, which
    is what json.dumps writes by default)."""
    if fmt is ExportFormat.XLSX:
        return 4 * -(-len(body) // 3)
    return len(json.dumps(body.decode()))
