"""DynamoDB throttling on submit and search: retried by the SDK, and when it persists a 503
`busy` with Retry-After, never a 500.

The fault is made where AWS makes it: moto's DynamoDB backend answers the operation with
ProvisionedThroughputExceededException, so the real botocore client of pynamodb (or of
Powertools' idempotency layer) receives a real throttling error and applies its retries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from moto.dynamodb.exceptions import DynamodbException
from moto.dynamodb.models import DynamoDBBackend

from functions.download.app import handler as download_handler
from functions.search.app import handler as search_handler
from functions.submit.app import handler as submit_handler
from pasjes.dal import quotas
from pasjes.settings import get_settings
from tests.conftest import CONTACT, KEIRA, FakeContext, api_event

THROTTLED = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
BODY = {"organisation": KEIRA.id, "qualificationNumbers": ["99731441"]}


@dataclass
class Throttle:
    """Throttles the first `times` calls (every call when None) that `applies` picks."""

    times: int | None
    applies: Callable[..., bool]
    calls: int = 0
    throttled: int = 0

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def throttled(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
            if self.applies(*args, **kwargs):
                self.calls += 1
                if self.times is None or self.throttled < self.times:
                    self.throttled += 1
                    raise DynamodbException(
                        THROTTLED,
                        "The level of configured provisioned "
                        "throughput for the table was exceeded.",
                    )
            return original(backend, *args, **kwargs)

        return throttled


@pytest.fixture
def throttle(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Throttle]:
    def start(operation: str, *, times: int | None = None, table: str | None = None) -> Throttle:
        def applies(*args: Any, **kwargs: Any) -> bool:
            name = args[0] if args else kwargs.get("table_name")
            return table is None or name == table

        fault = Throttle(times, applies)
        monkeypatch.setattr(
            DynamoDBBackend, operation, fault.wrap(getattr(DynamoDBBackend, operation))
        )
        return fault

    return start


def respond(handler: Any, event: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    response = handler(event, FakeContext())
    headers = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = values[-1]
    return response["statusCode"], json.loads(response["body"]), headers


def search() -> tuple[int, Any, dict[str, str]]:
    return respond(search_handler, api_event("GET", "/holders", query={"organisation": KEIRA.id}))


def submit(key: str | None = None) -> tuple[int, Any, dict[str, str]]:
    event = api_event("POST", "/requests", body=BODY, headers={"Idempotency-Key": key or ""})
    if key is None:
        event["headers"].pop("Idempotency-Key")
        event["multiValueHeaders"].pop("Idempotency-Key")
    return respond(submit_handler, event)


def listed() -> list[Any]:
    return list(respond(download_handler, api_event("GET", "/requests"))[1]["items"])


def assert_busy(answer: tuple[int, Any, dict[str, str]]) -> None:
    status, body, headers = answer
    assert (status, body["code"]) == (503, "busy")
    assert int(headers["Retry-After"]) > 0
    assert "Try again" in body["message"]


def test_a_passing_throttle_on_search_is_retried_by_the_sdk(
    portal: None, throttle: Callable[..., Throttle]
) -> None:
    fault = throttle("query", times=2)

    status, body, _ = search()

    assert status == 200
    assert body["total"] == 6
    # Each throttled Query was sent again by botocore, within the one API call.
    assert fault.throttled == 2
    assert fault.calls >= 3


def test_a_lasting_throttle_on_search_is_a_503_busy_with_retry_after(
    portal: None, throttle: Callable[..., Throttle]
) -> None:
    fault = throttle("query")

    assert_busy(search())
    # The SDK tried several times before giving up.
    assert fault.calls == 4


def test_a_passing_throttle_on_submit_is_retried_and_the_request_stored_once(
    portal: None, throttle: Callable[..., Throttle]
) -> None:
    fault = throttle("transact_write_items", times=2)

    status, body, _ = submit()

    assert status == 202, body
    assert fault.throttled == 2
    assert [item["id"] for item in listed()] == [body["id"]]
    assert quotas.held(CONTACT) == {body["id"]}


def test_a_lasting_throttle_on_submit_is_a_503_and_stores_nothing(
    portal: None, throttle: Callable[..., Throttle]
) -> None:
    throttle("transact_write_items")

    assert_busy(submit())

    assert listed() == []
    assert quotas.held(CONTACT) == set()


def test_a_throttled_membership_read_on_submit_is_a_503(
    portal: None, throttle: Callable[..., Throttle]
) -> None:
    throttle("query", table=get_settings().contacts_table)

    assert_busy(submit())


def test_a_throttled_idempotency_table_is_a_503_not_a_timeout(
    portal: None, throttle: Callable[..., Throttle]
) -> None:
    fault = throttle("put_item", table=get_settings().idempotency_table)

    assert_busy(submit(key="throttled-key-0001"))
    # Powertools' client retries as pynamodb's does: a few quick attempts, not boto3's ten.
    assert fault.calls == 4
    assert listed() == []
