"""Withdrawn qualifications through the API: their status in lists and details, and why a
holder is skipped by submit and preview."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from functions.search.app import handler as search_handler
from functions.submit.app import handler as submit_handler
from pasjes.dal import holders, registrations
from pasjes.domain import Holder
from tests.conftest import HOLDERS, KEIRA, api_event, call, qualification, row_of

WITHDRAWN = Holder(
    "45678901",
    "Dhr. Ingetrokken",
    date(1980, 2, 2),
    (dataclasses.replace(qualification("DEH"), withdrawn_on=date(2025, 1, 15)),),
)


def register_withdrawn() -> None:
    holders.put_holders([WITHDRAWN])
    rows = registrations.rows_of_organisation(KEIRA.id)
    registrations.replace_rows(KEIRA.id, [*rows, row_of(WITHDRAWN, None)])


def post(resource: str, body: Mapping[str, object]) -> tuple[int, dict[str, object]]:
    event = api_event("POST", resource, body=body)
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)
    status, answer = call(submit_handler, event)
    return status, answer


def test_details_show_a_withdrawn_qualification_as_ingetrokken_with_its_date(
    portal: None,
) -> None:
    register_withdrawn()
    event = api_event(
        "GET",
        "/holders/{qualificationNumber}",
        path_parameters={"qualificationNumber": WITHDRAWN.qualification_number},
        query={"organisation": KEIRA.id},
    )
    status, body = call(search_handler, event)

    assert (status, body["status"]) == (200, "Ingetrokken")
    (only,) = body["qualifications"]
    assert (only["status"], only["withdrawnOn"]) == ("Ingetrokken", "2025-01-15")


def test_a_valid_qualification_has_no_withdrawal_date(portal: None) -> None:
    event = api_event(
        "GET",
        "/holders/{qualificationNumber}",
        path_parameters={"qualificationNumber": "99600953"},
        query={"organisation": KEIRA.id},
    )
    _, body = call(search_handler, event)
    assert {(q["status"], q["withdrawnOn"]) for q in body["qualifications"]} == {("Geldig", None)}


def test_submit_and_preview_say_why_a_holder_is_skipped(portal: None) -> None:
    register_withdrawn()
    knightley = HOLDERS[0].qualification_number  # only an RLH certificate: no DEH to match
    body = {
        "organisation": KEIRA.id,
        "qualificationNumbers": ["99600953", WITHDRAWN.qualification_number, knightley],
        "qualificationCodes": ["DEH"],
    }
    expected = {WITHDRAWN.qualification_number: "withdrawn", knightley: "no_match"}

    status, preview = post("/requests/preview", body)
    assert (status, preview["skippedReasons"]) == (200, expected)

    status, submitted = post("/requests", body)
    assert status == 202
    assert submitted["skipped"] == [WITHDRAWN.qualification_number, knightley]
    assert submitted["skippedReasons"] == expected
