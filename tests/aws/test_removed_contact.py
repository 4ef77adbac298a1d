"""The authorization matrix's last row: a contact person removed from an organisation by an
import reaches nothing of it any more, on every endpoint (the stack cannot remove a contact
cleanly, so this row runs on the handlers)."""

from __future__ import annotations

from typing import Any

import pytest

from functions.download.app import handler as download_handler
from functions.search.app import handler as search_handler
from functions.submit.app import handler as submit_handler
from pasjes.logic.render import render_request
from tests.aws.test_requests_api import remove_from_keira
from tests.conftest import CONTACT, KEIRA, api_event, call

BODY = {"organisation": KEIRA.id, "qualificationNumbers": ["73029884"]}
KEIRA_ONLY = {"organisation": KEIRA.id}

# (method, resource): (handler, path parameters, query, body, status, code)
MATRIX: dict[tuple[str, str], tuple[Any, dict[str, str] | None, Any, Any, int, str | None]] = {
    ("GET", "/exam-types"): (search_handler, None, KEIRA_ONLY, None, 404, "organisation_not_found"),
    ("GET", "/holders"): (search_handler, None, KEIRA_ONLY, None, 404, "organisation_not_found"),
    ("GET", "/holders/{qualificationNumber}"): (
        search_handler,
        {"qualificationNumber": "73029884"},
        KEIRA_ONLY,
        None,
        404,
        "organisation_not_found",
    ),
    ("POST", "/requests"): (submit_handler, None, None, BODY, 404, "organisation_not_found"),
    ("POST", "/requests/preview"): (
        submit_handler,
        None,
        None,
        BODY,
        404,
        "organisation_not_found",
    ),
    ("GET", "/requests/{id}"): (download_handler, {"id": ""}, None, None, 404, "request_not_found"),
    ("GET", "/requests/{id}/download"): (
        download_handler,
        {"id": ""},
        None,
        None,
        404,
        "request_not_found",
    ),
}


@pytest.fixture
def removed_with_a_ready_request(portal: None) -> str:
    event = api_event("POST", "/requests", body=BODY)
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)
    status, created = call(submit_handler, event)
    assert status == 202
    render_request(created["id"], receive_count=1)
    remove_from_keira(CONTACT)
    return str(created["id"])


@pytest.mark.parametrize("endpoint", sorted(MATRIX), ids=" ".join)
def test_a_removed_contact_gets_404_on_every_endpoint_of_the_organisation(
    removed_with_a_ready_request: str, endpoint: tuple[str, str]
) -> None:
    handler, parameters, query, body, expected, code = MATRIX[endpoint]
    if parameters and "id" in parameters:
        parameters = {"id": removed_with_a_ready_request}
    event = api_event(endpoint[0], endpoint[1], path_parameters=parameters, query=query, body=body)
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)

    status, answer = call(handler, event)

    assert (status, answer["code"]) == (expected, code)


def test_a_removed_contact_sees_neither_the_organisation_nor_its_requests_in_lists(
    removed_with_a_ready_request: str,
) -> None:
    status, me = call(search_handler, api_event("GET", "/me"))
    assert status == 200
    assert KEIRA.id not in [o["id"] for o in me["organisations"]]
    status, listed = call(download_handler, api_event("GET", "/requests"))
    assert (status, listed["items"]) == (200, [])
