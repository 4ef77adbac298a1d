"""Submit, list and download requests through the real handlers on moto."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest

from functions.download.app import handler as download_handler
from functions.submit.app import handler as submit_handler
from pasjes.dal import contacts, holders, pass_requests, registrations
from pasjes.domain import Holder, QualificationType
from pasjes.logic.render import render_request
from pasjes.logic.submit import _idempotent_submit
from pasjes.settings import get_settings
from tests.conftest import (
    COLLEAGUE,
    CONTACT,
    EX45465,
    FUTURE,
    KEIRA,
    STRANGER,
    FakeContext,
    api_event,
    call,
    qualification,
    row_of,
)


def submit(body: Any, *, sub: str = CONTACT, key: str | None = None) -> tuple[int, Any]:
    headers = {"Idempotency-Key": key} if key else {}
    event = api_event("POST", "/requests", body=body, sub=sub, headers=headers)
    if not key:
        event["headers"].pop("Idempotency-Key", None)
        event["multiValueHeaders"].pop("Idempotency-Key", None)
    return call(submit_handler, event)


def get(
    resource: str, request_id: str | None = None, *, sub: str | None = CONTACT
) -> tuple[int, Any]:
    params = {"id": request_id} if request_id else None
    return call(download_handler, api_event("GET", resource, path_parameters=params, sub=sub))


def queued_messages() -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    found = sqs.receive_message(
        QueueUrl=get_settings().required("render_queue_url"),
        MaxNumberOfMessages=10,
        WaitTimeSeconds=0,
    )
    return [json.loads(m["Body"]) for m in found.get("Messages", [])]


def test_submitting_the_exam_holders_yields_one_pass_per_qualification(portal: None) -> None:
    status, body = submit(
        {"organisation": KEIRA.id, "qualificationNumbers": EX45465, "reference": "Examen maart"}
    )
    assert status == 202
    assert body["status"] == "pending"
    assert body["organisation"] == {"id": "keira-bhv", "name": "Keira BHV"}
    assert (body["holderCount"], body["passCount"], body["skipped"]) == (3, 5, [])
    assert body["reference"] == "Examen maart"
    created = datetime.fromisoformat(body["createdAt"])
    assert datetime.fromisoformat(body["expiresAt"]) - created == timedelta(days=7)
    assert queued_messages() == [{"requestId": body["id"]}]


def test_only_the_diploma_leaves_its_modules_without_passes(portal: None) -> None:
    _, body = submit(
        {"organisation": KEIRA.id, "qualificationNumbers": EX45465, "qualificationCodes": ["DEH"]}
    )
    assert body["passCount"] == 3
    stored = pass_requests.get_request(body["id"], with_passes=True)
    assert stored is not None
    tester = next(p for p in stored.passes if p.qualification_number == "99600953")
    assert [m.code for m in tester.modules] == ["EHK"]


def test_holders_without_a_matching_qualification_are_named_as_skipped(portal: None) -> None:
    status, body = submit(
        {
            "organisation": KEIRA.id,
            "qualificationNumbers": ["73029884", "99600953"],
            "qualificationCodes": ["EHK"],
        }
    )
    assert status == 202
    assert (body["passCount"], body["holderCount"], body["skipped"]) == (1, 1, ["73029884"])


def test_expiry_dates_that_match_nothing_give_no_passes(portal: None) -> None:
    status, body = submit(
        {"organisation": KEIRA.id, "qualificationNumbers": EX45465, "expiryDates": ["2021-01-21"]}
    )
    assert (status, body["code"]) == (422, "no_passes")
    assert queued_messages() == []


def test_expiry_dates_select_those_qualifications(portal: None) -> None:
    status, body = submit(
        {
            "organisation": KEIRA.id,
            "qualificationNumbers": EX45465,
            "expiryDates": [FUTURE.isoformat()],
        }
    )
    assert (status, body["passCount"]) == (202, 5)


def test_more_than_250_passes_is_refused_with_advice_to_split(portal: None) -> None:
    many = [
        Holder(
            f"5{i:07d}",
            f"Dhr. Nummer {i}",
            FUTURE.replace(year=1990),
            (
                qualification("DEH"),
                qualification("EHK", type=QualificationType.CERTIFICATE, parent="DEH"),
            ),
        )
        for i in range(126)
    ]
    holders.put_holders(many)
    registrations.replace_rows(
        KEIRA.id, registrations.rows_of_organisation(KEIRA.id) + [row_of(h, None) for h in many]
    )
    numbers = [h.qualification_number for h in many]
    status, body = submit({"organisation": KEIRA.id, "qualificationNumbers": numbers})
    assert (status, body["code"], body["passCount"], body["limit"]) == (
        422,
        "too_many_passes",
        252,
        250,
    )
    assert "Split" in body["message"]
    status, body = submit(
        {"organisation": KEIRA.id, "qualificationNumbers": numbers, "qualificationCodes": ["DEH"]}
    )
    assert (status, body["passCount"]) == (202, 126)


def test_holders_registered_elsewhere_are_listed_as_not_found(portal: None) -> None:
    status, body = submit(
        {"organisation": KEIRA.id, "qualificationNumbers": ["99600953", "34567890", "99999999"]}
    )
    assert (status, body["code"]) == (404, "holders_not_found")
    assert body["qualificationNumbers"] == ["34567890", "99999999"]


def test_submitting_for_an_organisation_not_ones_own_is_a_404(portal: None) -> None:
    status, body = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465}, sub=STRANGER)
    assert (status, body["code"]) == (404, "organisation_not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organisation": "keira-bhv", "qualificationNumbers": []}, "qualificationNumbers"),
        ({"organisation": "keira-bhv", "qualificationNumbers": ["123"]}, "qualificationNumbers.0"),
        (
            {"organisation": "keira-bhv", "qualificationNumbers": ["99600953", "99600953"]},
            "qualificationNumbers",
        ),
        (
            {"organisation": "keira-bhv", "qualificationNumbers": [f"{i:08d}" for i in range(251)]},
            "qualificationNumbers",
        ),
        (
            {"organisation": "keira-bhv", "qualificationNumbers": EX45465, "reference": "x" * 101},
            "reference",
        ),
        (
            {"organisation": "keira-bhv", "qualificationNumbers": EX45465, "reference": "a\nb"},
            "reference",
        ),
        (
            {
                "organisation": "keira-bhv",
                "qualificationNumbers": EX45465,
                "expiryDates": ["1-1-2020"],
            },
            "expiryDates.0",
        ),
        ({"organisation": "keira-bhv", "qualificationNumbers": EX45465, "colour": "red"}, "colour"),
        ({"qualificationNumbers": EX45465}, "organisation"),
    ],
)
def test_a_malformed_body_is_a_400_naming_the_field(
    portal: None, body: dict[str, Any], field: str
) -> None:
    status, answer = submit(body)
    assert (status, answer["code"], answer["field"]) == (400, "invalid_body", field)
    assert field in answer["message"]
    assert queued_messages() == []


@pytest.mark.parametrize("raw", ["{not json", "[]", "null", ""])
def test_a_body_that_is_no_json_object_is_a_400(portal: None, raw: str) -> None:
    status, answer = submit(raw)
    assert (status, answer["code"]) == (400, "invalid_body")


def test_a_retried_post_with_the_same_key_returns_the_first_request(portal: None) -> None:
    request = {"organisation": KEIRA.id, "qualificationNumbers": EX45465}
    first_status, first = submit(request, key="retry-key-0001")
    second_status, second = submit(request, key="retry-key-0001")
    assert (first_status, second_status) == (202, 202)
    assert second["id"] == first["id"]
    assert queued_messages() == [{"requestId": first["id"]}]
    _, listed = get("/requests")
    assert [item["id"] for item in listed["items"]] == [first["id"]]


def test_a_keyed_submit_tells_idempotency_how_long_its_lambda_may_run(portal: None) -> None:
    # A crashed attempt then holds its key only for the function's remaining time, not a day.
    context = FakeContext()
    body = {"organisation": KEIRA.id, "qualificationNumbers": EX45465}
    event = api_event("POST", "/requests", body=body, headers={"Idempotency-Key": "ctx-key-01"})

    response = submit_handler(event, context)

    _, config = _idempotent_submit()
    assert response["statusCode"] == 202
    assert config.lambda_context is context


def test_reusing_a_key_for_a_different_request_is_refused(portal: None) -> None:
    submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465}, key="retry-key-0002")
    status, body = submit(
        {"organisation": KEIRA.id, "qualificationNumbers": EX45465[:1]}, key="retry-key-0002"
    )
    assert (status, body["code"]) == (422, "idempotency_key_reused")


def test_the_same_key_from_another_person_makes_their_own_request(portal: None) -> None:
    request = {"organisation": KEIRA.id, "qualificationNumbers": EX45465}
    _, mine = submit(request, key="shared-key-0003")
    status, theirs = submit(request, key="shared-key-0003", sub=COLLEAGUE)
    assert status == 202
    assert theirs["id"] != mine["id"]


def test_when_the_queue_is_unreachable_the_request_is_marked_failed(
    portal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RENDER_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/gone")
    get_settings.cache_clear()
    status, body = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    assert (status, body["code"]) == (503, "queue_unavailable")
    _, listed = get("/requests")
    assert [(r["status"], r["error"], r["errorCode"]) for r in listed["items"]] == [
        ("failed", "The request could not be queued for rendering.", "queue_unavailable")
    ]


def test_requests_are_listed_newest_first_and_only_to_their_owner(portal: None) -> None:
    _, first = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465[:1]})
    _, second = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465[1:]})
    status, listed = get("/requests")
    assert status == 200
    assert [item["id"] for item in listed["items"]] == [second["id"], first["id"]]
    assert listed["items"][0]["passCount"] == 4
    assert get("/requests", sub=COLLEAGUE)[1]["items"] == []
    assert get("/requests", sub=STRANGER)[1]["items"] == []


def test_someone_elses_request_looks_nonexistent(portal: None) -> None:
    _, mine = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    for resource in ("/requests/{id}", "/requests/{id}/download"):
        for other in (COLLEAGUE, STRANGER):
            status, body = get(resource, mine["id"], sub=other)
            assert (status, body["code"]) == (404, "request_not_found"), (resource, other)
    status, body = get("/requests/{id}", "NoSuchRequest0000000")
    assert (status, body["code"]) == (404, "request_not_found")


def test_a_pending_request_cannot_be_downloaded_yet(portal: None) -> None:
    _, mine = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    status, body = get("/requests/{id}/download", mine["id"])
    assert (status, body["code"], body["status"]) == (409, "request_not_ready", "pending")


def test_a_ready_request_downloads_through_a_short_presigned_url(portal: None) -> None:
    _, mine = submit(
        {"organisation": KEIRA.id, "qualificationNumbers": EX45465, "reference": "Examen maart"}
    )
    assert render_request(mine["id"], receive_count=1) == "ready"
    status, one = get("/requests/{id}", mine["id"])
    assert (status, one["status"]) == (200, "ready")
    assert one["readyAt"] is not None
    status, body = get("/requests/{id}/download", mine["id"])
    assert status == 200
    assert body["fileName"].endswith(".zip")
    assert "Examen" in body["fileName"]
    url = urlparse(body["url"])
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "attachment" in query["response-content-disposition"][0]
    assert url.path.endswith(f"/requests/{mine['id']}.zip")
    expires = datetime.fromisoformat(body["expiresAt"])
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(minutes=5)


def test_after_seven_days_a_request_is_gone(portal: None) -> None:
    _, mine = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    render_request(mine["id"], receive_count=1)
    stored = pass_requests.get_request(mine["id"], with_passes=True)
    assert stored is not None
    eight_days_ago = stored.created_at - timedelta(days=8)
    old = stored.__class__(
        **{
            **stored.__dict__,
            "id": "OldRequest0000000000",
            "created_at": eight_days_ago,
            "expires_at": eight_days_ago + timedelta(days=7),
        }
    )
    pass_requests.create_request(old)
    for resource in ("/requests/{id}", "/requests/{id}/download"):
        status, body = get(resource, old.id)
        assert (status, body["code"]) == (410, "request_expired"), resource
    _, listed = get("/requests")
    assert [item["id"] for item in listed["items"]] == [mine["id"]]


def test_without_authorizer_claims_request_endpoints_answer_401(portal: None) -> None:
    status, body = call(submit_handler, api_event("POST", "/requests", body={}, sub=None))
    assert (status, body["code"]) == (401, "unauthenticated")
    status, body = get("/requests", sub=None)
    assert (status, body["code"]) == (401, "unauthenticated")


def submit_raw(body: str, content_type: str) -> tuple[int, Any]:
    event = api_event("POST", "/requests", body=body, headers={"Content-Type": content_type})
    event["headers"].pop("Idempotency-Key", None)
    return call(submit_handler, event)


def test_a_body_that_is_not_json_is_a_415(portal: None) -> None:
    status, body = submit_raw("organisation=keira-bhv", "text/plain")
    assert (status, body["code"]) == (415, "unsupported_media_type")


def test_the_media_type_is_case_insensitive(portal: None) -> None:
    request = json.dumps({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    status, _ = submit_raw(request, "Application/JSON; charset=UTF-8")
    assert status == 202


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 5000 + "]" * 5000,
        '{"organisation": ' * 2000 + "1" + "}" * 2000,
        '{"organisation": "keira-bhv", "qualificationNumbers": [' + "9" * 5000 + "]}",
        json.dumps({"organisation": KEIRA.id, "qualificationNumbers": EX45465, "x": "y" * 70_000}),
    ],
    ids=["deeply-nested-list", "deeply-nested-object", "5000-digit-number", "70-kb-body"],
)
def test_absurd_bodies_are_a_400_not_a_crash(portal: None, raw: str) -> None:
    status, body = submit_raw(raw, "application/json")
    assert (status, body["code"]) == (400, "invalid_body")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reference": "Examen \u202emaart"}, "reference"),
        ({"reference": "zero\u200bwidth"}, "reference"),
        ({"expiryDates": [0]}, "expiryDates.0"),
        ({"expiryDates": ["2030-10-01T00:00:00Z"]}, "expiryDates.0"),
        ({"qualificationNumbers": ["٩٩٦٠٠٩٥٣"]}, "qualificationNumbers.0"),
    ],
    ids=["rtl-override", "zero-width", "timestamp", "datetime", "arabic-indic-digits"],
)
def test_invisible_characters_and_loose_values_are_refused(
    portal: None, change: dict[str, Any], field: str
) -> None:
    status, body = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465, **change})
    assert (status, body["code"], body["field"]) == (400, "invalid_body", field)


def test_snake_case_fields_are_unknown_fields(portal: None) -> None:
    status, body = submit({"organisation": KEIRA.id, "qualification_numbers": EX45465})
    assert status == 400
    assert body["code"] == "invalid_body"


def test_250_passes_of_the_longest_names_fit_in_one_request(portal: None) -> None:
    long_name = "Mevr. " + "Ŵilhelmina-Ångström " * 9 + "van der Đorđević"
    many = [
        Holder(
            f"6{i:07d}",
            long_name[:200],
            FUTURE.replace(year=1990),
            (
                qualification("DEH"),
                qualification("EHK", type=QualificationType.CERTIFICATE, parent="DEH"),
            ),
        )
        for i in range(125)
    ]
    holders.put_holders(many)
    registrations.replace_rows(KEIRA.id, [row_of(h, "X" * 20) for h in many])
    numbers = [h.qualification_number for h in many]
    status, body = submit({"organisation": KEIRA.id, "qualificationNumbers": numbers})
    assert (status, body["passCount"]) == (202, 250)
    stored = pass_requests.get_request(body["id"], with_passes=True)
    assert stored is not None
    assert stored.passes[0].name == long_name[:200]


def remove_from_keira(sub: str) -> None:
    """An import that drops `sub` as contact person of Keira BHV, as the importer does it."""
    keep = [
        (s, email, organisation)
        for s, email, organisation in [
            (CONTACT, "contact@keira-bhv.example", KEIRA),
            (COLLEAGUE, "collega@keira-bhv.example", KEIRA),
        ]
        if s != sub
    ]
    assert contacts.replace_memberships([KEIRA.id], keep) == [(sub, KEIRA.id)]


def test_a_contact_removed_from_the_organisation_no_longer_reaches_their_requests(
    portal: None,
) -> None:
    _, mine = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    assert render_request(mine["id"], receive_count=1) == "ready"
    assert get("/requests/{id}/download", mine["id"])[0] == 200

    remove_from_keira(CONTACT)

    for resource in ("/requests/{id}", "/requests/{id}/download"):
        status, body = get(resource, mine["id"])
        assert (status, body["code"]) == (404, "request_not_found"), resource
    status, listed = get("/requests")
    assert (status, listed["items"]) == (200, [])
    status, body = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    assert (status, body["code"]) == (404, "organisation_not_found")


def test_requests_of_an_organisation_one_is_still_contact_of_stay_visible(portal: None) -> None:
    _, keira = submit({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    remove_from_keira(COLLEAGUE)
    assert get("/requests/{id}", keira["id"])[0] == 200
    assert [r["id"] for r in get("/requests")[1]["items"]] == [keira["id"]]
