"""The import format: organisations, contact persons, holders, qualifications and registrations.

A dataset is a folder of five UTF-8 CSV files with a header line, or one JSON file holding the same
five lists under the same field names:

- `organisations.csv`: id,name
- `contacts.csv`: email,organisationId (one line per membership)
- `holders.csv`: qualificationNumber,name,birthDate
- `qualifications.csv`: qualificationNumber,code,name,type,examType,examTypeName,examNumber,
  examDate,expiryDate,parentCode,withdrawnOn (withdrawnOn: the day the registry withdrew the
  qualification, ingetrokken; empty while it stands. The column may be left out altogether.)
- `registrations.csv`: organisationId,qualificationNumber,externalNumber

Every row is checked and every problem is reported as `file:line: message` in one `DatasetError`,
so that a file with one bad row loads nothing rather than half.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from pasjes.domain import (
    CODE_PATTERN,
    ORGANISATION_ID_PATTERN,
    QUALIFICATION_NUMBER_PATTERN,
    ExamType,
    Holder,
    HolderRow,
    Organisation,
    Qualification,
    QualificationType,
    Registration,
)
from pasjes.text import invisible_characters

# The tables in load order, each with the fields of its CSV header (and JSON objects).
FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "organisations": ("id", "name"),
    "contacts": ("email", "organisationId"),
    "holders": ("qualificationNumber", "name", "birthDate"),
    "qualifications": (
        "qualificationNumber",
        "code",
        "name",
        "type",
        "examType",
        "examTypeName",
        "examNumber",
        "examDate",
        "expiryDate",
        "parentCode",
        "withdrawnOn",
    ),
    "registrations": ("organisationId", "qualificationNumber", "externalNumber"),
}
# Fields that may be left empty (CSV) or null (JSON).
OPTIONAL: Final = frozenset({"parentCode", "externalNumber", "withdrawnOn"})
# Columns a CSV header may leave out (added to the format later: older files stay valid).
OMISSIBLE_COLUMNS: Final = frozenset({"withdrawnOn"})

_QUALIFICATION_NUMBER = re.compile(QUALIFICATION_NUMBER_PATTERN)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# The API's own patterns: an id the API would refuse could be imported but never asked for.
_ORGANISATION_ID = re.compile(ORGANISATION_ID_PATTERN)
_CODE = re.compile(CODE_PATTERN)
# Deliberately loose: the user pool decides what an email is. Quotes and backslashes are refused
# because the importer puts the email inside a Cognito `email = "..."` filter.
_EMAIL_PART = r'[^@\s"\\\x00-\x1f\x7f]+'
_EMAIL = re.compile(rf"{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}")
_MAX_TEXT = 200


class DatasetError(Exception):
    """The dataset has bad rows; `errors` holds one `file:line: message` per problem."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        super().__init__(f"{count} error(s) in the dataset:\n" + "\n".join(self.errors))


@dataclass(frozen=True)
class Dataset:
    # Without exam types: those follow from the holders registered (see `organisations_for`).
    organisations: tuple[Organisation, ...]
    # Contact person's email -> the ids of the organisations they are contact of.
    memberships: Mapping[str, tuple[str, ...]]
    holders: tuple[Holder, ...]
    registrations: tuple[Registration, ...]
    # The names of the exam type codes that qualifications use.
    exam_types: tuple[ExamType, ...] = ()


# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    where: str  # "holders.csv:3", or "data.json:holders[1]"
    values: dict[str, str]


def parse(path: Path | str) -> Dataset:
    """Read a dataset from a folder of CSV files or from one JSON file."""
    path = Path(path)
    if path.is_dir():
        return parse_folder(path)
    return parse_json(path)


def parse_folder(path: Path | str) -> Dataset:
    folder = Path(path)
    errors: list[str] = []
    tables = {table: list(_read_csv(folder / f"{table}.csv", table, errors)) for table in FIELDS}
    return _build(tables, errors)


def parse_json(path: Path | str) -> Dataset:
    file = Path(path)
    errors: list[str] = []
    tables = _read_json(file, errors)
    return _build(tables, errors)


def _decode(file: Path, errors: list[str]) -> str | None:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        errors.append(f"{file.name}: file not found")
        return None
    try:
        # utf-8-sig: spreadsheet programs put a byte order mark in front of a UTF-8 export.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        errors.append(f"{file.name}:{line}: not UTF-8 text (byte {data[error.start]:#04x})")
        return None


def _read_csv(file: Path, table: str, errors: list[str]) -> Iterator[_Record]:
    text = _decode(file, errors)
    if text is None:
        return
    expected = FIELDS[table]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        errors.append(f"{file.name}:1: empty file; expected the header {','.join(expected)}")
        return
    except csv.Error as error:
        errors.append(f"{file.name}:1: {error}")
        return
    missing = [f for f in expected if f not in header and f not in OMISSIBLE_COLUMNS]
    unknown = [h for h in header if h not in expected]
    if missing or unknown or len(set(header)) != len(header):
        errors.append(
            f"{file.name}:1: the header must name the columns {','.join(expected)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )
        return
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(f"{file.name}:{line}: {error}")
            return
        where = f"{file.name}:{line}"
        # A quoted value may span lines; the next row starts after the last line this one used.
        line = reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append(f"{where}: {len(cells)} values where the header has {len(header)}")
            continue
        values = dict.fromkeys(expected, "")
        values.update((h, c.strip()) for h, c in zip(header, cells, strict=True))
        yield _Record(where, values)


def _read_json(file: Path, errors: list[str]) -> dict[str, list[_Record]]:
    tables: dict[str, list[_Record]] = {table: [] for table in FIELDS}
    text = _decode(file, errors)
    if text is None:
        return tables
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        errors.append(f"{file.name}:{error.lineno}: not valid JSON: {error.msg}")
        return tables
    if not isinstance(document, dict):
        errors.append(f"{file.name}: expected an object with the lists {', '.join(FIELDS)}")
        return tables
    for key in sorted(set(document) - set(FIELDS)):
        errors.append(f"{file.name}: unknown list {key!r}")
    for table, fields in FIELDS.items():
        items = document.get(table, [])
        if not isinstance(items, list):
            errors.append(f"{file.name}: {table} must be a list")
            continue
        for index, item in enumerate(items):
            where = f"{file.name}:{table}[{index}]"
            values = _json_values(where, item, fields, errors)
            if values is not None:
                tables[table].append(_Record(where, values))
    return tables


def _json_values(
    where: str, item: Any, fields: tuple[str, ...], errors: list[str]
) -> dict[str, str] | None:
    if not isinstance(item, dict):
        errors.append(f"{where}: expected an object with {', '.join(fields)}")
        return None
    problems = [f"unknown field {k!r}" for k in item if k not in fields]
    values: dict[str, str] = {}
    for field in fields:
        value = item.get(field)
        if value is None:
            values[field] = ""
        elif isinstance(value, str):
            values[field] = value.strip()
        else:
            # A number would silently lose leading zeros of a qualification number.
            problems.append(f"{field} must be a string")
    if problems:
        errors.extend(f"{where}: {p}" for p in problems)
        return None
    return values


# --- Checking -----------------------------------------------------------------------------------


class _Row:
    """One record being checked: each getter records a problem and returns None when bad."""

    def __init__(self, record: _Record, errors: list[str]) -> None:
        self.record = record
        self.errors = errors
        self.ok = True

    def error(self, message: str) -> None:
        self.errors.append(f"{self.record.where}: {message}")
        self.ok = False

    def raw(self, field: str) -> str:
        return self.record.values[field]

    def required(self, field: str) -> str | None:
        value = self.raw(field)
        if not value:
            self.error(f"{field} is empty")
            return None
        return value

    def text(self, field: str) -> str | None:
        """Free text such as a name: non-empty, printable, NFC (so 'Zoë' is one form only)."""
        value = self.required(field)
        if value is None:
            return None
        value = unicodedata.normalize("NFC", value)
        # isprintable() is a fast superset check: it also refuses spaces other than ' '.
        bad = invisible_characters(value)
        if bad:
            codes = ", ".join(f"U+{ord(c):04X}" for c in bad)
            self.error(f"{field} contains control or invisible characters ({codes})")
            return None
        if len(value) > _MAX_TEXT:
            self.error(f"{field} is longer than {_MAX_TEXT} characters")
            return None
        return value

    def identifier(self, field: str, *, optional: bool = False) -> str | None:
        """A qualification code, exam type or exam number, as the API accepts them."""
        return self._matching(
            field, _CODE, "may hold only letters, digits, '_' and '-' (at most 20)", optional
        )

    def organisation_id(self, field: str) -> str | None:
        return self._matching(
            field,
            _ORGANISATION_ID,
            "may hold only lower-case letters, digits and '-' (at most 64, not starting with '-')",
            optional=False,
        )

    def _matching(
        self, field: str, pattern: re.Pattern[str], rule: str, optional: bool
    ) -> str | None:
        value = self.raw(field)
        if optional and not value:
            return None
        if self.required(field) is None:
            return None
        if not pattern.match(value):
            self.error(f"{field} {value!r} {rule}")
            return None
        return value

    def qualification_number(self) -> str | None:
        value = self.required("qualificationNumber")
        if value is not None and not _QUALIFICATION_NUMBER.fullmatch(value):
            self.error(f"qualificationNumber {value!r} is not 8 digits")
            return None
        return value

    def optional_date(self, field: str) -> date | None:
        return self.date(field) if self.raw(field) else None

    def date(self, field: str) -> date | None:
        value = self.required(field)
        if value is None:
            return None
        if _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.error(f"{field} {value!r} is not a date written YYYY-MM-DD")
        return None

    def email(self) -> str | None:
        value = self.required("email")
        if value is not None and (len(value) > _MAX_TEXT or not _EMAIL.fullmatch(value)):
            self.error(f"email {value!r} does not look like an email address")
            return None
        return value

    def qualification_type(self) -> QualificationType | None:
        value = self.required("type")
        if value is None:
            return None
        try:
            return QualificationType(value)
        except ValueError:
            self.error(f"type {value!r} must be Diploma or Certificaat")
            return None


def _build(tables: Mapping[str, list[_Record]], errors: list[str]) -> Dataset:
    organisations = _organisations(tables["organisations"], errors)
    memberships = _memberships(tables["contacts"], organisations, errors)
    holders = _holders(tables["holders"], errors)
    qualifications, exam_types = _qualifications(tables["qualifications"], holders, errors)
    registrations = _registrations(tables["registrations"], organisations, holders, errors)
    if errors:
        raise DatasetError(sorted(errors, key=_reading_order))
    return Dataset(
        organisations=tuple(organisations.values()),
        memberships=memberships,
        holders=tuple(
            Holder(
                qualification_number=h.qualification_number,
                name=h.name,
                birth_date=h.birth_date,
                qualifications=tuple(qualifications.get(h.qualification_number, ())),
            )
            for h in holders.values()
        ),
        registrations=tuple(registrations),
        exam_types=tuple(sorted(exam_types, key=lambda t: (t.name.casefold(), t.code))),
    )


_PLACE = re.compile(
    r"^(?P<file>[^:]+?)(?:\.csv)?(?::(?P<line>[0-9]+)|:(?P<list>\w+)\[(?P<index>[0-9]+)\])?: "
)
_TABLES = list(FIELDS)


def _reading_order(error: str) -> tuple[int, int]:
    """Errors are found check by check; a reader wants them file by file, line by line."""
    match = _PLACE.match(error)
    if match is None:
        return (-1, 0)
    table = match["list"] or match["file"]
    rank = _TABLES.index(table) if table in _TABLES else -1
    return (rank, int(match["line"] or match["index"] or 0))


def _first_seen(seen: dict[Any, str], key: Any, row: _Row, what: str) -> bool:
    """Record a key's first place; report and return False when it was seen before."""
    if key in seen:
        row.error(f"duplicate {what} (first at {seen[key]})")
        return False
    seen[key] = row.record.where
    return True


def _organisations(records: list[_Record], errors: list[str]) -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    seen: dict[Any, str] = {}
    for record in records:
        row = _Row(record, errors)
        organisation_id = row.organisation_id("id")
        name = row.text("name")
        if organisation_id is None or name is None:
            continue
        if _first_seen(seen, organisation_id, row, f"organisation id {organisation_id!r}"):
            organisations[organisation_id] = Organisation(id=organisation_id, name=name)
    return organisations


def _memberships(
    records: list[_Record], organisations: Mapping[str, Organisation], errors: list[str]
) -> dict[str, tuple[str, ...]]:
    memberships: dict[str, list[str]] = defaultdict(list)
    seen: dict[Any, str] = {}
    for record in records:
        row = _Row(record, errors)
        email = row.email()
        organisation_id = _known_organisation(row, organisations)
        if email is None or organisation_id is None:
            continue
        # Cognito compares emails without regard to case, so two spellings are one person.
        if _first_seen(seen, (email.casefold(), organisation_id), row, "membership"):
            memberships[email].append(organisation_id)
    return {email: tuple(ids) for email, ids in memberships.items()}


def _known_organisation(row: _Row, organisations: Mapping[str, Organisation]) -> str | None:
    organisation_id = row.required("organisationId")
    if organisation_id is not None and organisation_id not in organisations:
        row.error(f"organisationId {organisation_id!r} is not in organisations")
        return None
    return organisation_id


def _holders(records: list[_Record], errors: list[str]) -> dict[str, Holder]:
    holders: dict[str, Holder] = {}
    seen: dict[Any, str] = {}
    for record in records:
        row = _Row(record, errors)
        number = row.qualification_number()
        name = row.text("name")
        birth_date = row.date("birthDate")
        if number is None or name is None or birth_date is None:
            continue
        if _first_seen(seen, number, row, f"qualificationNumber {number}"):
            holders[number] = Holder(qualification_number=number, name=name, birth_date=birth_date)
    return holders


def _known_holder(row: _Row, holders: Mapping[str, Holder]) -> str | None:
    number = row.qualification_number()
    if number is not None and number not in holders:
        row.error(f"qualificationNumber {number} is not in holders")
        return None
    return number


def _qualifications(
    records: list[_Record], holders: Mapping[str, Holder], errors: list[str]
) -> tuple[dict[str, list[Qualification]], list[ExamType]]:
    by_holder: dict[str, list[Qualification]] = defaultdict(list)
    places: dict[tuple[str, str], _Row] = {}
    exam_type_names: dict[str, tuple[str, str]] = {}  # code -> (name, where first named)
    for record in records:
        row = _Row(record, errors)
        number = _known_holder(row, holders)
        code = row.identifier("code")
        name = row.text("name")
        kind = row.qualification_type()
        exam_type = row.identifier("examType")
        exam_type_name = row.text("examTypeName")
        exam_number = row.identifier("examNumber")
        exam_date = row.date("examDate")
        expiry_date = row.date("expiryDate")
        parent_code = row.identifier("parentCode", optional=True)
        withdrawn_on = row.optional_date("withdrawnOn")
        if exam_date and expiry_date and expiry_date < exam_date:
            row.error(f"expiryDate {expiry_date} is before examDate {exam_date}")
        if exam_date and withdrawn_on and withdrawn_on < exam_date:
            row.error(f"withdrawnOn {withdrawn_on} is before examDate {exam_date}")
        if parent_code is not None and kind is QualificationType.DIPLOMA:
            row.error("a Diploma cannot be a module: parentCode is only for a Certificaat")
        if exam_type and exam_type_name:
            first = exam_type_names.setdefault(exam_type, (exam_type_name, record.where))
            if first[0] != exam_type_name:
                row.error(
                    f"examType {exam_type} is named {exam_type_name!r} here "
                    f"but {first[0]!r} at {first[1]}"
                )
        if (
            not row.ok
            or number is None
            or code is None
            or name is None
            or kind is None
            or exam_type is None
            or exam_number is None
            or exam_date is None
            or expiry_date is None
        ):
            continue
        seen = places.get((number, code))
        if seen is not None:
            row.error(f"duplicate qualification {code} of {number} (first at {seen.record.where})")
            continue
        places[(number, code)] = row
        by_holder[number].append(
            Qualification(
                code=code,
                name=name,
                type=kind,
                exam_type=exam_type,
                exam_number=exam_number,
                exam_date=exam_date,
                expiry_date=expiry_date,
                parent_code=parent_code,
                withdrawn_on=withdrawn_on,
            )
        )
    # Only now are all of a holder's diplomas known: a module may come before its diploma.
    for (number, code), row in places.items():
        qualifications = {q.code: q for q in by_holder[number]}
        parent_code = qualifications[code].parent_code
        if parent_code is None:
            continue
        parent = qualifications.get(parent_code)
        if parent is None or parent.type is not QualificationType.DIPLOMA:
            row.error(f"parentCode {parent_code} is not a Diploma of holder {number}")
    exam_types = [ExamType(code=c, name=n) for c, (n, _) in exam_type_names.items()]
    return by_holder, exam_types


def _registrations(
    records: list[_Record],
    organisations: Mapping[str, Organisation],
    holders: Mapping[str, Holder],
    errors: list[str],
) -> list[Registration]:
    registrations: list[Registration] = []
    seen: dict[Any, str] = {}
    external_seen: dict[Any, str] = {}
    for record in records:
        row = _Row(record, errors)
        organisation_id = _known_organisation(row, organisations)
        number = _known_holder(row, holders)
        external = row.text("externalNumber") if row.raw("externalNumber") else None
        if organisation_id is None or number is None or not row.ok:
            continue
        if not _first_seen(seen, (organisation_id, number), row, "registration"):
            continue
        # The organisation's own number identifies one person there; two holders sharing it
        # would print the same number on different people's passes.
        if external is not None and not _first_seen(
            external_seen, (organisation_id, external), row, f"externalNumber {external!r}"
        ):
            continue
        registrations.append(Registration(organisation_id, number, external))
    return registrations


# --- What the tables store ----------------------------------------------------------------------


def rows_for(dataset: Dataset) -> dict[str, list[HolderRow]]:
    """Each organisation's list rows (every organisation, even one without holders)."""
    holders = {h.qualification_number: h for h in dataset.holders}
    rows: dict[str, list[HolderRow]] = {o.id: [] for o in dataset.organisations}
    for registration in dataset.registrations:
        holder = holders[registration.qualification_number]
        rows[registration.organisation_id].append(
            HolderRow.of(holder, registration.external_number)
        )
    for organisation_rows in rows.values():
        organisation_rows.sort(key=lambda r: r.qualification_number)
    return rows


def organisations_for(dataset: Dataset) -> list[Organisation]:
    """The organisations with the exam types their registered holders have, sorted by name.

    An exam type whose name the dataset does not give is listed under its code.
    """
    names = {t.code: t.name for t in dataset.exam_types}
    holders = {h.qualification_number: h for h in dataset.holders}
    codes: dict[str, set[str]] = {o.id: set() for o in dataset.organisations}
    for registration in dataset.registrations:
        holder = holders[registration.qualification_number]
        codes[registration.organisation_id].update(q.exam_type for q in holder.qualifications)
    return [
        Organisation(
            id=o.id,
            name=o.name,
            exam_types=tuple(
                sorted(
                    (ExamType(code=c, name=names.get(c, c)) for c in codes[o.id]),
                    key=lambda t: (t.name.casefold(), t.code),
                )
            ),
        )
        for o in dataset.organisations
    ]


# --- Writing ------------------------------------------------------------------------------------


def records_of(dataset: Dataset) -> dict[str, list[dict[str, str]]]:
    """The dataset as the five lists of the import format (the inverse of parsing)."""
    exam_type_names = {t.code: t.name for t in dataset.exam_types}
    return {
        "organisations": [{"id": o.id, "name": o.name} for o in dataset.organisations],
        "contacts": [
            {"email": email, "organisationId": organisation_id}
            for email, ids in dataset.memberships.items()
            for organisation_id in ids
        ],
        "holders": [
            {
                "qualificationNumber": h.qualification_number,
                "name": h.name,
                "birthDate": h.birth_date.isoformat(),
            }
            for h in dataset.holders
        ],
        "qualifications": [
            {
                "qualificationNumber": h.qualification_number,
                "code": q.code,
                "name": q.name,
                "type": q.type.value,
                "examType": q.exam_type,
                "examTypeName": exam_type_names.get(q.exam_type, q.exam_type),
                "examNumber": q.exam_number,
                "examDate": q.exam_date.isoformat(),
                "expiryDate": q.expiry_date.isoformat(),
                "parentCode": q.parent_code or "",
                "withdrawnOn": q.withdrawn_on.isoformat() if q.withdrawn_on else "",
            }
            for h in dataset.holders
            for q in h.qualifications
        ],
        "registrations": [
            {
                "organisationId": r.organisation_id,
                "qualificationNumber": r.qualification_number,
                "externalNumber": r.external_number or "",
            }
            for r in dataset.registrations
        ],
    }


def write_folder(dataset: Dataset, path: Path | str) -> None:
    """Write the dataset as the five CSV files that `parse_folder` reads."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for table, records in records_of(dataset).items():
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=FIELDS[table], lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)


def write_json(dataset: Dataset, path: Path | str) -> None:
    Path(path).write_text(
        json.dumps(records_of(dataset), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
