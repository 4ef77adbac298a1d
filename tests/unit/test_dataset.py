"""The import format: every row is checked, every bad row is named, nothing half-loaded."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from infra.ops.dataset import (
    DatasetError,
    organisations_for,
    parse,
    parse_export,
    parse_folder,
    rows_for,
    write_folder,
    write_json,
)
from pasjes.domain import ExamType, QualificationType, Registration

QUALIFICATIONS_HEADER = (
    "qualificationNumber,code,name,type,examType,examTypeName,examNumber,examDate,expiryDate,"
    "parentCode\n"
)
VALID = {
    "organisations": "id,name\nkeira-bhv,Keira BHV\nehbo-west,EHBO West\n",
    "contacts": (
        "email,organisationId\n"
        "contact@keira-bhv.example,keira-bhv\n"
        "contact@keira-bhv.example,ehbo-west\n"
        "collega@keira-bhv.example,keira-bhv\n"
    ),
    "holders": (
        "qualificationNumber,name,birthDate\n"
        "99600953,Dhr. TEST de Tester,1992-06-18\n"
        "12345678,Dhr. Şükrü Öztürk,1985-03-09\n"
        "23456789,Mevr. Zoë Nguyễn,1990-12-31\n"
    ),
    "qualifications": QUALIFICATIONS_HEADER
    # The module comes before its diploma: order within the file does not matter.
    + "99600953,EHK,Eerste Hulp aan Kinderen,Certificaat,EH,Eerste Hulp,EX45465,2024-03-18,"
    "2026-04-01,DEH\n"
    "99600953,DEH,Diploma Eerste Hulp,Diploma,EH,Eerste Hulp,EX45465,2024-03-18,2026-04-01,\n"
    "12345678,BHV,Bedrijfshulpverlener,Diploma,BHV,Bedrijfshulpverlening,EX20002,2023-01-10,"
    "2024-01-10,\n"
    "12345678,LH,Levensreddend handelen,Certificaat,LH,Levensreddend handelen,EX30003,2024-05-01,"
    "2027-05-01,\n",
    "registrations": (
        "organisationId,qualificationNumber,externalNumber\n"
        "keira-bhv,99600953,\n"
        "keira-bhv,12345678,1122334455\n"
        "ehbo-west,12345678,A-17\n"
    ),
}


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, text in {**VALID, **files}.items():
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    return folder


def errors_of(folder: Path) -> list[str]:
    with pytest.raises(DatasetError) as raised:
        parse_folder(folder)
    return raised.value.errors


def places(errors: list[str]) -> set[str]:
    return {error.split(": ", 1)[0] for error in errors}


def test_a_valid_folder_gives_holders_with_their_qualifications_and_registrations(
    tmp_path: Path,
) -> None:
    dataset = parse_folder(write(tmp_path))

    assert [o.id for o in dataset.organisations] == ["keira-bhv", "ehbo-west"]
    assert dataset.memberships == {
        "contact@keira-bhv.example": ("keira-bhv", "ehbo-west"),
        "collega@keira-bhv.example": ("keira-bhv",),
    }
    tester = next(h for h in dataset.holders if h.qualification_number == "99600953")
    assert tester.name == "Dhr. TEST de Tester"
    assert tester.birth_date == date(1992, 6, 18)
    assert [(q.code, q.type, q.parent_code) for q in tester.qualifications] == [
        ("EHK", QualificationType.CERTIFICATE, "DEH"),
        ("DEH", QualificationType.DIPLOMA, None),
    ]
    assert [m.code for m in tester.modules_of("DEH")] == ["EHK"]
    assert Registration("keira-bhv", "99600953", None) in dataset.registrations
    assert Registration("ehbo-west", "12345678", "A-17") in dataset.registrations
    assert set(dataset.exam_types) == {
        ExamType("EH", "Eerste Hulp"),
        ExamType("BHV", "Bedrijfshulpverlening"),
        ExamType("LH", "Levensreddend handelen"),
    }


def test_a_bad_holder_row_is_reported_by_file_and_line(tmp_path: Path) -> None:
    holders = (
        "qualificationNumber,name,birthDate\n"
        "99600953,Dhr. TEST de Tester,1992-06-18\n"
        "1234567,Dhr. Şükrü Öztürk,1985-03-09\n"
        "23456789,Mevr. Zoë Nguyễn,1990-12-31\n"
    )
    errors = errors_of(write(tmp_path, holders=holders))

    # The holder on line 3 is unknown now, so its qualifications and registrations are reported
    # too: every problem at once, rather than one per attempt.
    assert errors[0] == "holders.csv:3: qualificationNumber '1234567' is not 8 digits"
    assert places(errors) == {
        "holders.csv:3",
        "qualifications.csv:4",
        "qualifications.csv:5",
        "registrations.csv:3",
        "registrations.csv:4",
    }


def test_every_bad_row_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        organisations=(
            "id,name\n"
            "keira-bhv,Keira BHV\n"
            "keira-bhv,Keira BHV again\n"  # 3: duplicate
            "bad id!,Somewhere\n"  # 4: not an identifier
            "ehbo-west,\n"  # 5: no name
            "ehbo-oost,EHBO Oost\n"
        ),
        contacts=(
            "email,organisationId\n"
            "contact@keira-bhv.example,keira-bhv\n"
            "not-an-email,keira-bhv\n"  # 3
            "collega@keira-bhv.example,unknown-org\n"  # 4
            "CONTACT@keira-bhv.example,keira-bhv\n"  # 5: the same person, differently cased
        ),
        holders=(
            "qualificationNumber,name,birthDate\n"
            "99600953,Dhr. TEST de Tester,1992-06-18\n"
            "9960095,Dhr. Short,1992-06-18\n"  # 3
            "12345678,Dhr. Şükrü Öztürk,18-06-1985\n"  # 4: dd-mm-jjjj is for people, not files
            "99600953,Dhr. Twice,1992-06-18\n"  # 5
            '23456789,"Mevr. Bell\u0007",1990-01-01\n'  # 6: a control character
            "34567890,Mevr. Leap,1990-02-30\n"  # 7: no such day
            "45678901,Dhr. Right\u202eto left,1990-02-03\n"  # 8: a bidi override
            "56789012,  ,1990-02-03\n"  # 9: blank name
        ),
        qualifications=QUALIFICATIONS_HEADER
        + "99600953,DEH,Diploma Eerste Hulp,Diploma,EH,Eerste Hulp,EX45465,2024-03-18,2026-04-01,\n"
        "99600953,EHK,Eerste Hulp aan Kinderen,Certificaat,EH,Eerste Hulp,EX45465,2024-03-18,"
        "2026-04-01,XYZ\n"  # 3: no such diploma
        "99600953,LH,Levensreddend handelen,Certificate,LH,Levensreddend,EX1,2024-03-18,"
        "2026-04-01,\n"  # 4: type misspelt
        "11111111,DEH,Diploma Eerste Hulp,Diploma,EH,Eerste Hulp,EX1,2024-03-18,2026-04-01,\n"  # 5
        "99600953,DEH,Diploma Eerste Hulp,Diploma,EH,Eerste Hulp,EX2,2024-03-18,2026-04-01,\n"  # 6
        "99600953,REA,Reanimatie,Certificaat,EH,First aid,EX2,2024-03-18,2026-04-01,\n"  # 7
        "99600953,JEH,Jeugd Eerste Hulp,Diploma,JEH,Jeugd,EX3,2024-05-01,2024-04-01,\n"  # 8
        "99600953,IEH,Instructeur,Diploma,IEH,Instructeur,EX#4,2024-05-01,2026-04-01,DEH\n",  # 9
        registrations=(
            "organisationId,qualificationNumber,externalNumber\n"
            "keira-bhv,99600953,\n"
            "keira-bhv,99600953,X\n"  # 3: duplicate
            "keira-bhv,77777777,\n"  # 4: unknown holder
            "nowhere,99600953,\n"  # 5: unknown organisation
            "ehbo-oost,99600953,7\n"
            "ehbo-oost,99600953,8,9\n"  # 7: a value too many
        ),
    )

    errors = errors_of(folder)

    assert places(errors) == {
        "organisations.csv:3",
        "organisations.csv:4",
        "organisations.csv:5",
        "contacts.csv:3",
        "contacts.csv:4",
        "contacts.csv:5",
        "holders.csv:3",
        "holders.csv:4",
        "holders.csv:5",
        "holders.csv:6",
        "holders.csv:7",
        "holders.csv:8",
        "holders.csv:9",
        "qualifications.csv:3",
        "qualifications.csv:4",
        "qualifications.csv:5",
        "qualifications.csv:6",
        "qualifications.csv:7",
        "qualifications.csv:8",
        "qualifications.csv:9",
        "registrations.csv:3",
        "registrations.csv:4",
        "registrations.csv:5",
        "registrations.csv:7",
    }
    text = "\n".join(errors)
    for expected in (
        "organisations.csv:3: duplicate organisation id 'keira-bhv' (first at organisations.csv:2)",
        "organisations.csv:5: name is empty",
        "contacts.csv:3: email does not look like an email address",
        "contacts.csv:4: organisationId 'unknown-org' is not in organisations",
        "contacts.csv:5: duplicate membership",
        "holders.csv:4: birthDate is not a date written YYYY-MM-DD",
        "holders.csv:6: name contains control or invisible characters (U+0007)",
        "holders.csv:7: birthDate is not a date written YYYY-MM-DD",
        "holders.csv:8: name contains control or invisible characters (U+202E)",
        "holders.csv:9: name is empty",
        "qualifications.csv:3: parentCode XYZ is not a Diploma of holder 99600953",
        "qualifications.csv:4: type 'Certificate' must be Diploma or Certificaat",
        "qualifications.csv:5: qualificationNumber 11111111 is not in holders",
        "qualifications.csv:6: duplicate qualification DEH of 99600953",
        "qualifications.csv:7: examType EH is named 'First aid' here but 'Eerste Hulp'",
        "qualifications.csv:8: expiryDate 2024-04-01 is before examDate 2024-05-01",
        "qualifications.csv:9: examNumber 'EX#4' may hold only",
        "qualifications.csv:9: a Diploma cannot be a module",
        "registrations.csv:3: duplicate registration",
        "registrations.csv:4: qualificationNumber 77777777 is not in holders",
        "registrations.csv:5: organisationId 'nowhere' is not in organisations",
        "registrations.csv:7: 4 values where the header has 3",
    ):
        assert expected in text


def test_line_numbers_stay_right_after_a_value_spanning_two_lines(tmp_path: Path) -> None:
    holders = (
        "qualificationNumber,name,birthDate\n"
        '99600953,"Dhr. TEST\nde Tester",1992-06-18\n'
        "1234567,Dhr. Şükrü Öztürk,1985-03-09\n"
        "23456789,Mevr. Zoë Nguyễn,1990-12-31\n"
    )
    errors = errors_of(write(tmp_path, holders=holders))

    assert {e for e in errors if e.startswith("holders.csv")} == {
        "holders.csv:2: name contains control or invisible characters (U+000A)",
        "holders.csv:4: qualificationNumber '1234567' is not 8 digits",
    }


def test_missing_files_bad_headers_and_bad_encodings_are_reported(tmp_path: Path) -> None:
    folder = write(tmp_path, contacts="email,organisation\n")
    (folder / "registrations.csv").unlink()
    (folder / "holders.csv").write_bytes(
        b"qualificationNumber,name,birthDate\n12345678,Dhr. \xd6zt\xfcrk,1985-03-09\n"
    )

    errors = errors_of(folder)

    assert "registrations.csv: file not found" in errors
    assert any(e.startswith("contacts.csv:1: the header must name") for e in errors)
    assert "holders.csv:2: not UTF-8 text (byte 0xd6)" in errors


def test_a_spreadsheet_export_with_a_byte_order_mark_and_blank_lines_is_accepted(
    tmp_path: Path,
) -> None:
    folder = write(
        tmp_path,
        organisations="\ufeffid,name\r\nkeira-bhv,Keira BHV\r\n\r\nehbo-west,EHBO West\r\n",
    )

    assert [o.name for o in parse_folder(folder).organisations] == ["Keira BHV", "EHBO West"]


def test_names_are_stored_in_one_unicode_form(tmp_path: Path) -> None:
    decomposed = "Mevr. Zoe\u0308 Nguye\u0302\u0303n"
    holders = f"qualificationNumber,name,birthDate\n99600953,{decomposed},1990-12-31\n"
    folder = write(
        tmp_path,
        holders=holders,
        qualifications=QUALIFICATIONS_HEADER,
        registrations="organisationId,qualificationNumber,externalNumber\nkeira-bhv,99600953,\n",
    )

    assert parse_folder(folder).holders[0].name == "Mevr. Zoë Nguyễn"


def test_values_many_rows_share_are_kept_once_and_checked_as_every_other(tmp_path: Path) -> None:
    decomposed = "Eerste hulp bij Zoe\u0308"
    rows = "".join(
        f"{number},EH,{decomposed},Diploma,EH,Eerste Hulp,EX1,2024-03-18,2026-04-01,\n"
        for number in ("99600953", "12345678")
    )
    folder = write(
        tmp_path,
        qualifications=QUALIFICATIONS_HEADER + rows + "23456789,EH,x,Diploma,EH,Eerste Hulp,"
        "EX1,2024-03-18,2026-13-01,\n",
    )

    assert errors_of(folder) == [
        "qualifications.csv:4: expiryDate '2026-13-01' is not a date written YYYY-MM-DD"
    ]
    folder = write(tmp_path, qualifications=QUALIFICATIONS_HEADER + rows)
    first, second = (h.qualifications[0] for h in parse_folder(folder).holders[:2])
    assert first.name == "Eerste hulp bij Zoë"
    assert first.name is second.name
    assert first.exam_number is second.exam_number
    assert first.expiry_date is second.expiry_date


def test_a_json_file_holds_the_same_dataset_as_the_folder(tmp_path: Path) -> None:
    from_folder = parse_folder(write(tmp_path / "csv"))
    write_json(from_folder, tmp_path / "data.json")

    assert parse(tmp_path / "data.json") == from_folder
    write_folder(from_folder, tmp_path / "again")
    assert parse(tmp_path / "again") == from_folder


def test_bad_json_entries_are_reported_by_list_and_index(tmp_path: Path) -> None:
    document = {
        "organisations": [{"id": "keira-bhv", "name": "Keira BHV"}],
        "contacts": [],
        "holders": [
            {"qualificationNumber": "99600953", "name": "Dhr. TEST de Tester", "birthDate": "x"},
            {"qualificationNumber": 12345678, "name": "Dhr. Number", "birthDate": "1985-03-09"},
        ],
        "qualifications": [],
        "registrations": [
            {
                "organisationId": "keira-bhv",
                "qualificationNumber": "99600953",
                "externalNumber": None,
            }
        ],
        "extra": [],
    }
    file = tmp_path / "data.json"
    file.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(DatasetError) as raised:
        parse(file)

    assert raised.value.errors == [
        "data.json: unknown list 'extra'",
        "data.json:holders[0]: birthDate is not a date written YYYY-MM-DD",
        "data.json:holders[1]: qualificationNumber must be a string",
        "data.json:registrations[0]: qualificationNumber 99600953 is not in holders",
    ]


def test_rows_carry_the_latest_expiry_the_exams_the_folded_name_and_the_external_number(
    tmp_path: Path,
) -> None:
    rows = rows_for(parse_folder(write(tmp_path)))

    assert sorted(rows) == ["ehbo-west", "keira-bhv"]
    ozturk = next(r for r in rows["keira-bhv"] if r.qualification_number == "12345678")
    assert ozturk.expiry_date == "2027-05-01"
    assert list(ozturk.exam_types) == ["BHV", "LH"]
    assert list(ozturk.exam_numbers) == ["EX20002", "EX30003"]
    assert ozturk.name_key == "sukru ozturk"
    assert ozturk.external_number == "1122334455"
    assert [r.external_number for r in rows["ehbo-west"]] == ["A-17"]
    tester = next(r for r in rows["keira-bhv"] if r.qualification_number == "99600953")
    assert tester.external_number is None
    assert list(tester.exam_numbers) == ["EX45465"]


def test_an_organisation_offers_the_exam_types_of_its_holders_sorted_by_name(
    tmp_path: Path,
) -> None:
    organisations = {o.id: o for o in organisations_for(parse_folder(write(tmp_path)))}

    assert organisations["keira-bhv"].exam_types == (
        ExamType("BHV", "Bedrijfshulpverlening"),
        ExamType("EH", "Eerste Hulp"),
        ExamType("LH", "Levensreddend handelen"),
    )
    assert organisations["ehbo-west"].exam_types == (
        ExamType("BHV", "Bedrijfshulpverlening"),
        ExamType("LH", "Levensreddend handelen"),
    )


WITHDRAWN_HEADER = QUALIFICATIONS_HEADER.rstrip("\n") + ",withdrawnOn\n"


def test_a_qualification_can_be_marked_withdrawn_with_its_date(tmp_path: Path) -> None:
    qualifications = (
        WITHDRAWN_HEADER
        + "99600953,DEH,Diploma Eerste Hulp,Diploma,EH,Eerste Hulp,EX45465,2024-03-18,"
        "2026-04-01,,2025-02-03\n"
        "12345678,LH,Levensreddend handelen,Certificaat,LH,Levensreddend handelen,EX30003,"
        "2024-05-01,2027-05-01,,2025-06-01\n"
        "12345678,BHV,Bedrijfshulpverlener,Diploma,BHV,Bedrijfshulpverlening,EX20002,2023-01-10,"
        "2024-01-10,,\n"
    )

    dataset = parse_folder(write(tmp_path, qualifications=qualifications))

    withdrawn = {
        (h.qualification_number, q.code): q.withdrawn_on
        for h in dataset.holders
        for q in h.qualifications
    }
    assert withdrawn == {
        ("99600953", "DEH"): date(2025, 2, 3),
        ("12345678", "LH"): date(2025, 6, 1),
        ("12345678", "BHV"): None,
    }
    rows = {r.qualification_number: r for r in rows_for(dataset)["keira-bhv"]}
    # Nothing left standing: listed as withdrawn. Something left: listed by what is left.
    assert rows["99600953"].withdrawn
    assert rows["99600953"].expiry_date is None
    assert not rows["12345678"].withdrawn
    assert rows["12345678"].expiry_date == "2024-01-10"


def test_a_file_without_the_withdrawn_column_is_still_read(tmp_path: Path) -> None:
    dataset = parse_folder(write(tmp_path))

    assert all(q.withdrawn_on is None for h in dataset.holders for q in h.qualifications)


def test_a_bad_or_premature_withdrawal_date_is_reported(tmp_path: Path) -> None:
    qualifications = (
        WITHDRAWN_HEADER
        + "99600953,DEH,Diploma Eerste Hulp,Diploma,EH,Eerste Hulp,EX45465,2024-03-18,"
        "2026-04-01,,03-02-2025\n"
        "12345678,LH,Levensreddend handelen,Certificaat,LH,Levensreddend handelen,EX30003,"
        "2024-05-01,2027-05-01,,2024-04-30\n"
    )

    errors = errors_of(write(tmp_path, qualifications=qualifications))

    assert errors == [
        "qualifications.csv:2: withdrawnOn '03-02-2025' is not a date written YYYY-MM-DD",
        "qualifications.csv:3: withdrawnOn 2024-04-30 is before examDate 2024-05-01",
    ]


def test_withdrawals_survive_writing_and_reading_csv_and_json(tmp_path: Path) -> None:
    qualifications = (
        WITHDRAWN_HEADER
        + "99600953,DEH,Diploma Eerste Hulp,Diploma,EH,Eerste Hulp,EX45465,2024-03-18,"
        "2026-04-01,,2025-02-03\n"
    )
    dataset = parse_folder(write(tmp_path / "in", qualifications=qualifications))

    write_folder(dataset, tmp_path / "out")
    write_json(dataset, tmp_path / "out.json")

    assert parse_folder(tmp_path / "out") == dataset
    assert parse(tmp_path / "out.json") == dataset


MANIFEST = {"exportId": "reg-2026-05-01", "exportedAt": "2026-05-01T05:00:00Z", "scope": "full"}


def zipped(files: dict[str, str], manifest: object = MANIFEST, folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if manifest is not None:
            archive.writestr(f"{folder}manifest.json", json.dumps(manifest))
        for table, text in files.items():
            archive.writestr(f"{folder}{table}.csv", text)
    return buffer.getvalue()


@pytest.mark.parametrize("folder", ["", "export-2026-05-01/"])
def test_an_export_zip_gives_its_manifest_and_dataset(folder: str) -> None:
    manifest, dataset = parse_export(zipped(VALID, folder=folder))

    assert (manifest.export_id, manifest.scope, manifest.allow_large_removal) == (
        "reg-2026-05-01",
        "full",
        False,
    )
    assert manifest.exported_at == datetime(2026, 5, 1, 5, 0, tzinfo=UTC)
    assert len(dataset.holders) == 3


def test_a_gzipped_export_and_the_json_form_hold_the_same(tmp_path: Path) -> None:
    _, from_zip = parse_export(gzip.compress(zipped(VALID)))
    write_json(from_zip, tmp_path / "data.json")
    document = json.loads((tmp_path / "data.json").read_text(encoding="utf-8"))
    document["manifest"] = MANIFEST | {"scope": "partial", "organisations": ["keira-bhv"]}

    manifest, from_json = parse_export(gzip.compress(json.dumps(document).encode()))

    assert from_json == from_zip
    assert (manifest.scope, manifest.organisations) == ("partial", ("keira-bhv",))


@pytest.mark.parametrize(
    ("manifest", "error"),
    [
        (None, "manifest.json: file not found in the export"),
        (MANIFEST | {"exportedAt": "2026-05-01T07:00:00"}, "exportedAt must be an ISO 8601"),
        (MANIFEST | {"exportedAt": "2026-05-01T07:00:00+02:00"}, "exportedAt must be"),
        (MANIFEST | {"scope": "some"}, "manifest.json: scope must be 'full' or 'partial'"),
        (MANIFEST | {"scope": "partial"}, "lists the organisations it covers"),
        (MANIFEST | {"exportId": ""}, "manifest.json: exportId must be 1 to 128 letters"),
        (MANIFEST | {"exportId": "a/b"}, "manifest.json: exportId must be 1 to 128 letters"),
        (MANIFEST | {"exportId": "../x"}, "manifest.json: exportId must be 1 to 128 letters"),
        (MANIFEST | {"exportId": ".x"}, "manifest.json: exportId must be 1 to 128 letters"),
        (MANIFEST | {"exportId": "x" * 129}, "manifest.json: exportId must be 1 to 128 letters"),
        (MANIFEST | {"allowLargeRemoval": "yes"}, "allowLargeRemoval must be true or false"),
        (MANIFEST | {"extra": 1}, "manifest.json: unknown field 'extra'"),
    ],
)
def test_a_wrong_manifest_is_reported(manifest: object, error: str) -> None:
    with pytest.raises(DatasetError) as raised:
        parse_export(zipped(VALID, manifest))

    assert any(error in e for e in raised.value.errors)


def test_a_bad_row_in_an_export_is_reported_by_file_and_line() -> None:
    holders = VALID["holders"].replace("1992-06-18", "18-06-1992")

    with pytest.raises(DatasetError) as raised:
        parse_export(zipped(VALID | {"holders": holders}))

    assert raised.value.errors[0] == ("holders.csv:2: birthDate is not a date written YYYY-MM-DD")


def test_a_missing_file_in_an_export_is_reported() -> None:
    files = {k: v for k, v in VALID.items() if k != "registrations"}

    with pytest.raises(DatasetError) as raised:
        parse_export(zipped(files))

    assert raised.value.errors == ["registrations.csv: file not found"]


def test_holders_may_give_the_parts_of_their_name(tmp_path: Path) -> None:
    holders = (
        "qualificationNumber,name,birthDate,initials,prefix,surname\n"
        "99600953,Dhr. TEST de Tester,1992-06-18,T.,de,Tester\n"
        "12345678,Dhr. Şükrü Öztürk,1985-03-09,,,\n"
        "23456789,Mevr. Zoë Nguyễn,1990-12-31,Z.,,Nguyễn\n"
    )

    dataset = parse_folder(write(tmp_path, holders=holders))

    by_number = {h.qualification_number: h for h in dataset.holders}
    assert (by_number["99600953"].initials, by_number["99600953"].prefix) == ("T.", "de")
    assert by_number["99600953"].surname == "Tester"
    assert (by_number["12345678"].initials, by_number["12345678"].surname) == (None, None)
    assert by_number["23456789"].prefix is None


def test_a_qualification_may_have_no_expiry_date(tmp_path: Path) -> None:
    qualifications = VALID["qualifications"].replace("2023-01-10,2024-01-10,", "2023-01-10,,")

    dataset = parse_folder(write(tmp_path, qualifications=qualifications))

    bhv = next(
        q
        for h in dataset.holders
        if h.qualification_number == "12345678"
        for q in h.qualifications
        if q.code == "BHV"
    )
    assert bhv.expiry_date is None


def test_name_parts_survive_writing_and_reading(tmp_path: Path) -> None:
    holders = (
        VALID["holders"]
        .replace(
            "qualificationNumber,name,birthDate\n", "qualificationNumber,name,birthDate,surname\n"
        )
        .replace("1992-06-18\n", "1992-06-18,Tester\n")
        .replace("1985-03-09\n", "1985-03-09,\n")
        .replace("1990-12-31\n", "1990-12-31,\n")
    )
    dataset = parse_folder(write(tmp_path / "in", holders=holders))

    write_folder(dataset, tmp_path / "out")

    assert parse_folder(tmp_path / "out") == dataset
    assert {h.surname for h in dataset.holders} == {"Tester", None}
