"""The export's lines and file name without AWS: one line per qualification, a holder without
any on a line of their own, an undated qualification's expiry empty, the window's column, and a
file name that says the organisation, the filter and the day but never the search text."""

from __future__ import annotations

import dataclasses
from datetime import date

from pasjes.domain import Holder, HolderRow, Qualification
from pasjes.logic.expiry import ExpiryWindow, span_of
from pasjes.logic.holder_export import (
    HEADER,
    ExportFormat,
    export_lines,
    file_name,
    response_size,
)
from pasjes.logic.search import HolderSearch
from tests.conftest import qualification

TODAY = date(2027, 1, 31)
SOON = dataclasses.replace(qualification("DEH"), expiry_date=date(2027, 2, 10))
UNDATED = dataclasses.replace(qualification("BHV"), expiry_date=None)


def row(*qualifications: Qualification) -> HolderRow:
    holder = Holder("10000001", '=Zoë; de "Boer"', date(1990, 1, 2), qualifications)
    return HolderRow.of(holder, "A-17")


def test_one_line_per_qualification_with_the_holders_columns_first() -> None:
    lines = export_lines([row(SOON, UNDATED)], today=TODAY, span=None)

    assert [len(line) for line in lines] == [len(HEADER)] * 2
    first, second = lines
    assert first[:6] == ("10000001", '=Zoë; de "Boer"', date(1990, 1, 2), None, "Geldig", "A-17")
    assert first[6:] == (
        "Diploma Eerste Hulp", "DEH", "Diploma", SOON.exam_date, date(2027, 2, 10), "Geldig"
    )  # fmt: skip
    # No expiry date: the cell stays empty, the qualification Geldig.
    assert (second[7], second[10], second[11]) == ("BHV", None, "Geldig")


def test_a_holder_without_qualifications_still_has_a_line() -> None:
    (line,) = export_lines([row()], today=TODAY, span=None)

    assert line[0] == "10000001"
    assert line[6:] == (None,) * 6


def test_under_a_window_each_line_says_whether_its_qualification_is_in_it() -> None:
    span = span_of(ExpiryWindow.ONE_MONTH, today=TODAY)

    lines = export_lines([row(SOON, UNDATED)], today=TODAY, span=span)

    assert [line[-1] for line in lines] == ["Ja", "Nee"]


def test_the_file_name_says_organisation_filter_and_day_but_not_what_was_searched() -> None:
    search = HolderSearch(
        "keira-bhv",
        exam_type="EH",
        exam_number="EX45465",
        q="Zoë de Boer",
        expiring=ExpiryWindow.PAST_TWELVE_MONTHS,
    )

    name = file_name("keira-bhv", search, ExportFormat.XLSX, TODAY)

    assert name == (
        "kwalificatiehouders-keira-bhv-verlopen-afgelopen-12-maanden-examentype-EH-"
        "examen-EX45465-zoekopdracht-2027-01-31.xlsx"
    )
    assert file_name("keira-bhv", HolderSearch("keira-bhv"), ExportFormat.CSV, TODAY) == (
        "kwalificatiehouders-keira-bhv-2027-01-31.csv"
    )


def test_the_answers_size_counts_base64_for_xlsx_and_json_escapes_for_csv() -> None:
    assert response_size(b"x" * 3_000_000, ExportFormat.XLSX) == 4_000_000
    assert response_size(b"x" * 3_000_001, ExportFormat.XLSX) == 4_000_004
    # "é" is 2 bytes of UTF-8 and 6 in the answer (\u00e9); a quote and CRLF double.
    assert response_size('é"\r\n'.encode(), ExportFormat.CSV) == len('"') * 2 + 6 + 2 + 4
