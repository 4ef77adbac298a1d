"""The holders table: one item per qualification holder, with all their qualifications."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from pasjes.dal import ItemData, TableName, batch_delete, batch_put
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


def _item_data(holder: Holder, content_hash: str | None) -> ItemData:
    """The holder's item as DynamoDB holds it, made without a Model, which costs ten times as
    much (the import writes 250,000); a unit test reads it back through the model."""

    def qualification(q: Qualification) -> dict[str, Any]:
        # The optional attributes only when set, as the model leaves them out.
        fields: dict[str, Any] = {
            "code": {"S": q.code},
            "name": {"S": q.name},
            "type": {"S": q.type.value},
            "examType": {"S": q.exam_type},
            "examNumber": {"S": q.exam_number},
            "examDate": {"S": q.exam_date.isoformat()},
        }
        if q.expiry_date:
            fields["expiryDate"] = {"S": q.expiry_date.isoformat()}
        if q.parent_code is not None:
            fields["parentCode"] = {"S": q.parent_code}
        if q.withdrawn_on:
            fields["withdrawnOn"] = {"S": q.withdrawn_on.isoformat()}
        return {"M": fields}

    item: ItemData = {
        "qualificationNumber": {"S": holder.qualification_number},
        "name": {"S": holder.name},
        "birthDate": {"S": holder.birth_date.isoformat()},
        "qualifications": {"L": [qualification(q) for q in holder.qualifications]},
    }
    if content_hash is not None:
        item["contentHash"] = {"S": content_hash}
    return item


def put_holders(holders: Iterable[Holder], hashes: Mapping[str, str] | None = None) -> int:
    """Write the holders (with the import's content hash of each, when given); returns how many."""
    hashes = hashes or {}
    return batch_put(
        HolderModel, (_item_data(h, hashes.get(h.qualification_number)) for h in holders)
    )


def delete_holders(qualification_numbers: Iterable[str]) -> int:
    return batch_delete(HolderModel, map(HolderModel, qualification_numbers))
