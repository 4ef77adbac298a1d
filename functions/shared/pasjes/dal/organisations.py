"""The organisations table: one item per training institute, with its exam types."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from pasjes.dal import TableName, batch_delete
from pasjes.domain import ExamType, Organisation


class ExamTypeAttribute(MapAttribute[str, Any]):
    code = UnicodeAttribute()
    name = UnicodeAttribute()


class OrganisationModel(Model):
    class Meta:
        table_name = TableName("organisations_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    organisation_id = UnicodeAttribute(hash_key=True, attr_name="organisationId")
    name = UnicodeAttribute()
    exam_types = ListAttribute(of=ExamTypeAttribute, attr_name="examTypes", default=list)


def _to_domain(item: OrganisationModel) -> Organisation:
    return Organisation(
        id=item.organisation_id,
        name=item.name,
        exam_types=tuple(ExamType(code=t.code, name=t.name) for t in item.exam_types),
    )


def get_organisation(organisation_id: str) -> Organisation | None:
    try:
        return _to_domain(OrganisationModel.get(organisation_id))
    except DoesNotExist:
        return None


def get_organisations(organisation_ids: Iterable[str]) -> list[Organisation]:
    """Those of these organisations the table holds, by id (BatchGets)."""
    found = OrganisationModel.batch_get(sorted(set(organisation_ids)))
    return sorted((_to_domain(item) for item in found), key=lambda o: o.id)


def held(organisation_ids: Iterable[str]) -> set[str]:
    """Which of these organisations the table holds (consistent BatchGets of their keys)."""
    keys = sorted(set(organisation_ids))
    found = OrganisationModel.batch_get(
        keys, consistent_read=True, attributes_to_get=["organisationId"]
    )
    return {item.organisation_id for item in found}


def put_organisations(organisations: Iterable[Organisation]) -> int:
    """Write the organisations; returns how many."""
    count = 0
    with OrganisationModel.batch_write() as batch:
        for organisation in organisations:
            batch.save(
                OrganisationModel(
                    organisation.id,
                    name=organisation.name,
                    exam_types=[
                        ExamTypeAttribute(code=t.code, name=t.name) for t in organisation.exam_types
                    ],
                )
            )
            count += 1
    return count


def delete_organisations(organisation_ids: Iterable[str]) -> int:
    return batch_delete(OrganisationModel, map(OrganisationModel, organisation_ids))
