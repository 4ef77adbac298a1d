"""Who may search where, and the search itself: filter, sort and page an organisation's holders."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from pasjes.domain import HolderRow, Organisation, SortKey, SortOrder, status_of
from pasjes.errors import InvalidParameter, OrganisationNotFound, OrganisationRequired
from pasjes.logic.cursor import decode_cursor, encode_cursor
from pasjes.text import fold

DEFAULT_LIMIT = 50
_NUMBER_PREFIX = re.compile(r"^\d{1,8}$")
_DUTCH_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")

SortValue = tuple[str | int, ...]


def choose_organisation(mine: Sequence[Organisation], requested: str | None) -> Organisation:
    """The organisation a request is about; one that is not the caller's looks nonexistent."""
    if requested is None:
        if len(mine) == 1:
            return mine[0]
        if not mine:
            raise OrganisationNotFound()
        raise OrganisationRequired()
    for organisation in mine:
        if organisation.id == requested:
            return organisation
    raise OrganisationNotFound()


@dataclass(frozen=True)
class HolderSearch:
    organisation_id: str
    exam_type: str | None = None
    exam_number: str | None = None
    expiry_from: date | None = None
    expiry_to: date | None = None
    q: str | None = None
    sort: SortKey = SortKey.NAME
    order: SortOrder = SortOrder.ASC
    limit: int = DEFAULT_LIMIT

    def fingerprint(self) -> str:
        fields = {k: str(v) for k, v in asdict(self).items() if k != "limit"}
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
        return lambda row: row.birth_date == born
    words = fold(text).replace(".", " ").split()
    return lambda row: all(word in row.name_key for word in words)


def sort_value(row: HolderRow, sort: SortKey, *, today: date) -> SortValue:
    """A total order: every key ends in the qualification number, so pages never overlap."""
    number = row.qualification_number
    if sort is SortKey.QUALIFICATION_NUMBER:
        return (number,)
    if sort is SortKey.NAME:
        return (row.name_key, number)
    if sort is SortKey.BIRTH_DATE:
        return (row.birth_date.isoformat(), number)
    if sort is SortKey.EXPIRY_DATE:
        return (row.expiry_date.isoformat() if row.expiry_date else "", number)
    if sort is SortKey.STATUS:
        return (status_of(row.expiry_date, today=today).value, number)
    # Holders without an external number come after those with one.
    external = row.external_number
    return (0 if external else 1, external or "", number)


def search_holders(
    rows: Sequence[HolderRow],
    search: HolderSearch,
    *,
    cursor: str | None,
    today: date,
    secret: str,
) -> HolderPage:
    """Filter, sort and cut one page; the cursor is the last row's sort value (keyset paging)."""
    matches = row_matcher(search.q)
    selected = [
        row
        for row in rows
        if (search.exam_type is None or search.exam_type in row.exam_types)
        and (search.exam_number is None or search.exam_number in row.exam_numbers)
        and (
            search.expiry_from is None
            or (row.expiry_date and row.expiry_date >= search.expiry_from)
        )
        and (search.expiry_to is None or (row.expiry_date and row.expiry_date <= search.expiry_to))
        and matches(row)
    ]
    keyed = sorted(((sort_value(r, search.sort, today=today), r) for r in selected), key=_first)
    keys = [key for key, _ in keyed]
    fingerprint = search.fingerprint()
    after: SortValue | None = None
    if cursor:
        after = tuple(decode_cursor(cursor, fingerprint, secret=secret))
    if search.order is SortOrder.ASC:
        start = bisect_right(keys, after) if after is not None else 0
        page = keyed[start : start + search.limit]
        more = start + search.limit < len(keyed)
    else:
        end = bisect_left(keys, after) if after is not None else len(keyed)
        page = keyed[max(0, end - search.limit) : end][::-1]
        more = end - search.limit > 0
    next_cursor = (
        encode_cursor(list(page[-1][0]), fingerprint, secret=secret) if more and page else None
    )
    return HolderPage(items=[row for _, row in page], total=len(selected), next_cursor=next_cursor)


def _first(pair: tuple[SortValue, HolderRow]) -> SortValue:
    return pair[0]
