"""The portal's "today" is the date in Amsterdam: at 23:30 UTC on the last day of a month it is
already the first of the next for the list's statuses, the export's file name and the monthly
overview (a clock injected, on moto)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from pasjes.dal import holders, registrations
from pasjes.domain import Holder, HolderRow, HolderStatus
from pasjes.logic import working_days
from pasjes.logic.holder_export import ExportFormat, export_holders
from pasjes.logic.holders import holder_details, holder_list
from pasjes.logic.overview import send_monthly_overview
from pasjes.logic.search import HolderSearch
from tests.aws.test_overview import overview, sent
from tests.conftest import CONTACT, KEIRA, qualification

__all__ = ["overview"]  # a fixture, used by name

# 00:30 on 1 December 2026 in Amsterdam; still 30 November in UTC.
LATE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
EARLIER = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # 23:30 on 30 November in Amsterdam
LAST_DAY = Holder(
    "60000002",
    "Mevr. Laatste Dag",
    date(1980, 2, 3),
    (dataclasses.replace(qualification("DEH"), expiry_date=date(2026, 11, 30)),),
)


@pytest.fixture
def last_day(portal: None) -> None:
    holders.put_holders([LAST_DAY])
    registrations.replace_rows(KEIRA.id, [HolderRow.of(LAST_DAY, None)])


def status_at(moment: datetime) -> tuple[str, str]:
    search = HolderSearch(organisation_id=KEIRA.id)
    (item,) = holder_list(CONTACT, search, cursor=None, now=lambda: moment).items
    details = holder_details(CONTACT, KEIRA.id, LAST_DAY.qualification_number, now=lambda: moment)
    return item.status, details.qualifications[0].status


def test_a_qualification_expiring_on_the_last_day_is_expired_once_it_is_over_in_amsterdam(
    last_day: None,
) -> None:
    assert status_at(EARLIER) == (HolderStatus.VALID, HolderStatus.VALID)
    assert status_at(LATE) == (HolderStatus.EXPIRED, HolderStatus.EXPIRED)


def test_the_export_is_named_for_the_day_in_amsterdam(last_day: None) -> None:
    search = HolderSearch(organisation_id=KEIRA.id)
    export = export_holders(CONTACT, search, ExportFormat.CSV, now=lambda: LATE)
    assert "2026-12-01" in export.file_name
    assert "2026-11-30" not in export.file_name
    assert "Verlopen" in export.body.decode("utf-8-sig")


def test_the_overview_run_just_after_midnight_in_amsterdam_is_the_new_months(
    overview: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[date] = []

    def due(day: date) -> bool:
        asked.append(day)
        return True

    monkeypatch.setattr(working_days, "overview_due", due)

    run = send_monthly_overview(now=lambda: LATE)

    assert asked == [date(2026, 12, 1)]
    assert run.sent
    assert all("december 2026" in m.subject for m in sent())
