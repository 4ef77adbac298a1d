"""POST /requests reads the registry only for holders registered at the organisation: numbers of
another organisation are refused as fast as unknown ones (no timing oracle)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from functions.submit.app import handler as submit_handler
from pasjes.dal import holders
from pasjes.domain import Holder
from tests.conftest import CONTACT, EX45465, KEIRA, api_event, call


@pytest.fixture
def holder_reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    seen: list[list[str]] = []
    real = holders.get_holders

    def counting(numbers: Iterable[str]) -> dict[str, Holder]:
        numbers = list(numbers)
        seen.append(numbers)
        return real(numbers)

    # The module submit reads holders through (pasjes.logic.submit imports it as a module).
    monkeypatch.setattr(holders, "get_holders", counting)
    return seen


def submit(numbers: list[str]) -> tuple[int, dict[str, object]]:
    event = api_event(
        "POST",
        "/requests",
        body={"organisation": KEIRA.id, "qualificationNumbers": numbers},
        sub=CONTACT,
    )
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)
    status, body = call(submit_handler, event)
    return status, body


@pytest.mark.parametrize(
    "numbers",
    [
        ["34567890"],  # registered at another organisation
        ["99999999"],  # unknown to the registry
        ["99600953", "34567890"],  # one of ours among them
    ],
)
def test_numbers_not_registered_here_are_refused_before_any_holder_is_read(
    portal: None, holder_reads: list[list[str]], numbers: list[str]
) -> None:
    status, body = submit(numbers)

    assert (status, body["code"]) == (404, "holders_not_found")
    assert holder_reads == []


def test_a_selection_registered_here_reads_its_holders_once(
    portal: None, holder_reads: list[list[str]]
) -> None:
    status, _ = submit(EX45465)

    assert status == 202
    assert [sorted(numbers) for numbers in holder_reads] == [sorted(EX45465)]
