"""The holders table: one item per qualification holder, with all their qualifications."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from pasjes.dal import TableName
from pasjes.domain import Holder, Qualification, QualificationType


class QualificationAttribute(MapAttribute[str, Any]):
    code = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()
    exam_type = UnicodeAttribute(attr_name="examType")
    exam_number = UnicodeAttribute(attr_name="examNumber")
    exam_date = UnicodeAttribute(attr_name="examDate")
    expiry_date = UnicodeAttribute(attr_name="expiryDate", null=True)
    parent_code = UnicodeAttribute(attr_name="parentCode", null=True)
    withdrawn_on = UnicodeAttribute(attr_name="withdrawnOn", null=True)


class HolderModel(Model):
    class Meta:
        table_name = TableName("holders_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    qualification_number = UnicodeAttribute(hash_key=True, attr_name="qualificationNumber")
    name = UnicodeAttribute()
    birth_date = UnicodeAttribute(attr_name="birthDate")
    qualifications = ListAttribute(of=QualificationAttribute, default=list)
    # The import's hash of the holder as the registry exported it: unchanged, it is not written.
    content_hash = UnicodeAttribute(attr_name="contentHash", null=True)


def _to_domain(item: HolderModel) -> Holder:
    return Holder(
        qualification_number=item.qualification_number,
        name=item.name,
        birth_date=date.fromisoformat(item.birth_date),
        qualifications=tuple(
            Qualification(
                code=q.code,
                name=q.name,
                type=QualificationType(q.type),
                exam_type=q.exam_type,
                exam_number=q.exam_number,
                exam_date=date.fromisoformat(q.exam_date),
                expiry_date=date.fromisoformat(q.expiry_date) if q.expiry_date else None,
                parent_code=q.parent_code,
                withdrawn_on=date.fromisoformat(q.withdrawn_on) if q.withdrawn_on else None,
            )
            for q in item.qualifications
        ),
    )


def _to_model(holder: Holder) -> HolderModel:
    return HolderModel(
        holder.qualification_number,
        name=holder.name,
        birth_date=holder.birth_date.isoformat(),
        qualifications=[
            QualificationAttribute(
                code=q.code,
                name=q.name,
                type=q.type.value,
                exam_type=q.exam_type,
                exam_number=q.exam_number,
                exam_date=q.exam_date.isoformat(),
                expiry_date=q.expiry_date.isoformat() if q.expiry_date else None,
                parent_code=q.parent_code,
                withdrawn_on=q.withdrawn_on.isoformat() if q.withdrawn_on else None,
            )
            for q in holder.qualifications
        ],
    )


def get_holder(qualification_number: str, *, consistent: bool = False) -> Holder | None:
    """`consistent`: as the last import left it, for the public check of a pass."""
    try:
        return _to_domain(HolderModel.get(qualification_number, consistent_read=consistent))
    except DoesNotExist:
        return None


def get_holders(qualification_numbers: Iterable[str]) -> dict[str, Holder]:
    """BatchGet the holders (pynamodb splits the keys into batches of 100)."""
    keys = sorted(set(qualification_numbers))
    return {item.qualification_number: _to_domain(item) for item in HolderModel.batch_get(keys)}


def put_holders(holders: Iterable[Holder], hashes: Mapping[str, str] | None = None) -> int:
    """Write the holders (with the import's content hash of each, when given); returns how many."""
    count = 0
    with HolderModel.batch_write() as batch:
        for holder in holders:
            item = _to_model(holder)
            if hashes is not None:
                item.content_hash = hashes.get(holder.qualification_number)
            batch.save(item)
            count += 1
    return count


def delete_holders(qualification_numbers: Iterable[str]) -> int:
    count = 0
    with HolderModel.batch_write() as batch:
        for number in qualification_numbers:
            batch.delete(HolderModel(number))
            count += 1
    return count
