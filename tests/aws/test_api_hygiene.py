"""Issue 8, findings 6 and 7: responses are never stored, errors repeat input only made safe, and
the server does what docs/openapi.json says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from functions.download.app import handler as download_handler
from functions.search.app import handler as search_handler
from functions.submit.app import handler as submit_handler
from tests.conftest import COLLEAGUE, CONTACT, EX45465, KEIRA, FakeContext, api_event

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def respond(handler: Any, event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    """Status, headers (single- and multi-value merged) and decoded body of one invocation."""
    response = handler(event, FakeContext())
    headers = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = values[-1]
    body = json.loads(response["body"]) if response.get("body") else None
    return response["statusCode"], headers, body


def post(resource: str, body: Any, *, content_type: str = "application/json") -> Any:
    event = api_event("POST", resource, body=body, headers={"Content-Type": content_type})
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)
    return respond(submit_handler, event)


# --- finding 6: Cache-Control ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "event", "status"),
    [
        (search_handler, api_event("GET", "/me"), 200),
        (search_handler, api_event("GET", "/holders", query={"organisation": KEIRA.id}), 200),
        (search_handler, api_event("GET", "/holders"), 400),
        (search_handler, api_event("GET", "/holders", query={"organisation": "elders"}), 404),
        (search_handler, api_event("GET", "/me", sub=None), 401),
        (download_handler, api_event("GET", "/requests"), 200),
        (
            download_handler,
            api_event("GET", "/requests/{id}", path_parameters={"id": "NoSuchRequest0000000"}),
            404,
        ),
        (
            submit_handler,
            api_event(
                "POST",
                "/requests/preview",
                body={"organisation": KEIRA.id, "qualificationNumbers": EX45465},
            ),
            200,
        ),
        (submit_handler, api_event("POST", "/requests", body="{", sub=COLLEAGUE), 400),
    ],
    ids=[
        "me",
        "holders",
        "organisation-required",
        "not-found",
        "unauthenticated",
        "requests",
        "request-not-found",
        "preview",
        "bad-json",
    ],
)
def test_every_response_is_marked_not_to_be_stored(
    portal: None, handler: Any, event: dict[str, Any], status: int
) -> None:
    answered, headers, _ = respond(handler, event)
    assert answered == status
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_submitted_request_is_marked_not_to_be_stored(portal: None) -> None:
    status, headers, _ = post(
        "/requests", {"organisation": KEIRA.id, "qualificationNumbers": EX45465}
    )
    assert (status, headers["Cache-Control"]) == (202, "no-store")


# --- finding 6: what errors repeat -------------------------------------------------------------


def test_unknown_parameter_names_are_repeated_only_made_safe(portal: None) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    event = api_event("GET", "/me", query={hostile: "1", "x" * 5000: "2", "ok_name": "3"})
    status, _, body = respond(search_handler, event)
    assert (status, body["code"]) == (400, "unknown_parameter")
    assert "<" not in body["message"]
    assert ">" not in body["message"]
    assert "?img?src?x?onerror?alert?1??" in body["parameters"]
    assert "ok_name" in body["parameters"]
    assert all(len(name) <= 40 for name in body["parameters"])
    assert len(body["message"]) < 200


def test_at_most_ten_unknown_parameters_are_named(portal: None) -> None:
    event = api_event("GET", "/me", query={f"p{i:02d}": "1" for i in range(30)})
    status, _, body = respond(search_handler, event)
    assert status == 400
    assert len(body["parameters"]) == 10
    assert "and 20 more" in body["message"]


def test_unknown_body_fields_are_repeated_only_made_safe(portal: None) -> None:
    hostile = '<script>alert("x")</script>\u202e\x00' + "y" * 1000
    request = {"organisation": KEIRA.id, "qualificationNumbers": EX45465, hostile: 1}
    status, _, body = post("/requests/preview", request)
    assert (status, body["code"]) == (400, "invalid_body")
    assert set(body["field"]) <= set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-?…"
    )
    assert len(body["field"]) <= 80
    assert "<script>" not in body["message"]


def test_invisible_characters_in_a_reference_are_named_by_code_not_repeated(portal: None) -> None:
    request = {"organisation": KEIRA.id, "qualificationNumbers": EX45465, "reference": "a\u202eb"}
    status, _, body = post("/requests/preview", request)
    assert (status, body["field"]) == (400, "reference")
    assert "\u202e" not in body["message"]
    assert "U+202E" in body["message"]


# --- finding 7: media types --------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=xyz",
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/xml",
    ],
)
@pytest.mark.parametrize("resource", ["/requests", "/requests/preview"])
def test_a_body_that_is_not_json_is_a_415_never_a_500(
    portal: None, resource: str, content_type: str
) -> None:
    raw = "--xyz\r\nContent-Disposition: form-data; name=organisation\r\n\r\nkeira-bhv\r\n--xyz--"
    status, headers, body = post(resource, raw, content_type=content_type)
    assert (status, body["code"]) == (415, "unsupported_media_type")
    assert headers["Cache-Control"] == "no-store"


def test_json_with_parameters_and_in_capitals_is_still_json(portal: None) -> None:
    request = json.dumps({"organisation": KEIRA.id, "qualificationNumbers": EX45465})
    status, _, body = post(
        "/requests/preview", request, content_type="Application/JSON; charset=utf-8"
    )
    assert (status, body["passCount"]) == (200, 5)


# --- finding 7: fullwidth digits in q -----------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    ["９９６００９５３", "٩٩٦٠٠٩٥٣", "９９６", "１８-０６-１９９２"],  # noqa: RUF001 - the point
    ids=["fullwidth", "arabic-indic", "fullwidth-prefix", "fullwidth-date"],
)
def test_digits_of_any_script_in_q_find_the_holder(portal: None, q: str) -> None:
    event = api_event("GET", "/holders", query={"organisation": KEIRA.id, "q": q}, sub=CONTACT)
    status, _, body = respond(search_handler, event)
    assert status == 200
    assert "99600953" in [item["qualificationNumber"] for item in body["items"]]


# --- finding 7: references that are not UTF-8 --------------------------------------------------


@pytest.mark.parametrize("resource", ["/requests", "/requests/preview"])
@pytest.mark.parametrize(
    "raw_reference",
    ['"Examen \\ud800 maart"', '"Examen \\udfff"', '"Examen \ufffd\ufffd maart"'],
    ids=["lone-high-surrogate", "lone-low-surrogate", "undecodable-bytes"],
)
def test_a_reference_that_is_not_valid_utf8_is_refused(
    portal: None, resource: str, raw_reference: str
) -> None:
    raw = (
        '{"organisation": "keira-bhv", "qualificationNumbers": ["99600953"], '
        f'"reference": {raw_reference}}}'
    )
    status, _, body = post(resource, raw)
    assert (status, body["code"], body["field"]) == (400, "invalid_body", "reference")


# --- finding 7: the document says what the server does -----------------------------------------


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT.read_text())
    return document


def test_no_parameter_is_documented_as_nullable() -> None:
    for path, operations in _document()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = json.dumps(parameter["schema"])
                assert '"null"' not in schema, (path, method, parameter["name"])


def test_qualification_numbers_are_documented_as_unique() -> None:
    schemas = _document()["components"]["schemas"]
    for name in ("SubmitRequestBody", "PreviewRequestBody"):
        assert schemas[name]["properties"]["qualificationNumbers"]["uniqueItems"] is True


def test_organisation_and_cursor_say_what_the_server_requires() -> None:
    parameters = {p["name"]: p for p in _document()["paths"]["/holders"]["get"]["parameters"]}
    assert "organisation_required" in parameters["organisation"]["description"]
    assert "signed" in parameters["cursor"]["description"]
    assert "invalid_cursor" in parameters["cursor"]["description"]


def test_the_statuses_api_gateway_answers_itself_are_documented() -> None:
    for path, operations in _document()["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "414", "429"} <= set(operation["responses"]), (path, method)
            if method == "post":
                assert {"413", "415"} <= set(operation["responses"]), path
