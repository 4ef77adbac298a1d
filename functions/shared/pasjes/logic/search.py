"""The search itself: filter, sort and page an organisation's holders (who may search where is
pasjes.logic.access)."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from operator import attrgetter

from pasjes.domain import HolderRow, HolderStatus, SortKey, SortOrder
from pasjes.errors import InvalidParameter
from pasjes.logic.cursor import decode_cursor, encode_cursor
from pasjes.logic.expiry import ExpiryWindow, first_expiry_key, row_filter, span_of
from pasjes.text import fold, surname_key

DEFAULT_LIMIT = 50
_NUMBER_PREFIX = re.compile(r"^\d{1,8}$")
_DUTCH_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class HolderSearch:
    organisation_id: str
    exam_type: str | None = None
    exam_number: str | None = None
    expiry_from: date | None = None
    expiry_to: date | None = None
    q: str | None = None
    # "Verloopt binnen": holders with a qualification expiring in the window (pasjes.logic.expiry).
    expiring: ExpiryWindow | None = None
    sort: SortKey = SortKey.NAME
    order: SortOrder = SortOrder.ASC
    limit: int = DEFAULT_LIMIT

    def fingerprint(self, today: date) -> str:
        """What a cursor belongs to. Sorting by status, and a window, depend on the day: a cursor
        of yesterday's order must not page today's."""
        fields = {k: str(v) for k, v in asdict(self).items() if k != "limit"}
        if self.sort is SortKey.STATUS or self.expiring is not None:
            fields["today"] = today.isoformat()
        return hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class HolderPage:
    items: list[HolderRow]
    total: int
    next_cursor: str | None


def _birth_date_in(q: str) -> date | None:
    """A birth date typed dd-mm-jjjj or YYYY-MM-DD, or None when q is no date at all."""
    if match := _DUTCH_DATE.match(q):
        day, month, year = match.groups()
    elif match := _ISO_DATE.match(q):
        year, month, day = match.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError as error:
        raise InvalidParameter("q", f"'{q}' is not an existing date.") from error


def row_matcher(q: str | None) -> Callable[[HolderRow], bool]:
    """q is a qualification number prefix, a birth date, or words of the name (accents ignored)."""
    text = (q or "").strip()
    if not text:
        return lambda row: True
    if _NUMBER_PREFIX.match(text):
        return lambda row: row.qualification_number.startswith(text)
    if (born := _birth_date_in(text)) is not None:
        iso = born.isoformat()
        return lambda row: row.birth_date == iso
    words = fold(text).replace(".", " ").split()
    return lambda row: all(word in row.name_key for word in words)


def sort_key(sort: SortKey, *, today: date) -> Callable[[HolderRow], str]:
    """A total order: every key ends in the qualification number, so pages never overlap.

    Keys are single strings (fields joined by NUL, which no field contains): comparing strings
    is several times faster than comparing tuples, and 10,000 rows are sorted per request.
    """
    if sort is SortKey.QUALIFICATION_NUMBER:
        return attrgetter("qualification_number")
    if sort is SortKey.NAME:
        # By surname, the Dutch way (HolderRow.sort_name). A row stored before the key existed
        # gets it here, from its name, until an import writes its list again.
        return lambda row: f"{row.sort_name or surname_key(row.name)}\0{row.qualification_number}"
    if sort is SortKey.BIRTH_DATE:
        return lambda row: f"{row.birth_date}\0{row.qualification_number}"
    if sort is SortKey.EXPIRY_DATE:
        return lambda row: f"{row.expiry_date or ''}\0{row.qualification_number}"
    if sort is SortKey.STATUS:
        # HolderRow.status (pasjes.domain.status_of) inlined: this runs for 10,000 rows.
        since = today.isoformat()
        valid, expired = HolderStatus.VALID.value, HolderStatus.EXPIRED.value
        withdrawn = HolderStatus.WITHDRAWN.value

        def by_status(row: HolderRow) -> str:
            if row.withdrawn:
                status = withdrawn
            elif row.expiry_date >= since if row.expiry_date else row.undated:
                status = valid
            else:
                status = expired
            return f"{status}\0{row.qualification_number}"

        return by_status
    # Holders without an external number come after those with one.
    return lambda row: (
        f"0{row.external_number}\0{row.qualification_number}"
        if row.external_number
        else f"1\0{row.qualification_number}"
    )


def _filters(search: HolderSearch, *, today: date) -> list[Callable[[HolderRow], bool]]:
    filters: list[Callable[[HolderRow], bool]] = []
    if search.expiring is not None:
        filters.append(row_filter(span_of(search.expiring, today=today)))
    if search.exam_type is not None:
        exam_type = search.exam_type
        filters.append(lambda row: exam_type in row.exam_types)
    if search.exam_number is not None:
        # Exam numbers match in any case ("ex45465" is EX45465).
        exam_number = search.exam_number.strip().upper()
        filters.append(lambda row: any(n.upper() == exam_number for n in row.exam_numbers))
    if search.expiry_from is not None:
        low = search.expiry_from.isoformat()
        filters.append(lambda row: row.expiry_date is not None and row.expiry_date >= low)
    if search.expiry_to is not None:
        high = search.expiry_to.isoformat()
        filters.append(lambda row: row.expiry_date is not None and row.expiry_date <= high)
    if search.q and search.q.strip():
        filters.append(row_matcher(search.q))
    return filters


def select_rows(
    rows: Sequence[HolderRow], search: HolderSearch, *, today: date
) -> tuple[list[HolderRow], Callable[[HolderRow], str]]:
    """Every row the search finds, sorted ascending, and the key they are sorted by (the list
    pages through them; the export takes them all)."""
    filters = _filters(search, today=today)
    selected = [row for row in rows if all(f(row) for f in filters)] if filters else list(rows)
    if search.expiring is not None and search.sort is SortKey.EXPIRY_DATE:
        key = first_expiry_key(span_of(search.expiring, today=today))
    else:
        key = sort_key(search.sort, today=today)
    selected.sort(key=key)
    return selected, key


def search_holders(
    rows: Sequence[HolderRow],
    search: HolderSearch,
    *,
    cursor: str | None,
    today: date,
    secret: str,
) -> HolderPage:
    """Filter, sort and cut one page; the cursor is the last row's sort value (keyset paging)."""
    fingerprint = search.fingerprint(today)
    after = str(decode_cursor(cursor, fingerprint, secret=secret)) if cursor else None
    selected, key = select_rows(rows, search, today=today)
    keys = list(map(key, selected))
    if search.order is SortOrder.ASC:
        start = bisect_right(keys, after) if after is not None else 0
        end = min(start + search.limit, len(selected))
        page, more = selected[start:end], end < len(selected)
    else:
        end = bisect_left(keys, after) if after is not None else len(selected)
        start = max(0, end - search.limit)
        page, more = selected[start:end][::-1], start > 0
    next_cursor = encode_cursor(key(page[-1]), fingerprint, secret=secret) if more else None
    return HolderPage(items=page, total=len(selected), next_cursor=next_cursor)
