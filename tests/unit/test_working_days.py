"""When the monthly overview goes out: the month's first Dutch working day, not EventBridge's
`1W` (which is Nieuwjaarsdag every January)."""

from __future__ import annotations

from datetime import date

from pasjes.logic.working_days import (
    easter,
    first_working_day,
    is_working_day,
    overview_due,
    public_holidays,
)


def test_easter_sunday() -> None:
    assert [easter(y) for y in (2024, 2025, 2027, 2038)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2027, 3, 28),
        date(2038, 4, 25),
    ]


def test_january_2027_starts_on_monday_the_4th_after_nieuwjaarsdag_and_a_weekend() -> None:
    assert first_working_day(2027, 1) == date(2027, 1, 4)
    assert not overview_due(date(2027, 1, 1))
    assert overview_due(date(2027, 1, 4))


def test_a_month_whose_first_is_paasmaandag_starts_the_day_after() -> None:
    # Easter 2024 is 31 March: Tuesday 2 April is April's first working day.
    assert first_working_day(2024, 4) == date(2024, 4, 2)
    assert not overview_due(date(2024, 4, 1))


def test_hemelvaart_pinkstermaandag_and_koningsdag_are_days_off() -> None:
    assert not is_working_day(date(2025, 5, 29))  # Hemelvaartsdag
    assert not is_working_day(date(2025, 6, 9))  # Tweede Pinksterdag
    # 27 April 2025 is a Sunday: Koningsdag was Saturday the 26th.
    assert date(2025, 4, 26) in public_holidays(2025)
    assert date(2025, 4, 27) not in public_holidays(2025)
    assert not is_working_day(date(2027, 4, 27))
    assert is_working_day(date(2027, 4, 26))
    assert first_working_day(2026, 6) == date(2026, 6, 1)


def test_later_days_of_the_first_week_send_what_is_left() -> None:
    assert overview_due(date(2026, 12, 1))
    assert overview_due(date(2026, 12, 7))
