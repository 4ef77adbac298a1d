"""POST /requests/preview through the real submit handler on moto."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest

from functions.submit.app import handler as submit_handler
from pasjes.dal import holders, registrations
from pasjes.domain import Holder, QualificationType
from pasjes.logic.submit import forget_preview_holders
from pasjes.settings import get_settings
from tests.conftest import (
    COLLEAGUE,
    CONTACT,
    EVENTS,
    EX45465,
    FUTURE,
    KEIRA,
    OTHER,
    STRANGER,
    FakeContext,
    api_event,
    call,
    qualification,
    row_of,
)


@pytest.fixture(autouse=True)
def _fresh_container() -> None:
    """Each test's moto account is new: holders kept by an earlier test's preview are not."""
    forget_preview_holders()


def preview(body: Any, *, sub: str = CONTACT) -> tuple[int, Any]:
    event = api_event("POST", "/requests/preview", body=body, sub=sub)
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)
    return call(submit_handler, event)


def nothing_created() -> bool:
    queue = boto3.client("sqs").receive_message(
        QueueUrl=get_settings().required("render_queue_url"), WaitTimeSeconds=0
    )
    requests_table = boto3.client("dynamodb").describe_table(
        TableName=get_settings().requests_table
    )
    return "Messages" not in queue and requests_table["Table"]["ItemCount"] == 0


def register_many(count: int, *, first: int = 50_000_000) -> list[str]:
    """`count` more Keira BHV holders, each with a diploma and its module (2 passes)."""
    many = [
        Holder(
            f"{first + i:08d}",
            f"Dhr. Nummer {i}",
            date(1990, 1, 1),
            (
                qualification("DEH", exam_number="EX90000"),
                qualification(
                    "EHK",
                    type=QualificationType.CERTIFICATE,
                    exam_number="EX90000",
                    parent="DEH",
                    expiry=FUTURE.replace(year=2031),
                ),
            ),
        )
        for i in range(count)
    ]
    holders.put_holders(many)
    registrations.replace_rows(
        KEIRA.id, registrations.rows_of_organisation(KEIRA.id) + [row_of(h, None) for h in many]
    )
    return [h.qualification_number for h in many]


def test_the_preview_counts_passes_and_options_and_creates_nothing(portal: None) -> None:
    status, body = preview(
        {
            "organisation": KEIRA.id,
            "qualificationNumbers": [*EX45465, "73029884"],
            "qualificationCodes": ["DEH"],
            "reference": "Examen maart",
        }
    )
    assert status == 200
    assert (body["holderCount"], body["passCount"], body["skipped"]) == (3, 3, ["73029884"])
    assert body["qualificationCodes"] == [
        {"code": "DEH", "name": "Diploma Eerste Hulp", "type": "Diploma", "count": 3},
        {"code": "EHK", "name": "Eerste Hulp aan Kinderen", "type": "Certificaat", "count": 2},
        {"code": "RLH", "name": "Levensreddend handelen", "type": "Certificaat", "count": 1},
    ]
    assert body["expiryDates"] == [{"date": FUTURE.isoformat(), "count": 3}]
    assert body["parts"] == [EX45465]
    assert nothing_created()


def test_the_preview_agrees_with_what_submit_makes(portal: None) -> None:
    request = {"organisation": KEIRA.id, "qualificationNumbers": EX45465}
    _, previewed = preview(request)
    event = api_event("POST", "/requests", body=request)
    status, submitted = call(submit_handler, event)
    assert status == 202
    assert (previewed["passCount"], previewed["holderCount"]) == (
        submitted["passCount"],
        submitted["holderCount"],
    )


def test_a_selection_over_250_passes_comes_back_in_parts(portal: None) -> None:
    numbers = register_many(130)
    status, body = preview({"organisation": KEIRA.id, "qualificationNumbers": numbers})
    assert status == 200
    assert body["passCount"] == 260
    assert [len(part) for part in body["parts"]] == [125, 5]
    assert [n for part in body["parts"] for n in part] == numbers


def test_options_that_match_nothing_preview_no_passes_instead_of_an_error(portal: None) -> None:
    status, body = preview(
        {"organisation": KEIRA.id, "qualificationNumbers": EX45465, "expiryDates": ["2021-01-21"]}
    )
    assert status == 200
    assert (body["passCount"], body["parts"], body["skipped"]) == (0, [], EX45465)
    assert body["expiryDates"] == [{"date": FUTURE.isoformat(), "count": 5}]


def test_a_whole_organisation_of_10000_numbers_is_accepted(portal: None) -> None:
    # Past validation and the body limit; moto's BatchGet (about 8 ms per holder) makes a full
    # 10,000-holder read take minutes here, so these are checked against the registrations only.
    numbers = [f"{50_000_000 + i:08d}" for i in range(10_000)]
    status, body = preview({"organisation": KEIRA.id, "qualificationNumbers": numbers})
    assert (status, body["code"]) == (404, "holders_not_found")
    assert body["qualificationNumbers"] == numbers


def test_a_second_preview_of_the_same_holders_reads_no_holder_again(
    portal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = register_many(130)
    request = {"organisation": KEIRA.id, "qualificationNumbers": numbers}
    assert preview(request)[1]["passCount"] == 260
    read: list[str] = []
    real = holders.get_holders

    def counting(numbers: list[str]) -> dict[str, Holder]:
        read.extend(numbers)
        return real(numbers)

    monkeypatch.setattr(holders, "get_holders", counting)
    status, body = preview({**request, "qualificationCodes": ["DEH"]})
    assert (status, body["passCount"], read) == (200, 130, [])
    assert len(body["parts"]) == 1


def test_more_than_10000_numbers_is_a_400_naming_the_field(portal: None) -> None:
    numbers = [f"{50_000_000 + i:08d}" for i in range(10_001)]
    status, body = preview({"organisation": KEIRA.id, "qualificationNumbers": numbers})
    assert (status, body["code"], body["field"]) == (400, "invalid_body", "qualificationNumbers")
    assert "10000" in body["message"]


def test_a_contact_of_another_organisation_gets_404_and_learns_nothing(portal: None) -> None:
    request = {"organisation": KEIRA.id, "qualificationNumbers": EX45465}
    status, body = preview(request, sub=STRANGER)
    assert (status, body["code"]) == (404, "organisation_not_found")
    assert set(body) == {"message", "code"}
    # Through their own organisation, Keira's holders are unknown numbers, as submit says.
    status, body = preview({**request, "organisation": "reddingsbrigade-noord"}, sub=STRANGER)
    assert (status, body["code"], body["qualificationNumbers"]) == (
        404,
        "holders_not_found",
        EX45465,
    )
    assert set(body) == {"message", "code", "qualificationNumbers"}


def test_holders_of_another_organisation_of_the_same_contact_are_not_found(portal: None) -> None:
    status, body = preview({"organisation": OTHER.id, "qualificationNumbers": ["99600953"]})
    assert (status, body["code"]) == (404, "holders_not_found")


def test_a_large_selection_with_unknown_numbers_names_them(portal: None) -> None:
    numbers = register_many(150)
    status, body = preview(
        {"organisation": KEIRA.id, "qualificationNumbers": [*numbers, "99999999", "34567890"]}
    )
    assert (status, body["code"], body["qualificationNumbers"]) == (
        404,
        "holders_not_found",
        ["99999999", "34567890"],
    )


def test_a_colleague_previews_the_same_holders(portal: None) -> None:
    status, body = preview(
        {"organisation": KEIRA.id, "qualificationNumbers": EX45465}, sub=COLLEAGUE
    )
    assert (status, body["passCount"]) == (200, 5)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organisation": KEIRA.id, "qualificationNumbers": []}, "qualificationNumbers"),
        (
            {"organisation": KEIRA.id, "qualificationNumbers": ["99600953", "99600953"]},
            "qualificationNumbers",
        ),
        ({"organisation": KEIRA.id, "qualificationNumbers": ["123"]}, "qualificationNumbers.0"),
        ({"qualificationNumbers": EX45465}, "organisation"),
        ({"organisation": KEIRA.id, "qualificationNumbers": EX45465, "colour": "red"}, "colour"),
        (
            {"organisation": KEIRA.id, "qualificationNumbers": EX45465, "reference": "a\nb"},
            "reference",
        ),
    ],
)
def test_the_preview_validates_as_submit_does(
    portal: None, body: dict[str, Any], field: str
) -> None:
    status, answer = preview(body)
    assert (status, answer["code"], answer["field"]) == (400, "invalid_body", field)


def test_without_authorizer_claims_the_preview_answers_401(portal: None) -> None:
    status, body = call(submit_handler, api_event("POST", "/requests/preview", body={}, sub=None))
    assert (status, body["code"]) == (401, "unauthenticated")


def test_the_sample_event_previews_the_manuals_exam(portal: None) -> None:
    event = json.loads(Path(EVENTS / "post-request-preview.json").read_text())
    response = submit_handler(event, FakeContext())
    body = json.loads(response["body"])
    assert response["statusCode"] == 200, body
    assert (body["passCount"], body["parts"]) == (5, [["99600953", "99694102", "99731441"]])
