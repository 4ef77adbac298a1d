""" "Exporteer" through the search handler on moto: GET /holders/export as CSV and as XLSX, read
back with Python's csv module and with openpyxl and compared cell by cell with GET /holders;
the list's access rules; one audit line per export, ids only."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest

from functions.search.app import handler
from pasjes.logic.holder_export import HEADER, IN_WINDOW
from tests.aws.test_audit import Trail, trail
from tests.aws.test_expiring_api import EVERYONE, expiring_portal
from tests.conftest import CONTACT, HOLDERS, KEIRA, STRANGER, FakeContext, api_event

__all__ = ["expiring_portal", "trail"]  # fixtures, used by name

BY_NUMBER = {h.qualification_number: h for h in [*HOLDERS, *EVERYONE]}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(query: dict[str, str], sub: str = CONTACT) -> dict[str, Any]:
    event = api_event("GET", "/holders/export", query={"organisation": KEIRA.id, **query}, sub=sub)
    response: dict[str, Any] = handler(event, FakeContext())
    return response


def header(response: dict[str, Any], name: str) -> str:
    headers = response.get("multiValueHeaders") or {}
    return str(headers[name][-1])


def body_of(response: dict[str, Any]) -> bytes:
    body = response["body"]
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


def listed(query: dict[str, str]) -> list[dict[str, Any]]:
    event = api_event("GET", "/holders", query={"organisation": KEIRA.id, "limit": "500", **query})
    return json.loads(handler(event, FakeContext())["body"])["items"]  # type: ignore[no-any-return]


def dutch(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d-%m-%Y") if iso else ""


def expected_lines(items: list[dict[str, Any]]) -> list[list[str]]:
    """What the file must say, from the API's list and the holders' qualifications."""
    lines = []
    for item in items:
        holder = [
            item["qualificationNumber"],
            item["name"],
            dutch(item["birthDate"]),
            dutch(item["expiryDate"]),
            item["status"],
            item["externalNumber"] or "",
        ]
        for q in BY_NUMBER[item["qualificationNumber"]].qualifications:
            expiry = q.expiry_date.isoformat() if q.expiry_date else None
            lines.append(
                [
                    *holder,
                    q.name,
                    q.code,
                    q.type.value,
                    dutch(q.exam_date.isoformat()),
                    dutch(expiry),
                ]
            )
    return lines


def test_the_csv_holds_every_holder_of_the_list_in_its_order_one_line_per_qualification(
    portal: None,
) -> None:
    response = export({"format": "csv", "sort": "qualificationNumber", "order": "desc"})

    assert response["statusCode"] == 200
    assert header(response, "Content-Type") == "text/csv; charset=utf-8"
    raw = body_of(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == list(HEADER)
    # Status kwalificatie is checked apart: it depends on the day.
    assert [row[:-1] for row in rows[1:]] == expected_lines(
        listed({"sort": "qualificationNumber", "order": "desc"})
    )
    assert {row[-1] for row in rows[1:]} <= {"Geldig", "Verlopen", "Ingetrokken"}
    disposition = header(response, "Content-Disposition")
    assert disposition.startswith('attachment; filename="kwalificatiehouders-keira-bhv-')
    assert disposition.endswith('.csv"')


def test_the_xlsx_reads_back_with_real_dates_and_the_lists_cells(expiring_portal: None) -> None:
    response = export({"format": "xlsx", "expiring": "3m"})

    assert response["statusCode"] == 200
    assert header(response, "Content-Type") == XLSX
    assert response["isBase64Encoded"] is True
    book = openpyxl.load_workbook(io.BytesIO(body_of(response)))
    sheet = book.active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == [*HEADER, IN_WINDOW]
    items = listed({"expiring": "3m"})
    as_text = [
        [c.strftime("%d-%m-%Y") if isinstance(c, datetime) else (c or "") for c in row[:-2]]
        for row in cells[1:]
    ]
    assert as_text == expected_lines(items)
    assert all(isinstance(row[2], datetime) for row in cells[1:])
    # The holder with a DEH diploma soon and a BHV certificate in three years: only DEH is "Ja".
    soon = [(row[7], row[-1]) for row in cells[1:] if row[0] == "50000001"]
    assert soon == [("DEH", "Ja"), ("BHV", "Nee")]
    assert "verloopt-binnen-3-maanden" in header(response, "Content-Disposition")


def test_another_organisations_holders_cannot_be_exported(portal: None, trail: Trail) -> None:
    response = export({"format": "csv"}, sub=STRANGER)

    assert response["statusCode"] == 404
    assert trail("holders_exported") == []


def test_a_format_other_than_csv_or_xlsx_is_a_400(portal: None) -> None:
    for query in ({"format": "pdf"}, {}):
        response = export(query)
        assert response["statusCode"] == 400, query


def test_each_export_is_one_audit_line_with_ids_and_count_only(portal: None, trail: Trail) -> None:
    export({"format": "xlsx", "examType": "EH"})

    (line,) = trail("holders_exported")
    assert (line["organisation"], line["sub"], line["format"]) == (KEIRA.id, CONTACT, "xlsx")
    assert line["count"] == len(listed({"examType": "EH"}))


def test_more_than_the_limit_is_refused_with_what_to_do(
    portal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pasjes.logic.holder_export.MAX_EXPORT_ROWS", 2)

    response = export({"format": "csv"})

    assert response["statusCode"] == 422
    assert "export_too_large" in response["body"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_too_large_for_lambdas_answer_is_refused_with_what_to_do(
    portal: None, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    whole = body_of(export({"format": fmt}))
    # Just below what the body becomes in the answer (base64 for XLSX, a JSON string for CSV).
    wire = 4 * -(-len(whole) // 3) if fmt == "xlsx" else len(json.dumps(whole.decode()))
    monkeypatch.setattr("pasjes.logic.holder_export.MAX_EXPORT_RESPONSE_BYTES", wire - 1)

    response = export({"format": fmt})

    assert response["statusCode"] == 422
    answer = json.loads(response["body"])
    assert (answer["code"], answer["size"]) == ("export_too_large", wire)
    assert "Narrow the search" in answer["message"]
    monkeypatch.setattr("pasjes.logic.holder_export.MAX_EXPORT_RESPONSE_BYTES", wire)
    assert export({"format": fmt})["statusCode"] == 200
