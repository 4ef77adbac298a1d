"""Checked records to the domain's objects, and what the tables store for a dataset."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from pasjes.domain import (
    ExamType,
    Holder,
    HolderRow,
    Organisation,
    Qualification,
    QualificationType,
    Registration,
)
from pasjes.importing.model import Dataset, DatasetError, Record
from pasjes.importing.validating import (
    KnownValues,
    Row,
    first_seen,
    in_reading_order,
    known_holder,
    known_organisation,
)


def build(tables: Mapping[str, Iterable[Record]], errors: list[str]) -> Dataset:
    """The dataset of the tables' records (read in the tables' order, each once); DatasetError
    with every problem when any is bad."""
    organisations = _organisations(tables["organisations"], errors)
    contact_places: dict[str, str] = {}
    memberships = _memberships(tables["contacts"], organisations, errors, contact_places)
    holders = _holders(tables["holders"], errors)
    qualifications, exam_types = _qualifications(tables["qualifications"], holders, errors)
    registrations = _registrations(tables["registrations"], organisations, holders, errors)
    if errors:
        raise DatasetError(in_reading_order(errors))
    return Dataset(
        organisations=tuple(organisations.values()),
        memberships=memberships,
        contact_places=contact_places,
        holders=tuple(
            Holder(
                qualification_number=h.qualification_number,
                name=h.name,
                birth_date=h.birth_date,
                qualifications=tuple(qualifications.get(h.qualification_number, ())),
                initials=h.initials,
                prefix=h.prefix,
                surname=h.surname,
            )
            for h in holders.values()
        ),
        registrations=tuple(registrations),
        exam_types=tuple(sorted(exam_types, key=lambda t: (t.name.casefold(), t.code))),
    )


def _organisations(records: Iterable[Record], errors: list[str]) -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    seen: dict[Any, str] = {}
    known = KnownValues()
    for record in records:
        row = Row(record, errors, known)
        organisation_id = row.organisation_id("id")
        name = row.text("name")
        if organisation_id is None or name is None:
            continue
        if first_seen(seen, organisation_id, row, f"organisation id {organisation_id!r}"):
            organisations[organisation_id] = Organisation(id=organisation_id, name=name)
    return organisations


def _memberships(
    records: Iterable[Record],
    organisations: Mapping[str, Organisation],
    errors: list[str],
    places: dict[str, str],
) -> dict[str, tuple[str, ...]]:
    """The memberships by email; `places` gets each person's first line (lower-cased email ->
    `contacts.csv:LINE`), which later messages name them by."""
    memberships: dict[str, list[str]] = defaultdict(list)
    seen: dict[Any, str] = {}
    known = KnownValues()
    for record in records:
        row = Row(record, errors, known)
        email = row.email()
        organisation_id = known_organisation(row, organisations)
        if email is None or organisation_id is None:
            continue
        # Cognito compares emails without regard to case, so two spellings are one person.
        if first_seen(seen, (email.casefold(), organisation_id), row, "membership"):
            memberships[email].append(organisation_id)
            places.setdefault(email.casefold(), record.where)
    return {email: tuple(ids) for email, ids in memberships.items()}


def _holders(records: Iterable[Record], errors: list[str]) -> dict[str, Holder]:
    holders: dict[str, Holder] = {}
    seen: dict[Any, str] = {}
    known = KnownValues()
    for record in records:
        row = Row(record, errors, known)
        number = row.qualification_number()
        name = row.text("name")
        birth_date = row.date("birthDate")
        initials = row.optional_text("initials")
        prefix = row.optional_text("prefix")
        surname = row.optional_text("surname")
        if number is None or name is None or birth_date is None or not row.ok:
            continue
        if first_seen(seen, number, row, f"qualificationNumber {number}"):
            holders[number] = Holder(
                qualification_number=number,
                name=name,
                birth_date=birth_date,
                initials=initials,
                prefix=prefix,
                surname=surname,
            )
    return holders


def _qualifications(
    records: Iterable[Record], holders: Mapping[str, Holder], errors: list[str]
) -> tuple[dict[str, list[Qualification]], list[ExamType]]:
    by_holder: dict[str, list[Qualification]] = defaultdict(list)
    places: dict[tuple[str, str], Row] = {}
    exam_type_names: dict[str, tuple[str, str]] = {}  # code -> (name, where first named)
    known = KnownValues()
    for record in records:
        row = Row(record, errors, known)
        number = known_holder(row, holders)
        code = row.identifier("code")
        name = row.text("name", repeats=True)
        kind = row.qualification_type()
        exam_type = row.identifier("examType")
        exam_type_name = row.text("examTypeName", repeats=True)
        exam_number = row.identifier("examNumber")
        exam_date = row.date("examDate")
        # Empty: the registry gives no expiry date (valid for good).
        expiry_date = row.optional_date("expiryDate")
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
    records: Iterable[Record],
    organisations: Mapping[str, Organisation],
    holders: Mapping[str, Holder],
    errors: list[str],
) -> list[Registration]:
    registrations: list[Registration] = []
    seen: dict[Any, str] = {}
    external_seen: dict[Any, str] = {}
    known = KnownValues()
    for record in records:
        row = Row(record, errors, known)
        organisation_id = known_organisation(row, organisations)
        number = known_holder(row, holders)
        external = row.text("externalNumber") if row.raw("externalNumber") else None
        if organisation_id is None or number is None or not row.ok:
            continue
        if not first_seen(seen, (organisation_id, number), row, "registration"):
            continue
        # The organisation's own number identifies one person there; two holders sharing it
        # would print the same number on different people's passes.
        if external is not None and not first_seen(
            external_seen, (organisation_id, external), row, f"externalNumber {external!r}"
        ):
            continue
        registrations.append(Registration(organisation_id, number, external))
    return registrations


def rows_for(dataset: Dataset, only: Collection[str] | None = None) -> dict[str, list[HolderRow]]:
    """Each organisation's list rows (every organisation, even one without holders; with
    `only`, those organisations')."""
    holders = {h.qualification_number: h for h in dataset.holders}
    rows: dict[str, list[HolderRow]] = {
        o.id: [] for o in dataset.organisations if only is None or o.id in only
    }
    for registration in dataset.registrations:
        if registration.organisation_id not in rows:
            continue
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
