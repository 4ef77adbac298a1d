"""Per-person submission quotas through the real handlers on moto: at most 10 requests waiting
for render and 100 a day, counted in the same DynamoDB transaction as the request."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.download.app import handler as download_handler
from functions.submit.app import handler as submit_handler
from infra.ops.dataset import Dataset
from infra.ops.importer import load
from pasjes.clock import portal_day_ends, portal_today
from pasjes.dal import pass_requests, quotas
from pasjes.dal.pass_requests import RequestModel
from pasjes.dal.quotas import QuotaModel, day_key
from pasjes.domain import RequestStatus
from pasjes.logic.render import render_request
from pasjes.rules import (
    MAX_PENDING_REQUESTS,
    MAX_REQUESTS_PER_DAY,
    PENDING_RETRY_AFTER_SECONDS,
)
from tests.aws.test_requests_api import remove_from_keira
from tests.conftest import COLLEAGUE, CONTACT, EX45465, KEIRA, FakeContext, api_event

BODY = {"organisation": KEIRA.id, "qualificationNumbers": EX45465[:1]}


def submit(*, sub: str = CONTACT, key: str | None = None) -> tuple[int, Any, dict[str, str]]:
    event = api_event(
        "POST", "/requests", body=BODY, sub=sub, headers={"Idempotency-Key": key or ""}
    )
    if not key:
        event["headers"].pop("Idempotency-Key")
        event["multiValueHeaders"].pop("Idempotency-Key")
    response = submit_handler(event, FakeContext())
    headers = {**(response.get("headers") or {})}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = values[-1]
    return response["statusCode"], json.loads(response["body"]), headers


def listed() -> list[dict[str, Any]]:
    response = download_handler(api_event("GET", "/requests"), FakeContext())
    items: list[dict[str, Any]] = json.loads(response["body"])["items"]
    return items


def fill_pending(count: int = MAX_PENDING_REQUESTS, *, sub: str = CONTACT) -> list[str]:
    ids = []
    for _ in range(count):
        status, body, _ = submit(sub=sub)
        assert status == 202, body
        ids.append(body["id"])
    return ids


def test_the_eleventh_waiting_request_is_refused_with_retry_after(portal: None) -> None:
    fill_pending()

    status, body, headers = submit()

    assert (status, body["code"]) == (429, "too_many_pending")
    assert headers["Retry-After"] == str(PENDING_RETRY_AFTER_SECONDS)
    assert body["retryAfter"] == PENDING_RETRY_AFTER_SECONDS
    assert "10 requests waiting" in body["message"]
    # Nothing of the refused request was stored: still ten listed, ten slots held.
    assert len(listed()) == MAX_PENDING_REQUESTS
    assert len(quotas.held(CONTACT)) == MAX_PENDING_REQUESTS


def test_the_limit_is_per_person(portal: None) -> None:
    fill_pending()
    status, _, _ = submit(sub=COLLEAGUE)
    assert status == 202


def test_a_ready_or_failed_request_frees_its_slot(portal: None) -> None:
    ids = fill_pending()
    assert submit()[0] == 429

    assert render_request(ids[0], receive_count=1) is RequestStatus.READY
    status, body, _ = submit()
    assert status == 202, body
    assert submit()[0] == 429

    assert pass_requests.mark_failed(ids[1], "test", code="render_failed", owner_sub=CONTACT)
    assert submit()[0] == 202


def test_a_request_rendered_twice_frees_one_slot_only(portal: None) -> None:
    ids = fill_pending(2)
    assert render_request(ids[0], receive_count=1) is RequestStatus.READY
    assert render_request(ids[0], receive_count=2) is RequestStatus.READY
    assert not pass_requests.mark_failed(ids[0], "late", code="render_failed", owner_sub=CONTACT)

    assert quotas.held(CONTACT) == {ids[1]}


def test_the_hundred_and_first_request_of_the_day_is_refused_until_midnight(
    portal: None,
) -> None:
    for number in range(MAX_REQUESTS_PER_DAY):
        status, body, _ = submit()
        assert status == 202, (number, body)
        # Rendered at once, so the pending limit never bites first.
        assert pass_requests.mark_failed(
            body["id"], "test", code="render_failed", owner_sub=CONTACT
        )

    status, body, headers = submit()

    assert (status, body["code"]) == (429, "daily_limit_reached")
    now = datetime.now(UTC)
    # Midnight in Amsterdam: the portal's day (pasjes.clock).
    midnight = portal_day_ends(portal_today(now))
    assert 0 < int(headers["Retry-After"]) - (midnight - now).total_seconds() <= 5
    day = QuotaModel.get(day_key(CONTACT, portal_today(now).isoformat()))
    assert day.submitted == MAX_REQUESTS_PER_DAY
    # The counter cleans itself up: DynamoDB's TTL, a day after the day.
    assert day.ttl == midnight + timedelta(days=1)


def test_two_submits_at_once_for_the_last_slot_one_wins(portal: None) -> None:
    fill_pending(MAX_PENDING_REQUESTS - 1)
    outcomes: list[int] = []
    start = threading.Barrier(2, timeout=30)

    def race() -> None:
        start.wait()
        outcomes.append(submit()[0])

    threads = [threading.Thread(target=race) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == [202, 429]
    assert len(quotas.held(CONTACT)) == MAX_PENDING_REQUESTS
    assert len(listed()) == MAX_PENDING_REQUESTS


def test_a_retry_with_the_same_key_at_the_limit_answers_the_first_request(portal: None) -> None:
    fill_pending(MAX_PENDING_REQUESTS - 1)
    status, first, _ = submit(key="last-slot-key-01")
    assert status == 202

    status, again, _ = submit(key="last-slot-key-01")

    assert (status, again["id"]) == (202, first["id"])
    assert submit(key="another-key-0002")[0] == 429


def test_an_import_that_removes_the_contact_frees_the_slots_of_their_deleted_requests(
    portal: None,
) -> None:
    ids = fill_pending()
    assert render_request(ids[0], receive_count=1) is RequestStatus.READY

    remove_from_keira(CONTACT)
    revoked = pass_requests.ids_of(CONTACT, KEIRA.id)
    pass_requests.delete_requests(CONTACT, revoked)

    assert set(revoked) == set(ids)
    assert quotas.held(CONTACT) == set()


def test_the_importer_frees_slots_when_it_deletes_a_removed_contacts_requests(
    portal: None,
) -> None:
    fill_pending(3)
    # An import of Keira BHV that lists only the colleague as contact person.
    dataset = Dataset(
        organisations=(KEIRA,),
        memberships={"collega@keira-bhv.example": (KEIRA.id,)},
        holders=(),
        registrations=(),
    )
    report = load(dataset, resolve_sub=lambda email: COLLEAGUE)

    assert report.revoked_requests == 3
    assert quotas.held(CONTACT) == set()


def test_a_slot_left_by_a_request_that_ended_without_freeing_it_is_recovered(
    portal: None,
) -> None:
    ids = fill_pending()
    # A render that died on its last delivery after the status change, say: the request is
    # over, its slot still held.
    RequestModel(ids[0]).update(actions=[RequestModel.status.set(RequestStatus.FAILED.value)])

    status, body, _ = submit()

    assert status == 202, body
    assert ids[0] not in quotas.held(CONTACT)


def test_counters_are_not_requests(portal: None) -> None:
    ids = fill_pending(2)
    assert {item["id"] for item in listed()} == set(ids)
