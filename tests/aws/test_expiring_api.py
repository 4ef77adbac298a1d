""" "Verloopt binnen" through the search handler on moto: GET /holders?expiring=, by each
qualification's own expiry date, combined with the other filters, within the caller's rights."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from functions.search.app import handler
from pasjes.clock import portal_today
from pasjes.dal import holders, registrations
from pasjes.domain import Holder, HolderRow, Qualification
from tests.conftest import CONTACT, KEIRA, STRANGER, api_event, call, qualification

# The portal's today (the date in Amsterdam), as the handlers count it.
TODAY = portal_today(datetime.now(UTC))


def _q(
    code: str, expiry: date | None, *, withdrawn: bool = False, exam_type: str = "EH"
) -> Qualification:
    return dataclasses.replace(
        qualification(code, exam_type=exam_type),
        expiry_date=expiry,
        withdrawn_on=TODAY - timedelta(days=400) if withdrawn else None,
    )


SOON = Holder(
    "50000001",
    "Mevr. A. Binnenkort",
    date(1990, 1, 1),
    (
        _q("DEH", TODAY + timedelta(days=10)),
        _q("BHV", TODAY + timedelta(days=1100), exam_type="BHV"),
    ),
)
LATER = Holder(
    "50000002", "Dhr. B. Later", date(1991, 1, 1), (_q("DEH", TODAY + timedelta(days=70)),)
)
GONE = Holder(
    "50000003", "Dhr. C. Verlopen", date(1992, 1, 1), (_q("DEH", TODAY - timedelta(days=40)),)
)
WITHDRAWN = Holder(
    "50000004",
    "Dhr. D. Ingetrokken",
    date(1993, 1, 1),
    (_q("DEH", TODAY + timedelta(days=5), withdrawn=True),),
)
UNDATED = Holder("50000005", "Mevr. E. Zonder", date(1994, 1, 1), (_q("DEH", None),))
BHV_SOON = Holder(
    "50000006",
    "Mevr. F. Bedrijf",
    date(1995, 1, 1),
    (_q("BHV", TODAY + timedelta(days=20), exam_type="BHV"),),
)
EVERYONE = [SOON, LATER, GONE, WITHDRAWN, UNDATED, BHV_SOON]


@pytest.fixture
def expiring_portal(portal: None) -> None:
    holders.put_holders(EVERYONE)
    registrations.replace_rows(KEIRA.id, [HolderRow.of(h, None) for h in EVERYONE])


def listed(query: dict[str, str], sub: str = CONTACT) -> tuple[int, Any]:
    return call(
        handler, api_event("GET", "/holders", query={"organisation": KEIRA.id, **query}, sub=sub)
    )


def numbers(body: Any) -> list[str]:
    return [item["qualificationNumber"] for item in body["items"]]


def test_one_month_finds_the_holder_whose_first_qualification_expires_and_says_which(
    expiring_portal: None,
) -> None:
    status, body = listed({"expiring": "1m"})

    assert status == 200
    assert numbers(body) == ["50000001", "50000006"]
    first = body["items"][0]
    # The row's own Vervaldatum is the BHV certificate's, three years on.
    assert first["expiryDate"] == (TODAY + timedelta(days=1100)).isoformat()
    assert first["expiring"] == [
        {
            "code": "DEH",
            "name": "Diploma Eerste Hulp",
            "expiryDate": (TODAY + timedelta(days=10)).isoformat(),
        }
    ]


def test_the_windows_are_sorted_by_the_date_in_the_window_by_default(expiring_portal: None) -> None:
    _, three = listed({"expiring": "3m"})
    _, past = listed({"expiring": "past12m"})
    _, by_number = listed({"expiring": "3m", "sort": "qualificationNumber"})

    assert numbers(three) == ["50000001", "50000006", "50000002"]
    assert numbers(past) == ["50000003"]
    assert past["items"][0]["expiring"][0]["expiryDate"] == (TODAY - timedelta(days=40)).isoformat()
    # Another order when asked for.
    assert numbers(by_number) == ["50000001", "50000002", "50000006"]


def test_withdrawn_and_undated_qualifications_are_in_no_window(expiring_portal: None) -> None:
    for window in ("1m", "3m", "6m", "12m", "past12m"):
        _, body = listed({"expiring": window, "limit": "500"})
        assert not {"50000004", "50000005"} & set(numbers(body)), window


def test_a_window_combines_with_exam_type_and_search_text(expiring_portal: None) -> None:
    _, bhv = listed({"expiring": "1m", "examType": "BHV"})
    _, named = listed({"expiring": "3m", "q": "later"})

    # SOON has a BHV certificate too, but it expires in three years: still in the list, by DEH.
    assert numbers(bhv) == ["50000001", "50000006"]
    assert numbers(named) == ["50000002"]


def test_without_a_window_rows_carry_no_expiring_list(expiring_portal: None) -> None:
    _, body = listed({})
    assert {item["expiring"] for item in body["items"]} == {None}


def test_an_unknown_window_is_a_400_naming_the_parameter(expiring_portal: None) -> None:
    status, body = listed({"expiring": "2m"})
    assert (status, body["code"]) == (400, "invalid_parameter")
    assert body["parameter"] == "expiring"


def test_a_window_on_another_organisation_is_a_404(expiring_portal: None) -> None:
    status, body = listed({"expiring": "1m"}, sub=STRANGER)
    assert status == 404
    assert "50000001" not in str(body)
