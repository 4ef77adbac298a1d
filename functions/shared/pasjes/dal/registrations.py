"""The registrations table: which holders are registered at an organisation, as list rows.

Items per organisation (hash key `organisationId`):
- `H#{qualificationNumber}`: the holder's row, read when listing the organisation;
- `X#{examNumber}#{qualificationNumber}`: the same row once per exam the holder passed, so that a
  search by exam number reads only that exam's holders.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pynamodb.attributes import ListAttribute, UnicodeAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.models import Model

from pasjes.dal import TableName
from pasjes.domain import HolderRow
from pasjes.text import name_key

_HOLDER = "H#"
_EXAM = "X#"


class RegistrationModel(Model):
    class Meta:
        table_name = TableName("registrations_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    organisation_id = UnicodeAttribute(hash_key=True, attr_name="organisationId")
    entry_key = UnicodeAttribute(range_key=True, attr_name="entryKey")
    qualification_number = UnicodeAttribute(attr_name="qualificationNumber")
    name = UnicodeAttribute()
    name_key = UnicodeAttribute(attr_name="nameKey")
    birth_date = UnicodeAttribute(attr_name="birthDate")
    expiry_date = UnicodeAttribute(attr_name="expiryDate", null=True)
    external_number = UnicodeAttribute(attr_name="externalNumber", null=True)
    exam_types = ListAttribute(of=UnicodeAttribute, attr_name="examTypes", default=list)
    exam_numbers = ListAttribute(of=UnicodeAttribute, attr_name="examNumbers", default=list)


def _to_row(item: RegistrationModel) -> HolderRow:
    return HolderRow(
        qualification_number=item.qualification_number,
        name=item.name,
        name_key=item.name_key,
        birth_date=date.fromisoformat(item.birth_date),
        expiry_date=date.fromisoformat(item.expiry_date) if item.expiry_date else None,
        external_number=item.external_number,
        exam_types=tuple(str(t) for t in item.exam_types),
        exam_numbers=tuple(str(n) for n in item.exam_numbers),
    )


def _to_model(organisation_id: str, entry_key: str, row: HolderRow) -> RegistrationModel:
    return RegistrationModel(
        organisation_id,
        entry_key,
        qualification_number=row.qualification_number,
        name=row.name,
        name_key=row.name_key or name_key(row.name),
        birth_date=row.birth_date.isoformat(),
        expiry_date=row.expiry_date.isoformat() if row.expiry_date else None,
        external_number=row.external_number,
        exam_types=list(row.exam_types),
        exam_numbers=list(row.exam_numbers),
    )


def rows_of_organisation(organisation_id: str) -> list[HolderRow]:
    query = RegistrationModel.query(
        organisation_id, RegistrationModel.entry_key.startswith(_HOLDER)
    )
    return [_to_row(item) for item in query]


def rows_of_exam(organisation_id: str, exam_number: str) -> list[HolderRow]:
    query = RegistrationModel.query(
        organisation_id, RegistrationModel.entry_key.startswith(f"{_EXAM}{exam_number}#")
    )
    return [_to_row(item) for item in query]


def get_rows(organisation_id: str, qualification_numbers: Iterable[str]) -> dict[str, HolderRow]:
    """The rows of those holders that are registered at the organisation (BatchGet)."""
    keys = [(organisation_id, f"{_HOLDER}{n}") for n in sorted(set(qualification_numbers))]
    return {item.qualification_number: _to_row(item) for item in RegistrationModel.batch_get(keys)}


def put_rows(organisation_id: str, rows: Iterable[HolderRow]) -> None:
    with RegistrationModel.batch_write() as batch:
        for row in rows:
            batch.save(_to_model(organisation_id, f"{_HOLDER}{row.qualification_number}", row))
            for exam_number in row.exam_numbers:
                key = f"{_EXAM}{exam_number}#{row.qualification_number}"
                batch.save(_to_model(organisation_id, key, row))
