"""The limits and the day a submission counts for, without AWS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pasjes.rules import MAX_PENDING_REQUESTS, MAX_REQUESTS_PER_DAY, submission_quota


def test_a_submission_counts_for_its_utc_day() -> None:
    quota = submission_quota(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert quota.day == "2026-11-30"
    assert quota.day_ends == datetime(2026, 12, 1, tzinfo=UTC)
    assert (quota.max_pending, quota.max_per_day) == (MAX_PENDING_REQUESTS, MAX_REQUESTS_PER_DAY)


def test_one_in_the_morning_in_amsterdam_is_still_yesterday_in_utc() -> None:
    amsterdam_winter = timezone(timedelta(hours=1))
    quota = submission_quota(datetime(2026, 12, 1, 0, 30, tzinfo=amsterdam_winter))
    assert quota.day == "2026-11-30"


def test_retry_after_runs_to_the_next_utc_midnight() -> None:
    now = datetime(2026, 11, 30, 23, 59, 0, tzinfo=UTC)
    assert submission_quota(now).seconds_until_next_day(now) == 61
