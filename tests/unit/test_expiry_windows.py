""" "Verloopt binnen" without AWS: the windows' first and last days (month ends, leap days), and
which holders a window finds, each by the expiry date of their own qualifications."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from pasjes.domain import Holder, HolderRow, Qualification, SortKey
from pasjes.logic.expiry import (
    ExpiryWindow,
    Span,
    add_months,
    default_sort,
    expiring,
    span_of,
)
from pasjes.logic.search import HolderSearch, search_holders
from tests.conftest import qualification

TODAY = date(2028, 1, 31)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year's February
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), -12, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 12, 15), 1, date(2028, 1, 15)),
        (date(2027, 3, 31), 6, date(2027, 9, 30)),
        (date(2028, 1, 1), -12, date(2027, 1, 1)),
    ],
)
def test_months_are_counted_on_the_calendar_clamped_to_the_months_last_day(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("window", "first", "last"),
    [
        (ExpiryWindow.ONE_MONTH, "2028-01-31", "2028-02-29"),
        (ExpiryWindow.THREE_MONTHS, "2028-01-31", "2028-04-30"),
        (ExpiryWindow.SIX_MONTHS, "2028-01-31", "2028-07-31"),
        (ExpiryWindow.TWELVE_MONTHS, "2028-01-31", "2029-01-31"),
        (ExpiryWindow.PAST_TWELVE_MONTHS, "2027-01-31", "2028-01-30"),
    ],
)
def test_a_window_runs_from_today_or_back_from_yesterday(
    window: ExpiryWindow, first: str, last: str
) -> None:
    assert span_of(window, today=TODAY) == Span(first, last)


def holder(number: str, *qualifications: Qualification, name: str = "Dhr. Test") -> Holder:
    return Holder(number, name, date(1990, 1, 1), qualifications)


def expiring_on(code: str, day: date | None, *, withdrawn: bool = False) -> Qualification:
    return dataclasses.replace(
        qualification(code),
        expiry_date=day,
        withdrawn_on=date(2027, 1, 1) if withdrawn else None,
    )


def found(holders: list[Holder], window: ExpiryWindow, *, q: str | None = None) -> list[str]:
    rows = [HolderRow.of(h, None) for h in holders]
    wanted = HolderSearch("o", q=q, expiring=window, sort=default_sort(window))
    page = search_holders(rows, wanted, cursor=None, today=TODAY, secret="s")
    return [r.qualification_number for r in page.items]


def test_the_first_and_last_day_are_in_the_window_and_the_days_around_them_not() -> None:
    last = date(2028, 2, 29)
    holders = [
        holder("10000001", expiring_on("DEH", TODAY)),
        holder("10000002", expiring_on("DEH", last)),
        holder("10000003", expiring_on("DEH", last + timedelta(days=1))),
        holder("10000004", expiring_on("DEH", TODAY - timedelta(days=1))),
    ]

    assert found(holders, ExpiryWindow.ONE_MONTH) == ["10000001", "10000002"]
    assert found(holders, ExpiryWindow.PAST_TWELVE_MONTHS) == ["10000004"]


def test_the_past_window_reaches_back_twelve_months_and_not_a_day_more() -> None:
    holders = [
        holder("10000001", expiring_on("DEH", date(2027, 1, 31))),
        holder("10000002", expiring_on("DEH", date(2027, 1, 30))),
    ]

    assert found(holders, ExpiryWindow.PAST_TWELVE_MONTHS) == ["10000001"]


def test_a_holder_is_found_by_a_qualification_expiring_soon_whatever_the_others() -> None:
    soon, later = date(2028, 2, 14), date(2030, 6, 1)
    both = holder("10000001", expiring_on("DEH", soon), expiring_on("BHV", later))
    row = HolderRow.of(both, None)

    # The row's own date is the latest: a filter on it would miss this holder.
    assert row.expiry_date == later.isoformat()
    assert found([both], ExpiryWindow.ONE_MONTH) == ["10000001"]
    assert [q.code for q in expiring(row, span_of(ExpiryWindow.ONE_MONTH, today=TODAY))] == ["DEH"]
    twelve = expiring(row, span_of(ExpiryWindow.TWELVE_MONTHS, today=TODAY))
    assert [(q.code, q.expiry_date) for q in twelve] == [("DEH", "2028-02-14")]


def test_withdrawn_qualifications_and_those_without_expiry_date_are_never_in_a_window() -> None:
    holders = [
        holder("10000001", expiring_on("DEH", date(2028, 2, 1), withdrawn=True)),
        holder("10000002", expiring_on("DEH", None)),
        holder("10000003", expiring_on("DEH", None), expiring_on("BHV", date(2028, 2, 1))),
        holder(
            "10000004",
            expiring_on("DEH", date(2028, 2, 1), withdrawn=True),
            expiring_on("BHV", date(2028, 2, 2)),
        ),
    ]

    for window in ExpiryWindow:
        assert "10000001" not in found(holders, window)
        assert "10000002" not in found(holders, window)
    assert found(holders, ExpiryWindow.ONE_MONTH) == ["10000003", "10000004"]
    only_standing = expiring(
        HolderRow.of(holders[3], None), span_of(ExpiryWindow.ONE_MONTH, today=TODAY)
    )
    assert [q.code for q in only_standing] == ["BHV"]


def test_under_a_window_the_list_is_sorted_by_the_date_that_put_each_holder_in_it() -> None:
    holders = [
        # Latest row date, but the earliest qualification in the window.
        holder(
            "10000001", expiring_on("DEH", date(2028, 2, 3)), expiring_on("BHV", date(2031, 1, 1))
        ),
        holder("10000002", expiring_on("DEH", date(2028, 2, 2))),
        holder(
            "10000003", expiring_on("DEH", date(2028, 3, 1)), expiring_on("BHV", date(2028, 2, 1))
        ),
    ]

    assert default_sort(ExpiryWindow.THREE_MONTHS) is SortKey.EXPIRY_DATE
    assert default_sort(None) is SortKey.NAME
    assert found(holders, ExpiryWindow.THREE_MONTHS) == ["10000003", "10000002", "10000001"]


def test_a_window_combines_with_the_other_filters_and_pages_with_a_cursor() -> None:
    holders = [holder(f"1000000{i}", expiring_on("DEH", date(2028, 2, i + 1))) for i in range(5)]
    holders.append(holder("20000000", expiring_on("DEH", date(2030, 1, 1))))
    rows = [HolderRow.of(h, None) for h in holders]
    search = HolderSearch(
        "o", expiring=ExpiryWindow.ONE_MONTH, sort=SortKey.EXPIRY_DATE, q="1000", limit=2
    )

    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = search_holders(rows, search, cursor=cursor, today=TODAY, secret="s")
        seen += [r.qualification_number for r in page.items]
        assert page.total == 5
        if (cursor := page.next_cursor) is None:
            break
    assert seen == [f"1000000{i}" for i in range(5)]
    assert found(holders, ExpiryWindow.ONE_MONTH, q="10000003") == ["10000003"]
