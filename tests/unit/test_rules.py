"""The limits and the day a submission counts for, without AWS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pasjes.rules import MAX_PENDING_REQUESTS, MAX_REQUESTS_PER_DAY, submission_quota


def test_a_submission_at_half_past_eleven_utc_on_the_months_last_day_counts_for_the_dutch_day() -> (
    None
):
    # 23:30 UTC on 30 November is 00:30 on 1 December in Amsterdam (winter, UTC+1).
    quota = submission_quota(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert quota.day == "2026-12-01"
    assert quota.day_ends == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert (quota.max_pending, quota.max_per_day) == (MAX_PENDING_REQUESTS, MAX_REQUESTS_PER_DAY)


def test_in_summer_the_dutch_day_starts_at_ten_in_the_evening_utc() -> None:
    quota = submission_quota(datetime(2026, 7, 31, 22, 0, tzinfo=UTC))
    assert quota.day == "2026-08-01"
    assert quota.day_ends == datetime(2026, 8, 1, 22, 0, tzinfo=UTC)
    assert submission_quota(datetime(2026, 7, 31, 21, 59, tzinfo=UTC)).day == "2026-07-31"


def test_a_moment_in_another_offset_counts_for_the_same_dutch_day() -> None:
    amsterdam_winter = timezone(timedelta(hours=1))
    quota = submission_quota(datetime(2026, 12, 1, 0, 30, tzinfo=amsterdam_winter))
    assert quota.day == "2026-12-01"


def test_retry_after_runs_to_the_next_midnight_in_amsterdam() -> None:
    now = datetime(2026, 11, 30, 22, 59, 0, tzinfo=UTC)
    assert submission_quota(now).seconds_until_next_day(now) == 61
