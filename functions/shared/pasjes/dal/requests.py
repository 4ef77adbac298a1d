"""The requests table: download requests, their passes and their progress.

Hash key `requestId`; the `byOwner` index lists a contact person's requests newest first. The
passes a request yields are stored with it at submit, so render prints exactly what was counted.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec
from pynamodb.attributes import (
    BinaryAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from pasjes.dal import TableName
from pasjes.domain import Organisation, Pass, PassRequest, RequestStatus

_LISTED = [
    "status",
    "organisationId",
    "organisationName",
    "reference",
    "holderCount",
    "passCount",
    "skipped",
    "expiresAt",
    "readyAt",
    "zipSize",
    "renderedCount",
    "error",
]


class ByOwnerIndex(GlobalSecondaryIndex["RequestModel"]):
    class Meta:
        index_name = "byOwner"
        projection = IncludeProjection(_LISTED)

    owner_sub = UnicodeAttribute(hash_key=True, attr_name="ownerSub")
    created_at = UTCDateTimeAttribute(range_key=True, attr_name="createdAt")


class RequestModel(Model):
    class Meta:
        table_name = TableName("requests_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    request_id = UnicodeAttribute(hash_key=True, attr_name="requestId")
    owner_sub = UnicodeAttribute(attr_name="ownerSub")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    by_owner = ByOwnerIndex()
    status = UnicodeAttribute()
    organisation_id = UnicodeAttribute(attr_name="organisationId")
    organisation_name = UnicodeAttribute(attr_name="organisationName")
    reference = UnicodeAttribute(null=True)
    holder_count = NumberAttribute(attr_name="holderCount")
    pass_count = NumberAttribute(attr_name="passCount")
    skipped = ListAttribute(of=UnicodeAttribute, default=list)
    expires_at = UTCDateTimeAttribute(attr_name="expiresAt")
    ready_at = UTCDateTimeAttribute(attr_name="readyAt", null=True)
    zip_size = NumberAttribute(attr_name="zipSize", null=True)
    rendered_count = NumberAttribute(attr_name="renderedCount", null=True)
    error = UnicodeAttribute(null=True)
    # The clean-up: DynamoDB deletes the item some time after expiry; reads check expiresAt.
    ttl = TTLAttribute(null=True)
    # Compressed JSON: 250 passes of long names with modules stay far below the 400 KB item limit.
    passes = BinaryAttribute(attr_name="passes", null=True, legacy_encoding=False)


_PASSES = msgspec.json.Decoder(tuple[Pass, ...])


def _passes_to_bytes(passes: tuple[Pass, ...]) -> bytes:
    return zlib.compress(msgspec.json.encode(passes))


def _passes_from_bytes(data: bytes | None) -> tuple[Pass, ...]:
    return _PASSES.decode(zlib.decompress(data)) if data else ()


def _to_domain(item: RequestModel, *, with_passes: bool) -> PassRequest:
    return PassRequest(
        id=item.request_id,
        owner_sub=item.owner_sub,
        organisation=Organisation(id=item.organisation_id, name=item.organisation_name),
        reference=item.reference,
        holder_count=int(item.holder_count),
        pass_count=int(item.pass_count),
        skipped=tuple(str(n) for n in item.skipped),
        created_at=item.created_at,
        expires_at=item.expires_at,
        status=RequestStatus(item.status),
        passes=_passes_from_bytes(item.passes) if with_passes else (),
        ready_at=item.ready_at,
        zip_size=int(item.zip_size) if item.zip_size is not None else None,
        rendered_count=int(item.rendered_count or 0),
        error=item.error,
    )


def create_request(request: PassRequest) -> None:
    """Store a new request; an id that exists already is never overwritten."""
    item = RequestModel(
        request.id,
        owner_sub=request.owner_sub,
        created_at=request.created_at,
        status=request.status.value,
        organisation_id=request.organisation.id,
        organisation_name=request.organisation.name,
        reference=request.reference,
        holder_count=request.holder_count,
        pass_count=request.pass_count,
        skipped=list(request.skipped),
        expires_at=request.expires_at,
        ttl=request.expires_at,
        passes=_passes_to_bytes(request.passes),
    )
    item.save(condition=RequestModel.request_id.does_not_exist())


def get_request(request_id: str, *, with_passes: bool = False) -> PassRequest | None:
    try:
        item = RequestModel.get(request_id, consistent_read=True)
    except DoesNotExist:
        return None
    return _to_domain(item, with_passes=with_passes)


def requests_of(owner_sub: str, *, created_after: datetime) -> list[PassRequest]:
    """The owner's requests created after the moment given, newest first."""
    query = RequestModel.by_owner.query(
        owner_sub,
        RequestModel.created_at > created_after,
        scan_index_forward=False,
    )
    return [_to_domain(item, with_passes=False) for item in query]


def ids_of(owner_sub: str, organisation_id: str) -> list[str]:
    """The ids of every request (of any age) the owner made for this organisation.

    Requests live 7 days and a person makes a handful a day, so the owner's index is small.
    """
    query = RequestModel.by_owner.query(
        owner_sub, filter_condition=RequestModel.organisation_id == organisation_id
    )
    return [item.request_id for item in query]


def delete_requests(request_ids: Iterable[str]) -> None:
    with RequestModel.batch_write() as batch:
        for request_id in request_ids:
            batch.delete(RequestModel(request_id))


def _transition(request_id: str, allowed_from: list[RequestStatus], **changes: Any) -> bool:
    """Apply changes only when the request is in one of the allowed statuses."""
    item = RequestModel(request_id)
    actions = [getattr(RequestModel, name).set(value) for name, value in changes.items()]
    condition = RequestModel.request_id.exists() & RequestModel.status.is_in(
        *[s.value for s in allowed_from]
    )
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def mark_rendering(request_id: str) -> bool:
    return _transition(
        request_id,
        [RequestStatus.PENDING, RequestStatus.RENDERING],
        status=RequestStatus.RENDERING.value,
    )


def mark_progress(request_id: str, rendered: int) -> bool:
    return _transition(request_id, [RequestStatus.RENDERING], rendered_count=rendered)


def mark_ready(request_id: str, *, ready_at: datetime, zip_size: int, passes: int) -> bool:
    return _transition(
        request_id,
        [RequestStatus.RENDERING],
        status=RequestStatus.READY.value,
        ready_at=ready_at,
        zip_size=zip_size,
        rendered_count=passes,
    )


def mark_failed(request_id: str, reason: str) -> bool:
    """Mark failed unless the request was already made ready (a late failure changes nothing)."""
    return _transition(
        request_id,
        [RequestStatus.PENDING, RequestStatus.RENDERING],
        status=RequestStatus.FAILED.value,
        error=reason,
    )
