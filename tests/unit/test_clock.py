"""The portal's "today": the date in the Netherlands, whatever the instant's offset."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pasjes.clock import portal_day_ends, portal_today

# The last day of a month at 23:30 UTC: in Amsterdam it is already the next month.
LATE_ON_THE_LAST = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


def test_half_past_eleven_utc_on_the_last_of_november_is_the_first_of_december() -> None:
    assert portal_today(LATE_ON_THE_LAST) == date(2026, 12, 1)
    assert portal_today(datetime(2026, 11, 30, 22, 59, tzinfo=UTC)) == date(2026, 11, 30)


def test_summer_time_turns_the_day_an_hour_earlier_in_utc() -> None:
    assert portal_today(datetime(2026, 7, 31, 21, 59, tzinfo=UTC)) == date(2026, 7, 31)
    assert portal_today(datetime(2026, 7, 31, 22, 0, tzinfo=UTC)) == date(2026, 8, 1)


def test_the_offset_an_instant_is_written_in_does_not_matter() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert portal_today(LATE_ON_THE_LAST.astimezone(new_york)) == date(2026, 12, 1)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        portal_today(datetime(2026, 11, 30, 23, 30))


def test_a_dutch_day_ends_at_midnight_there_also_across_a_clock_change() -> None:
    assert portal_day_ends(date(2026, 11, 30)) == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    # 25 October 2026: summer time ends at 03:00, midnight after it is 23:00 UTC.
    assert portal_day_ends(date(2026, 10, 24)) == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert portal_day_ends(date(2026, 10, 25)) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
