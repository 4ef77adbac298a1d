"""The registrations table: which holders are registered at an organisation, as list rows.

Items per organisation (hash key `organisationId`):
- `H#{qualificationNumber}`: one holder's row, for point reads (details, submit);
- `L#{chunk}`: the organisation's rows packed in chunks, so listing 10,000 holders reads about
  ten items instead of 10,000;
- `X#{examNumber}#{chunk}`: the rows of that exam's holders, so a search by exam number reads
  only that exam's holders.
`replace_rows` keeps the three in step; the import is the only writer.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.models import Model

from pasjes.dal import TableName
from pasjes.domain import HolderRow

_HOLDER = "H#"
_LIST = "L#"
_EXAM = "X#"
# Rows of about 150 bytes: a chunk stays far below DynamoDB's 400 KB item limit.
CHUNK_ROWS = 1000


class RegistrationModel(Model):
    class Meta:
        table_name = TableName("registrations_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    organisation_id = UnicodeAttribute(hash_key=True, attr_name="organisationId")
    entry_key = UnicodeAttribute(range_key=True, attr_name="entryKey")
    # A holder item (H#) carries one row in these attributes...
    qualification_number = UnicodeAttribute(attr_name="qualificationNumber", null=True)
    name = UnicodeAttribute(null=True)
    name_key = UnicodeAttribute(attr_name="nameKey", null=True)
    birth_date = UnicodeAttribute(attr_name="birthDate", null=True)
    expiry_date = UnicodeAttribute(attr_name="expiryDate", null=True)
    external_number = UnicodeAttribute(attr_name="externalNumber", null=True)
    exam_types = ListAttribute(of=UnicodeAttribute, attr_name="examTypes", null=True)
    exam_numbers = ListAttribute(of=UnicodeAttribute, attr_name="examNumbers", null=True)
    # ...a chunk item (L#, X#) carries many, packed as JSON.
    rows = UnicodeAttribute(null=True)
    row_count = NumberAttribute(attr_name="rowCount", null=True)


def _pack(row: HolderRow) -> list[Any]:
    return [*row[:6], list(row.exam_types), list(row.exam_numbers)]


def _holder_item(organisation_id: str, row: HolderRow) -> RegistrationModel:
    return RegistrationModel(
        organisation_id,
        f"{_HOLDER}{row.qualification_number}",
        qualification_number=row.qualification_number,
        name=row.name,
        name_key=row.name_key,
        birth_date=row.birth_date,
        expiry_date=row.expiry_date,
        external_number=row.external_number,
        exam_types=list(row.exam_types),
        exam_numbers=list(row.exam_numbers),
    )


def _row_of_holder_item(item: RegistrationModel) -> HolderRow:
    return HolderRow(
        qualification_number=str(item.qualification_number),
        name=str(item.name),
        name_key=str(item.name_key),
        birth_date=str(item.birth_date),
        expiry_date=item.expiry_date,
        external_number=item.external_number,
        exam_types=[str(t) for t in item.exam_types or ()],
        exam_numbers=[str(n) for n in item.exam_numbers or ()],
    )


def _chunk_items(
    organisation_id: str, prefix: str, rows: Sequence[HolderRow]
) -> list[RegistrationModel]:
    return [
        RegistrationModel(
            organisation_id,
            f"{prefix}{start // CHUNK_ROWS:05d}",
            rows=json.dumps(
                [_pack(r) for r in rows[start : start + CHUNK_ROWS]],
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            row_count=len(rows[start : start + CHUNK_ROWS]),
        )
        for start in range(0, len(rows), CHUNK_ROWS)
    ]


def _rows_of_chunks(organisation_id: str, prefix: str) -> list[HolderRow]:
    query = RegistrationModel.query(
        organisation_id,
        RegistrationModel.entry_key.startswith(prefix),
        attributes_to_get=["rows"],
    )
    make = HolderRow._make
    return [make(packed) for item in query for packed in json.loads(item.rows or "[]")]


def rows_of_organisation(organisation_id: str) -> list[HolderRow]:
    return _rows_of_chunks(organisation_id, _LIST)


def rows_of_exam(organisation_id: str, exam_number: str) -> list[HolderRow]:
    return _rows_of_chunks(organisation_id, f"{_EXAM}{exam_number}#")


def get_rows(organisation_id: str, qualification_numbers: Iterable[str]) -> dict[str, HolderRow]:
    """The rows of those holders that are registered at the organisation (BatchGet)."""
    keys = [(organisation_id, f"{_HOLDER}{n}") for n in sorted(set(qualification_numbers))]
    return {
        str(item.qualification_number): _row_of_holder_item(item)
        for item in RegistrationModel.batch_get(keys)
    }


def replace_rows(organisation_id: str, rows: Iterable[HolderRow]) -> None:
    """Make `rows` the organisation's registrations: write them, drop whatever is not among them."""
    ordered = sorted(rows, key=lambda r: r.qualification_number)
    by_exam: dict[str, list[HolderRow]] = defaultdict(list)
    for row in ordered:
        for exam_number in row.exam_numbers:
            by_exam[exam_number].append(row)
    items = [_holder_item(organisation_id, row) for row in ordered]
    items += _chunk_items(organisation_id, _LIST, ordered)
    for exam_number, exam_rows in by_exam.items():
        items += _chunk_items(organisation_id, f"{_EXAM}{exam_number}#", exam_rows)
    keep = {item.entry_key for item in items}
    existing = RegistrationModel.query(organisation_id, attributes_to_get=["entryKey"])
    stale = [item for item in existing if item.entry_key not in keep]
    with RegistrationModel.batch_write() as batch:
        for item in items:
            batch.save(item)
        for item in stale:
            batch.delete(item)
