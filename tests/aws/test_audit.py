"""The audit trail: one JSON line per event, ids only, through the handlers on moto."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from functions.download.app import handler as download_handler
from functions.search.app import handler as search_handler
from functions.submit.app import handler as submit_handler
from functions.verify.app import handler as verify_handler
from pasjes import audit
from pasjes.dal import pass_requests
from pasjes.logic.render import render_request
from pasjes.logic.verification import VerificationKeys, code_for
from tests.aws.test_verify_api import verification_keys, verify_event
from tests.conftest import CONTACT, EX45465, HOLDERS, KEIRA, api_event, call

__all__ = ["verification_keys"]  # a fixture, used by name


Trail = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def trail() -> Iterator[Trail]:
    """The audit lines written during the test, parsed; `trail(action)` picks one kind."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(audit.logger.registered_formatter)
    logging.getLogger(audit.SERVICE).addHandler(handler)

    def lines(action: str | None = None) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
        for line in parsed:
            assert (line["service"], line["audit"]) == ("pasjesportaal-audit", True)
            text = json.dumps(line, ensure_ascii=False)
            # Ids only: no holder's name or birth date ever reaches the trail.
            for holder in HOLDERS:
                assert holder.name not in text
                assert holder.birth_date.isoformat() not in text
        return [line for line in parsed if action is None or line["action"] == action]

    try:
        yield lines
    finally:
        logging.getLogger(audit.SERVICE).removeHandler(handler)


def submitted() -> str:
    body = {"organisation": KEIRA.id, "qualificationNumbers": EX45465}
    event = api_event("POST", "/requests", body=body)
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)
    status, answer = call(submit_handler, event)
    assert status == 202
    return str(answer["id"])


def test_a_holder_list_read_is_one_line_with_counts_not_names(portal: None, trail: Trail) -> None:
    query = {"organisation": KEIRA.id, "limit": "2"}
    assert call(search_handler, api_event("GET", "/holders", query=query))[0] == 200

    (line,) = trail("holders_listed")
    assert {k: line[k] for k in ("organisation", "sub", "returned", "total")} == {
        "organisation": KEIRA.id,
        "sub": CONTACT,
        "returned": 2,
        "total": 6,
    }
    assert line["correlation_id"]


def test_a_holder_details_read_names_the_qualification_number(portal: None, trail: Trail) -> None:
    event = api_event(
        "GET",
        "/holders/{qualificationNumber}",
        path_parameters={"qualificationNumber": "99600953"},
        query={"organisation": KEIRA.id},
    )
    assert call(search_handler, event)[0] == 200

    (line,) = trail("holder_read")
    assert (line["organisation"], line["sub"], line["qualification_number"]) == (
        KEIRA.id,
        CONTACT,
        "99600953",
    )


def test_submitting_and_downloading_are_audited_and_counted_on_the_request(
    portal: None, trail: Trail
) -> None:
    request_id = submitted()
    render_request(request_id, receive_count=1)
    download = api_event("GET", "/requests/{id}/download", path_parameters={"id": request_id})
    assert call(download_handler, download)[0] == 200
    assert call(download_handler, download)[0] == 200

    (line,) = trail("request_submitted")
    assert (line["request_id"], line["organisation"], line["sub"], line["passes"]) == (
        request_id,
        KEIRA.id,
        CONTACT,
        5,
    )
    issued = trail("download_issued")
    assert [(x["request_id"], x["sub"]) for x in issued] == [(request_id, CONTACT)] * 2
    _, listed = call(download_handler, api_event("GET", "/requests"))
    (item,) = listed["items"]
    assert item["downloadCount"] == 2
    assert item["lastDownloadedAt"] is not None
    _, one = call(
        download_handler,
        api_event("GET", "/requests/{id}", path_parameters={"id": request_id}),
    )
    assert (one["downloadCount"], one["errorCode"]) == (2, None)


def test_a_request_never_downloaded_says_so(portal: None) -> None:
    request_id = submitted()
    event = api_event("GET", "/requests/{id}", path_parameters={"id": request_id})
    _, body = call(download_handler, event)
    assert (body["downloadCount"], body["lastDownloadedAt"]) == (0, None)


def test_expiry_is_audited_by_render_and_by_a_read_answering_410(
    portal: None, trail: Trail
) -> None:
    request_id = submitted()
    stored = pass_requests.get_request(request_id)
    assert stored is not None
    later = stored.expires_at + timedelta(seconds=1)

    render_request(request_id, receive_count=1, now=lambda: later)
    failed = pass_requests.get_request(request_id)
    assert failed is not None
    assert failed.error_code == "expired_before_rendered"

    from pasjes.errors import RequestExpired
    from pasjes.logic.download import my_request

    with pytest.raises(RequestExpired):
        my_request(request_id, CONTACT, now=lambda: later)

    seen = [(x["request_id"], x["seen_by"]) for x in trail("request_expired")]
    assert seen == [(request_id, "render"), (request_id, "read")]


def test_requests_deleted_by_an_import_are_audited(portal: None, trail: Trail) -> None:
    from infra.ops.dataset import Dataset
    from infra.ops.importer import load
    from tests.conftest import COLLEAGUE

    request_id = submitted()
    load(
        Dataset(
            organisations=(KEIRA,),
            memberships={"collega@keira-bhv.example": (KEIRA.id,)},
            holders=(),
            registrations=(),
        ),
        resolve_sub=lambda email: COLLEAGUE,
    )

    (line,) = trail("request_deleted")
    assert (line["request_id"], line["sub"], line["reason"]) == (
        request_id,
        CONTACT,
        "membership_ended",
    )


def test_the_public_check_logs_the_key_and_outcome_never_the_number(
    portal: None, verification_keys: VerificationKeys, trail: Trail
) -> None:
    code = code_for(verification_keys, "99600953", "DEH")
    assert call(verify_handler, verify_event(code))[0] == 200
    assert call(verify_handler, verify_event("not-a-code"))[0] == 404

    lines = trail("code_verified")
    assert [(x["key_id"], x["outcome"]) for x in lines] == [("a", "valid"), ("-", "unknown")]
    assert all("99600953" not in json.dumps(x) and code not in json.dumps(x) for x in lines)
