"""Names of the PDFs inside a request's ZIP, and of the ZIP itself."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from pathlib import PurePosixPath, PureWindowsPath

import pytest

from pasjes.domain import Pass, Qualification, QualificationType
from pasjes.filenames import (
    MAX_ENTRY_BYTES,
    pass_entry_name,
    unique_entry_names,
    zip_file_name,
)

DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in range(10)
}
WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
CREATED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def make_pass(
    name: str = "Dhr. TEST de Tester",
    number: str = "99600953",
    code: str = "DEH",
    kind: QualificationType = QualificationType.DIPLOMA,
) -> Pass:
    qualification = Qualification(
        code=code,
        name="Diploma Eerste Hulp",
        type=kind,
        exam_type="EHBO",
        exam_number="EX45465",
        exam_date=date(2026, 3, 14),
        expiry_date=date(2028, 3, 1),
    )
    return Pass(number, name, date(1992, 6, 18), None, qualification)


def assert_safe(entry: str) -> None:
    """What every entry must be, whatever the name: one harmless file in the ZIP's root."""
    assert entry.endswith(".pdf")
    assert len(entry.encode("utf-8")) <= MAX_ENTRY_BYTES
    assert ".." not in entry
    assert not WINDOWS_FORBIDDEN & set(entry)
    assert not any(unicodedata.category(ch).startswith("C") for ch in entry)
    assert PurePosixPath(entry).name == entry
    assert PureWindowsPath(entry).name == entry
    assert entry == entry.strip(" .")
    assert entry.split(".")[0].upper() not in DEVICES
    assert unicodedata.is_normalized("NFC", entry)


def test_entry_name_follows_the_manual() -> None:
    assert pass_entry_name(make_pass()) == "99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf"


def test_certificate_entry_name_ends_in_its_type() -> None:
    entry = pass_entry_name(make_pass(code="EHK", kind=QualificationType.CERTIFICATE))

    assert entry == "99600953_Dhr._TEST_de_Tester_EHK_Certificaat.pdf"


def test_accented_letters_stay_in_the_name() -> None:
    entry = pass_entry_name(make_pass("Łukasz Wójcik-Şükrü Nguyễn Đặng Żak"))

    assert entry == "99600953_Łukasz_Wójcik-Şükrü_Nguyễn_Đặng_Żak_DEH_Diploma.pdf"


def test_decomposed_name_is_stored_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Nguyễn")

    entry = pass_entry_name(make_pass(decomposed))

    assert entry == "99600953_Zoë_Nguyễn_DEH_Diploma.pdf"
    assert_safe(entry)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x", "99600953_x_DEH_Diploma.pdf"),
        ("..\\..\\x", "99600953_x_DEH_Diploma.pdf"),
        ("/abs", "99600953_abs_DEH_Diploma.pdf"),
        ("C:\\Windows\\x", "99600953_CWindowsx_DEH_Diploma.pdf"),
        ("a/../../b", "99600953_a.b_DEH_Diploma.pdf"),
        ("..", "99600953_DEH_Diploma.pdf"),
    ],
)
def test_a_path_in_the_name_cannot_leave_the_zip_root(name: str, expected: str) -> None:
    entry = pass_entry_name(make_pass(name))

    assert entry == expected
    assert_safe(entry)


def test_characters_windows_forbids_are_removed() -> None:
    entry = pass_entry_name(make_pass('J<a>n: "J|a?n*s/e\\n'))

    assert entry == "99600953_Jan_Jansen_DEH_Diploma.pdf"


def test_control_characters_are_removed() -> None:
    entry = pass_entry_name(make_pass("Jan\x00\x07\x1b\x7f\x9bJansen"))

    assert entry == "99600953_JanJansen_DEH_Diploma.pdf"
    assert_safe(entry)


def test_right_to_left_override_cannot_disguise_the_extension() -> None:
    # Shown as "Jan...exe.pdf" reversed; without the override it is just letters.
    entry = pass_entry_name(make_pass("Jan\u202efdp.exe"))

    assert "\u202e" not in entry
    assert entry == "99600953_Janfdp.exe_DEH_Diploma.pdf"
    assert_safe(entry)


def test_invisible_format_characters_are_removed() -> None:
    entry = pass_entry_name(make_pass("Jan\u200b\u200d\u2066\ufeff Jansen\u00ad"))

    assert entry == "99600953_Jan_Jansen_DEH_Diploma.pdf"


def test_whitespace_of_any_kind_becomes_one_underscore() -> None:
    entry = pass_entry_name(make_pass("Jan \t\n  Jansen\u00a0Jr\u2028x"))

    assert entry == "99600953_Jan_Jansen_Jr_x_DEH_Diploma.pdf"


def test_no_leading_or_trailing_dots_or_spaces() -> None:
    entry = pass_entry_name(make_pass("  .hidden name.  "))

    assert entry == "99600953_hidden_name_DEH_Diploma.pdf"


@pytest.mark.parametrize("name", ["CON", "con", "PRN", "AUX", "NUL", "COM1", "LPT9", "con.txt"])
def test_windows_device_names_stay_plain_files(name: str) -> None:
    entry = pass_entry_name(make_pass(name))

    assert entry.startswith("99600953_")
    assert_safe(entry)


def test_300_character_name_is_cut_to_fit_keeping_number_code_and_type() -> None:
    entry = pass_entry_name(make_pass("Łukasz " * 43))

    assert len(entry.encode("utf-8")) <= MAX_ENTRY_BYTES
    assert entry.startswith("99600953_Łukasz_Łukasz_")
    assert entry.endswith("_DEH_Diploma.pdf")
    assert "__" not in entry
    assert_safe(entry)


def test_cutting_a_long_name_keeps_each_letter_with_its_accents() -> None:
    # a + ogonek + acute (Lithuanian) has no precomposed form: NFC leaves "ą" + U+0301.
    letter = unicodedata.normalize("NFC", "a\u0328\u0301")
    assert len(letter) == 2
    entry = pass_entry_name(make_pass(letter * 100))

    name_part = entry.removeprefix("99600953_").removesuffix("_DEH_Diploma.pdf")
    assert name_part
    assert name_part == letter * (len(name_part) // len(letter))
    assert_safe(entry)


def test_a_name_of_only_hostile_characters_leaves_number_code_and_type() -> None:
    entry = pass_entry_name(make_pass('\u202e../\\<>:"|?*\x00'))

    assert entry == "99600953_DEH_Diploma.pdf"


def test_distinct_passes_keep_their_own_names() -> None:
    passes = [make_pass("Jan Jansen"), make_pass("Piet Jansen"), make_pass(code="EHK")]

    assert unique_entry_names(passes) == [pass_entry_name(p) for p in passes]


def test_clashing_names_get_a_numbered_suffix_in_order() -> None:
    passes = [make_pass(), make_pass(), make_pass("Jan"), make_pass()]

    assert unique_entry_names(passes) == [
        "99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf",
        "99600953_Dhr._TEST_de_Tester_DEH_Diploma_2.pdf",
        "99600953_Jan_DEH_Diploma.pdf",
        "99600953_Dhr._TEST_de_Tester_DEH_Diploma_3.pdf",
    ]


def test_names_differing_only_in_case_clash() -> None:
    names = unique_entry_names([make_pass("Jan de Vries"), make_pass("JAN DE VRIES")])

    assert names == [
        "99600953_Jan_de_Vries_DEH_Diploma.pdf",
        "99600953_JAN_DE_VRIES_DEH_Diploma_2.pdf",
    ]


def test_names_that_only_differ_in_removed_characters_clash() -> None:
    names = unique_entry_names([make_pass("Jan/Jansen"), make_pass("Jan\u202eJansen")])

    assert names == ["99600953_JanJansen_DEH_Diploma.pdf", "99600953_JanJansen_DEH_Diploma_2.pdf"]


def test_suffixed_long_names_stay_within_the_limit() -> None:
    names = unique_entry_names([make_pass("Ł" * 300)] * 12)

    assert len(set(names)) == 12
    assert names[11].endswith("_DEH_Diploma_12.pdf")
    for name in names:
        assert_safe(name)


def test_250_identical_passes_get_250_distinct_names() -> None:
    names = unique_entry_names([make_pass()] * 250)

    assert len({n.casefold() for n in names}) == 250
    assert names[-1] == "99600953_Dhr._TEST_de_Tester_DEH_Diploma_250.pdf"


def test_zip_name_without_reference() -> None:
    assert zip_file_name(None, CREATED) == "digitale-pasjes_28-11-2026.zip"


def test_zip_name_with_reference() -> None:
    assert zip_file_name("Cursus maart", CREATED) == "digitale-pasjes_Cursus-maart_28-11-2026.zip"


def test_zip_name_keeps_accents_and_drops_unsafe_characters_of_the_reference() -> None:
    name = zip_file_name(' ../Cursus\u202e "Zoë" EHBO/BHV\x00 ', CREATED)

    assert name == "digitale-pasjes_Cursus-Zoë-EHBO-BHV_28-11-2026.zip"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("Cursus maart (1/5)", "digitale-pasjes_Cursus-maart-(1-van-5)_28-11-2026.zip"),
        ("(12/12)", "digitale-pasjes_(12-van-12)_28-11-2026.zip"),
        ("Examen EX45465 (2 / 3)", "digitale-pasjes_Examen-EX45465-(2-van-3)_28-11-2026.zip"),
        (
            "Training 18/06/2026 (1/2)",
            "digitale-pasjes_Training-18-06-2026-(1-van-2)_28-11-2026.zip",
        ),
    ],
)
def test_the_part_of_a_split_request_survives_in_the_zip_name(
    reference: str, expected: str
) -> None:
    assert zip_file_name(reference, CREATED) == expected


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("Training 18/06/2026", "digitale-pasjes_Training-18-06-2026_28-11-2026.zip"),
        ("Groep 1/2 maart", "digitale-pasjes_Groep-1-2-maart_28-11-2026.zip"),
        ("Lokaal (3/4) en (5/6) ", "digitale-pasjes_Lokaal-(3-4)-en-(5-van-6)_28-11-2026.zip"),
    ],
)
def test_only_the_part_the_app_appends_is_read_as_a_part(reference: str, expected: str) -> None:
    assert zip_file_name(reference, CREATED) == expected


def test_the_parts_of_a_split_request_get_distinct_zip_names() -> None:
    names = {zip_file_name(f"Cursus ({n}/12)", CREATED) for n in range(1, 13)}

    assert len(names) == 12


def test_blank_reference_is_left_out_of_the_zip_name() -> None:
    assert zip_file_name(" \t ", CREATED) == "digitale-pasjes_28-11-2026.zip"


def test_long_reference_is_cut_to_keep_the_zip_name_within_the_limit() -> None:
    name = zip_file_name("Ż" * 100, CREATED)

    assert len(name.encode("utf-8")) <= MAX_ENTRY_BYTES
    assert name.startswith("digitale-pasjes_ŻŻ")
    assert name.endswith("_28-11-2026.zip")
