"""Examennummer as a contact person types it, and Naam sorted the Dutch way, through the handler."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from functions.search.app import handler
from pasjes.dal import holders as holders_table
from pasjes.dal import registrations
from pasjes.domain import Holder, HolderRow
from tests.conftest import CONTACT, EX45465, KEIRA, api_event, call, qualification


def holders(query: dict[str, str]) -> tuple[int, Any]:
    return call(handler, api_event("GET", "/holders", query=query, sub=CONTACT))


@pytest.mark.parametrize("typed", ["ex45465", " EX45465 ", "Ex45465", "  ex45465"])
def test_exam_number_ignores_case_and_surrounding_spaces(portal: None, typed: str) -> None:
    status, body = holders({"organisation": KEIRA.id, "examNumber": typed})
    assert status == 200
    assert sorted(item["qualificationNumber"] for item in body["items"]) == sorted(EX45465)


def test_an_exam_number_with_a_space_inside_is_still_refused(portal: None) -> None:
    status, body = holders({"organisation": KEIRA.id, "examNumber": "EX 45465"})
    assert (status, body["code"]) == (400, "invalid_parameter")


def test_an_exam_number_the_registry_wrote_in_lower_case_is_found_in_any_case(
    portal: None,
) -> None:
    holder = Holder(
        "55555555", "Mevr. A de Jong", date(1990, 1, 1), (qualification("DEH", exam_number="ex9"),)
    )
    holders_table.put_holders([holder])
    registrations.replace_rows(KEIRA.id, [HolderRow.of(holder, None)])
    registrations.forget_cached_lists()
    for typed in ("EX9", "ex9"):
        status, body = holders({"organisation": KEIRA.id, "examNumber": typed})
        assert (status, [i["qualificationNumber"] for i in body["items"]]) == (200, ["55555555"])


def test_names_are_listed_by_surname(portal: None) -> None:
    status, body = holders({"organisation": KEIRA.id, "sort": "name"})
    assert status == 200
    # Knightley, Nguyễn, Öztürk, then the three Test(er)s under T: van Test, de Tester, Te Tester.
    assert [item["name"] for item in body["items"]] == [
        "Mevr. K.C. Knightley",
        "Mevr. Zoë Nguyễn",
        "Dhr. Şükrü Öztürk",
        "Dhr. B van Test",
        "Dhr. TEST de Tester",
        "Dhr. TT Te Tester",
    ]
