"""Expiry windows ("Verloopt binnen"): which of a holder's qualifications expire within the next
months, or expired in the past twelve or in the previous calendar month (the monthly overview's
count, which its mail links to), each by its own expiry date.

A row's Vervaldatum is the latest of the holder's qualifications, so a filter on it misses a
holder whose first-aid diploma expires next month while a certificate runs two more years; a
window looks at every qualification that stands (not withdrawn, with an expiry date).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pasjes.domain import HolderRow, RowQualification, SortKey


class ExpiryWindow(StrEnum):
    """The choices of "Verloopt binnen", as the URL and the API name them."""

    ONE_MONTH = "1m"
    THREE_MONTHS = "3m"
    SIX_MONTHS = "6m"
    TWELVE_MONTHS = "12m"
    PAST_TWELVE_MONTHS = "past12m"
    # Not in the menu: the monthly overview's "verlopen in <vorige maand>" opens it.
    LAST_MONTH = "lastMonth"


# Months ahead of today; the past window looks back instead.
_MONTHS = {
    ExpiryWindow.ONE_MONTH: 1,
    ExpiryWindow.THREE_MONTHS: 3,
    ExpiryWindow.SIX_MONTHS: 6,
    ExpiryWindow.TWELVE_MONTHS: 12,
    ExpiryWindow.PAST_TWELVE_MONTHS: -12,
}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), on the month's last day where the month is
    shorter: 31 January + 1 month is 28 (or 29) February, 29 February + 12 months is 28 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Span:
    """The first and last expiry day of a window, both included, as ISO strings (rows keep
    their dates as strings)."""

    first: str
    last: str

    def holds(self, q: RowQualification) -> bool:
        expiry = q.expiry_date
        return not q.withdrawn and expiry is not None and self.first <= expiry <= self.last


def last_month(today: date) -> Span:
    """The calendar month before today's."""
    first_of_this = today.replace(day=1)
    first = add_months(first_of_this, -1)
    return Span(first.isoformat(), (first_of_this - timedelta(days=1)).isoformat())


def span_of(window: ExpiryWindow, *, today: date) -> Span:
    """Ahead: from today (still valid today) through the same day n months on. Past: expired,
    so from twelve months ago through yesterday. Last month: the previous calendar month."""
    if window is ExpiryWindow.LAST_MONTH:
        return last_month(today)
    months = _MONTHS[window]
    if months < 0:
        return Span(add_months(today, months).isoformat(), (today - timedelta(days=1)).isoformat())
    return Span(today.isoformat(), add_months(today, months).isoformat())


def expiring(row: HolderRow, span: Span) -> list[RowQualification]:
    """The row's qualifications whose own expiry date falls in the span, earliest first."""
    return sorted(
        (q for q in row.qualifications if span.holds(q)),
        key=lambda q: (q.expiry_date or "", q.code),
    )


def row_filter(span: Span) -> Callable[[HolderRow], bool]:
    holds = span.holds
    return lambda row: any(holds(q) for q in row.qualifications)


def first_expiry_key(span: Span) -> Callable[[HolderRow], str]:
    """Under a window, "by expiry date" means by the earliest date in the window (a single
    string key ending in the number, as pasjes.logic.search.sort_key makes them)."""
    holds = span.holds

    def key(row: HolderRow) -> str:
        first = min((q.expiry_date or "" for q in row.qualifications if holds(q)), default="")
        return f"{first}\0{row.qualification_number}"

    return key


def default_sort(window: ExpiryWindow | None) -> SortKey:
    """Under a window the list is sorted by the date that put each holder in it."""
    return SortKey.EXPIRY_DATE if window is not None else SortKey.NAME
