"""Dutch working days: when the monthly overview goes out.

The schedule runs the function at 07:00 (Europe/Amsterdam) on days 1 to 7 of every month
(EventBridge's `1W` means the weekday nearest the 1st, which is Nieuwjaarsdag every January and
sometimes Paasmaandag, Hemelvaart or Pinkstermaandag); the function goes on only from the
month's first working day: neither Saturday, Sunday nor a Dutch public holiday. Runs after that
day send only what the first left (the marks: a mail SES refused, people the time ran out for).

Public holidays as the Algemene termijnenwet lists them (Goede Vrijdag is not among them):
Nieuwjaarsdag, Eerste en Tweede Paasdag, Koningsdag (27 April, 26 when the 27th is a
Sunday), Bevrijdingsdag (5 May; listed every year, though many collective agreements give it
off only every fifth year: it cannot decide a month's first working day anyway, since 1-4 May
always hold a weekday), Hemelvaartsdag, Eerste en Tweede Pinksterdag, Eerste en Tweede
Kerstdag.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar; the anonymous algorithm, "Meeus/Jones/Butcher")."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int) -> frozenset[date]:
    sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            sunday,
            sunday + timedelta(days=1),
            kings_day,
            date(year, 5, 5),
            sunday + timedelta(days=39),  # Hemelvaartsdag
            sunday + timedelta(days=49),  # Pinksteren
            sunday + timedelta(days=50),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def overview_due(today: date) -> bool:
    """Whether a run today sends: on or after the month's first working day."""
    return today >= first_working_day(today.year, today.month)
