"""CSV and XLSX without AWS: what Dutch Excel needs (BOM, `;`, CRLF), quoting, and no cell that
starts a formula (OWASP's CSV injection guidance); the XLSX read back with openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from pasjes.spreadsheets import Cell, neutralised, to_csv, to_xlsx


def read_back(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("\ncmd", "'\ncmd"),
        # After what spreadsheets skip: spaces, a no-break space, NUL, a zero-width space.
        (" =1+1", "' =1+1"),
        ("\u00a0=1", "'\u00a0=1"),
        ("\x00=1", "'\x00=1"),
        ("\u200b=1", "'\u200b=1"),
        (" \t @SUM(A1)", "' \t @SUM(A1)"),
        # Full-width and small forms of = + - @.
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\ufe661", "'\ufe661"),
        ("\uff0b31", "'\uff0b31"),
        ("\uff0d2", "'\uff0d2"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        (" \ufe62\ufe63\ufe6b", "' \ufe62\ufe63\ufe6b"),
        ("Jan=Piet", "Jan=Piet"),
        (" Jan", " Jan"),
        ("\u00a0", "\u00a0"),
        ("A-17", "A-17"),
        ("", ""),
    ],
)
def test_a_cell_that_would_start_a_formula_starts_with_a_quote(text: str, shown: str) -> None:
    assert neutralised(text) == shown
    assert read_back(to_csv(["Naam"], [[text]]))[1] == [shown]


def test_semicolons_quotes_and_line_breaks_stay_inside_their_cell() -> None:
    cells: list[Cell] = ['De "Vries"; Jan', "regel 1\nregel 2", "a;b\r\nc"]

    data = to_csv(["A", "B", "C"], [cells])

    assert read_back(data) == [["A", "B", "C"], cells]
    # Each record ends in CRLF; a break inside a quoted cell is the cell's own.
    assert data.endswith(b"\r\n")
    assert data.count(b'"') == 3 * 2 + 2 * 2  # three quoted cells, two doubled quotes


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Nguyễn",
        "Şükrü Öztürk",
        "Łukasz Wójcik",
        "Ελένη Παπαδοπούλου",
        "Дмитрий Иванов",
        "李小龍",
        "ﾃｽﾄ",
    ],
)
def test_accents_and_non_latin_names_read_back_as_written(name: str) -> None:
    assert read_back(to_csv(["Naam"], [[name]])) == [["Naam"], [name]]


def test_dates_are_dd_mm_jjjj_and_missing_values_empty() -> None:
    data = to_csv(["Geboren", "Vervalt", "Extern"], [[date(1992, 6, 18), None, None]])

    assert read_back(data)[1] == ["18-06-1992", "", ""]


def test_the_xlsx_has_a_frozen_header_real_dates_and_text_that_is_never_a_formula() -> None:
    lines: list[list[Cell]] = [
        ["=1+1", date(2030, 10, 1), None],
        ["Zoë", date(1990, 12, 31), "A-17"],
    ]

    data = to_xlsx(["Naam", "Vervaldatum", "Extern"], lines, sheet="Kwalificatiehouders")

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Kwalificatiehouders"]
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [
        ("Naam", "Vervaldatum", "Extern"),
        ("=1+1", datetime(2030, 10, 1), None),
        ("Zoë", datetime(1990, 12, 31), "A-17"),
    ]
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].number_format == "dd-mm-yyyy"
    assert sheet.column_dimensions["A"].width >= len("Naam")
