"""The search endpoints, called through the real handler with API Gateway events on moto."""

from __future__ import annotations

from typing import Any

import pytest

from functions.search.app import handler
from pasjes.dal import registrations
from tests.conftest import BRIGADE, COLLEAGUE, CONTACT, KEIRA, NOBODY, STRANGER, api_event, call


def holders(query: dict[str, str], sub: str = CONTACT) -> tuple[int, Any]:
    return call(handler, api_event("GET", "/holders", query=query, sub=sub))


def numbers(body: Any) -> list[str]:
    return [item["qualificationNumber"] for item in body["items"]]


def test_me_lists_the_callers_organisations(portal: None) -> None:
    status, body = call(handler, api_event("GET", "/me"))
    assert status == 200
    assert body["organisations"] == [
        {"id": "ehbo-west", "name": "EHBO West"},
        {"id": "keira-bhv", "name": "Keira BHV"},
    ]


def test_a_person_who_is_no_contact_has_no_organisations(portal: None) -> None:
    status, body = call(handler, api_event("GET", "/me", sub=NOBODY))
    assert (status, body["organisations"]) == (200, [])


def test_without_authorizer_claims_every_endpoint_answers_401(portal: None) -> None:
    for resource, params in [
        ("/me", None),
        ("/exam-types", None),
        ("/holders", None),
        ("/holders/{qualificationNumber}", {"qualificationNumber": "73029884"}),
    ]:
        event = api_event("GET", resource, sub=None, path_parameters=params)
        status, body = call(handler, event)
        assert (status, body["code"]) == (401, "unauthenticated"), resource


def test_exam_types_of_an_organisation_fill_the_filter_menu(portal: None) -> None:
    status, body = call(handler, api_event("GET", "/exam-types", query={"organisation": KEIRA.id}))
    assert status == 200
    assert body["items"] == [
        {"code": "BHV", "name": "Bedrijfshulpverlening"},
        {"code": "EH", "name": "Eerste Hulp"},
    ]


def test_exam_number_search_finds_the_three_holders_of_that_exam(portal: None) -> None:
    status, body = holders({"organisation": KEIRA.id, "examNumber": "EX45465"})
    assert status == 200
    assert sorted(numbers(body)) == ["99600953", "99694102", "99731441"]
    assert body["total"] == 3
    assert body["nextCursor"] is None


def test_rows_show_status_derived_from_expiry_and_external_number(portal: None) -> None:
    _, body = holders({"organisation": KEIRA.id, "sort": "qualificationNumber"})
    rows = {item["qualificationNumber"]: item for item in body["items"]}
    assert rows["73029884"] == {
        "qualificationNumber": "73029884",
        "name": "Mevr. K.C. Knightley",
        "birthDate": "2000-01-01",
        "expiryDate": "2030-10-01",
        "status": "Geldig",
        "externalNumber": "1122334455",
        # Only under an expiry window (test_expiring_api.py).
        "expiring": None,
    }
    assert rows["12345678"]["status"] == "Verlopen"
    assert rows["99731441"]["externalNumber"] is None


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ozturk", ["12345678"]),
        ("NGUYEN", ["23456789"]),
        ("tester", ["99600953", "99694102"]),
        ("9960", ["99600953"]),
        ("18-06-1992", ["99600953"]),
        ("1992-06-18", ["99600953"]),
    ],
)
def test_search_field_matches_number_prefix_name_or_birth_date(
    portal: None, q: str, expected: list[str]
) -> None:
    status, body = holders({"organisation": KEIRA.id, "q": q})
    assert status == 200
    assert sorted(numbers(body)) == expected


def test_exam_type_and_expiry_filters_narrow_the_list(portal: None) -> None:
    _, body = holders({"organisation": KEIRA.id, "examType": "BHV"})
    assert numbers(body) == ["12345678"]
    _, body = holders({"organisation": KEIRA.id, "expiryTo": "2025-01-01"})
    assert numbers(body) == ["12345678"]
    _, body = holders({"organisation": KEIRA.id, "expiryFrom": "2025-01-01"})
    assert "12345678" not in numbers(body)


def test_sorting_by_birth_date_descending(portal: None) -> None:
    _, body = holders({"organisation": KEIRA.id, "sort": "birthDate", "order": "desc"})
    births = [item["birthDate"] for item in body["items"]]
    assert births == sorted(births, reverse=True)


def test_pages_follow_each_other_without_gaps_or_repeats(portal: None) -> None:
    for order in ("asc", "desc"):
        seen: list[str] = []
        query = {"organisation": KEIRA.id, "sort": "name", "order": order, "limit": "2"}
        while True:
            status, body = holders(query)
            assert status == 200
            assert body["total"] == 6
            seen += numbers(body)
            if not body["nextCursor"]:
                break
            query["cursor"] = body["nextCursor"]
        _, everything = holders({"organisation": KEIRA.id, "sort": "name", "order": order})
        assert seen == numbers(everything)
        assert len(set(seen)) == 6


def test_a_tampered_cursor_is_refused(portal: None) -> None:
    _, body = holders({"organisation": KEIRA.id, "limit": "2"})
    cursor = body["nextCursor"]
    tampered = ("A" if cursor[0] != "A" else "B") + cursor[1:]
    status, body = holders({"organisation": KEIRA.id, "limit": "2", "cursor": tampered})
    assert (status, body["code"], body["parameter"]) == (400, "invalid_cursor", "cursor")


def test_a_cursor_of_another_search_is_refused(portal: None) -> None:
    _, body = holders({"organisation": KEIRA.id, "limit": "2"})
    query = {"organisation": KEIRA.id, "limit": "2", "sort": "birthDate"}
    status, body = holders({**query, "cursor": body["nextCursor"]})
    assert (status, body["code"]) == (400, "invalid_cursor")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"sort": "shoeSize"}, "sort"),
        ({"order": "sideways"}, "order"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"expiryFrom": "01-10-2020"}, "expiryFrom"),
        ({"expiryTo": "2020-13-01"}, "expiryTo"),
        ({"q": "31-02-2000"}, "q"),
        ({"organisation": "Keira BHV!"}, "organisation"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(
    portal: None, query: dict[str, str], parameter: str
) -> None:
    status, body = holders({"organisation": KEIRA.id, **query})
    assert status == 400
    assert body["parameter"] == parameter
    assert parameter in body["message"]
    assert body["code"] == "invalid_parameter"


def test_unknown_parameters_answer_400_naming_them(portal: None) -> None:
    status, body = holders({"organisation": KEIRA.id, "examnumber": "EX45465"})
    assert (status, body["code"], body["parameters"]) == (400, "unknown_parameter", ["examnumber"])
    assert "examnumber" in body["message"]


def test_a_contact_of_several_organisations_must_choose_one(portal: None) -> None:
    status, body = holders({})
    assert (status, body["code"]) == (400, "organisation_required")


def test_a_contact_of_one_organisation_names_it_too(portal: None) -> None:
    # Required of everyone, as the document says (the spec and the server agree).
    status, body = holders({"examNumber": "EX45465"}, sub=COLLEAGUE)
    assert (status, body["code"]) == (400, "organisation_required")
    assert body["parameter"] == "organisation"
    for resource, params in [
        ("/exam-types", None),
        ("/holders/{qualificationNumber}", {"qualificationNumber": "99600953"}),
    ]:
        event = api_event("GET", resource, sub=COLLEAGUE, path_parameters=params)
        assert call(handler, event)[1]["code"] == "organisation_required", resource
    status, body = holders({"organisation": KEIRA.id, "examNumber": "EX45465"}, sub=COLLEAGUE)
    assert (status, len(body["items"])) == (200, 3)


def test_another_organisations_holders_look_nonexistent(portal: None) -> None:
    status, body = holders({"organisation": KEIRA.id}, sub=STRANGER)
    assert (status, body["code"]) == (404, "organisation_not_found")
    status, body = holders({"organisation": "no-such-org"}, sub=STRANGER)
    assert (status, body["code"]) == (404, "organisation_not_found")
    status, _ = call(
        handler, api_event("GET", "/exam-types", query={"organisation": KEIRA.id}, sub=STRANGER)
    )
    assert status == 404


def details(number: str, organisation: str, sub: str = CONTACT) -> tuple[int, Any]:
    event = api_event(
        "GET",
        "/holders/{qualificationNumber}",
        path_parameters={"qualificationNumber": number},
        query={"organisation": organisation},
        sub=sub,
    )
    return call(handler, event)


def test_details_list_the_holders_qualifications_with_modules(portal: None) -> None:
    status, body = details("99600953", KEIRA.id)
    assert status == 200
    assert body["name"] == "Dhr. TEST de Tester"
    by_code = {q["code"]: q for q in body["qualifications"]}
    assert by_code["DEH"]["type"] == "Diploma"
    assert by_code["DEH"]["modules"] == ["EHK"]
    assert by_code["EHK"]["type"] == "Certificaat"
    assert by_code["EHK"]["examNumber"] == "EX45465"
    assert by_code["EHK"]["examDate"] == "2024-07-28"


def test_details_of_a_holder_elsewhere_look_nonexistent(portal: None) -> None:
    assert details("34567890", KEIRA.id)[0] == 404  # registered at the brigade only
    assert details("34567890", BRIGADE.id, sub=STRANGER)[0] == 200
    assert details("73029884", KEIRA.id, sub=STRANGER)[0] == 404
    assert details("73029884", BRIGADE.id, sub=STRANGER)[0] == 404
    status, body = details("99999999", KEIRA.id)
    assert (status, body["code"]) == (404, "holder_not_found")


def test_a_malformed_qualification_number_is_a_400(portal: None) -> None:
    status, body = details("7302", KEIRA.id)
    assert (status, body["parameter"]) == (400, "qualificationNumber")


def test_a_new_import_is_listed_at_once_even_by_a_warm_container(portal: None) -> None:
    _, before = holders({"organisation": KEIRA.id})
    kept = [
        r
        for r in registrations.rows_of_organisation(KEIRA.id)
        if r.qualification_number != "99731441"
    ]
    registrations.replace_rows(KEIRA.id, kept)
    _, after = holders({"organisation": KEIRA.id})
    assert (before["total"], after["total"]) == (6, 5)
    assert "99731441" not in numbers(after)
    _, exam = holders({"organisation": KEIRA.id, "examNumber": "EX45465"})
    assert sorted(numbers(exam)) == ["99600953", "99694102"]
    status, _ = call(
        handler,
        api_event(
            "GET",
            "/holders/{qualificationNumber}",
            path_parameters={"qualificationNumber": "99731441"},
            query={"organisation": KEIRA.id},
        ),
    )
    assert status == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"expiryFrom": "2020-01-01T00:00:00Z"}, "expiryFrom"),
        ({"expiryTo": "86400"}, "expiryTo"),
    ],
)
def test_dates_are_only_written_year_month_day(
    portal: None, query: dict[str, str], parameter: str
) -> None:
    status, body = holders({"organisation": KEIRA.id, **query})
    assert (status, body["parameter"]) == (400, parameter)
