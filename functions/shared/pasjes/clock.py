"""The portal's clock: moments are instants in UTC; "today" is the date in the Netherlands.

Every calendar date a user meets (a status, an expiry window, the day of an export's file name,
the month of an overview, the day a submission counts against) is taken from `portal_today`,
so between midnight in Amsterdam and midnight in UTC nothing is a day behind for them.
Instants (created, expires, a TTL) stay in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

# Costs a cold start nothing: pydantic imports zoneinfo already.
from zoneinfo import ZoneInfo

PORTAL_TIME_ZONE = "Europe/Amsterdam"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@cache
def portal_zone() -> ZoneInfo:
    # Read on first use, not at import: from the system's zoneinfo, or else the tzdata package
    # (locked for the Lambda, whose runtime need not have /usr/share/zoneinfo).
    return ZoneInfo(PORTAL_TIME_ZONE)


def portal_today(now: datetime) -> date:
    """The date in the Netherlands at the instant `now` (which must be aware)."""
    if now.tzinfo is None:
        raise ValueError("portal_today needs an aware datetime")
    return now.astimezone(portal_zone()).date()


def portal_day_ends(day: date) -> datetime:
    """The instant (UTC) the day `day` in the Netherlands ends: midnight after it there."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=portal_zone()).astimezone(UTC)
