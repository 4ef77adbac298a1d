"""The requests table: download requests, their passes and their progress.

Hash key `requestId`; the `byOwner` index lists a contact person's requests newest first. The
passes a request yields are stored with it at submit, so render prints exactly what was counted.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Collection
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import (
    BinaryAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from pasjes.dal import TableName, batch_delete, quotas
from pasjes.dal.quotas import QuotaModel, day_key, pending_key
from pasjes.domain import Organisation, Pass, PassRequest, RequestStatus
from pasjes.errors import DailyLimitReached, ServiceBusy, TooManyPendingRequests
from pasjes.rules import PENDING_RETRY_AFTER_SECONDS, SubmissionQuota

if TYPE_CHECKING:
    import msgspec

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
    "errorCode",
    "downloadCount",
    "lastDownloadedAt",
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
    error_code = UnicodeAttribute(null=True, attr_name="errorCode")
    download_count = NumberAttribute(null=True, attr_name="downloadCount")
    last_downloaded_at = UTCDateTimeAttribute(null=True, attr_name="lastDownloadedAt")
    # The clean-up: DynamoDB deletes the item some time after expiry; reads check expiresAt.
    ttl = TTLAttribute(null=True)
    # Compressed JSON: 250 passes of long names with modules stay far below the 400 KB item limit.
    passes = BinaryAttribute(attr_name="passes", null=True, legacy_encoding=False)


# msgspec is imported by the first call that writes or reads passes (submit, render): listing
# requests and downloading never do, and their cold start skips it.


@cache
def _passes_decoder() -> msgspec.json.Decoder[tuple[Pass, ...]]:
    import msgspec

    return msgspec.json.Decoder(tuple[Pass, ...])


def _passes_to_bytes(passes: tuple[Pass, ...]) -> bytes:
    import msgspec

    return zlib.compress(msgspec.json.encode(passes))


def _passes_from_bytes(data: bytes | None) -> tuple[Pass, ...]:
    return _passes_decoder().decode(zlib.decompress(data)) if data else ()


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
        error_code=item.error_code,
        download_count=int(item.download_count or 0),
        last_downloaded_at=item.last_downloaded_at,
    )


class RequestIdTaken(Exception):
    """The new request's id exists already (128 random bits: in practice never)."""


@cache
def _connection() -> Connection:
    """For transactions; configured as the models' own connections are (region, endpoint)."""
    return Connection()


_CONDITION_FAILED = "ConditionalCheckFailed"
# Another transaction on the same items at that moment (two submits of one person at once).
_CONFLICT = "TransactionConflict"
_THROTTLED = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})
_CONFLICT_ATTEMPTS = 3


def _cancellation_codes(error: TransactWriteError) -> list[str | None]:
    """Why each item of a cancelled transaction failed (None: it did not); anything else than
    a cancellation is re-raised as it is."""
    if error.cause_response_code != "TransactionCanceledException":
        raise error
    return [reason.code if reason is not None else None for reason in error.cancellation_reasons]


def _transact(write: Callable[[TransactWrite], None]) -> list[str | None]:
    """Run a transaction; [] when it committed, else the cancellation codes. A conflict with a
    concurrent transaction is retried, as DynamoDB advises; throttling is the portal being busy."""
    codes: list[str | None] = []
    for attempt in range(_CONFLICT_ATTEMPTS):
        try:
            with TransactWrite(connection=_connection()) as transaction:
                write(transaction)
        except TransactWriteError as error:
            codes = _cancellation_codes(error)
        else:
            return []
        if _THROTTLED.intersection(codes):
            raise ServiceBusy()
        if _CONFLICT not in codes:
            return codes
        time.sleep(0.02 * (attempt + 1))
    raise ServiceBusy()


def _item_of(request: PassRequest) -> RequestModel:
    return RequestModel(
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


def create_request(request: PassRequest, *, quota: SubmissionQuota | None = None) -> None:
    """Store a new request; an id that exists already is never overwritten (RequestIdTaken).

    With a quota, the request takes one of its owner's pending slots and counts for the day in
    the same transaction, or is not stored at all (TooManyPendingRequests, DailyLimitReached).
    Without one (tests planting old requests), it is stored outside any count.
    """
    item = _item_of(request)
    if quota is None:
        try:
            item.save(condition=RequestModel.request_id.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise RequestIdTaken(request.id) from error
            raise
        return
    sub = request.owner_sub
    take, room = quotas.take_pending(request.id, quota.max_pending)
    count, below = quotas.count_today(quota.max_per_day, quota.day_ends)

    def write(transaction: TransactWrite) -> None:
        # pynamodb sends puts before updates: the codes come back in this order.
        transaction.save(item, condition=RequestModel.request_id.does_not_exist())
        transaction.update(QuotaModel(pending_key(sub)), actions=take, condition=room)
        transaction.update(QuotaModel(day_key(sub, quota.day)), actions=count, condition=below)

    for repaired in (False, True):
        codes = _transact(write)
        if not codes:
            return
        taken, pending_full, day_full = (code == _CONDITION_FAILED for code in codes)
        if taken:
            raise RequestIdTaken(request.id)
        if day_full:
            retry = quota.seconds_until_next_day(request.created_at)
            raise DailyLimitReached(quota.max_per_day, retry_after=retry)
        if not pending_full:
            raise RuntimeError(f"Request transaction cancelled: {codes}")
        # A slot may still be held by a request that ended without freeing it (a render that
        # died on its last delivery, a request past its days): free those once and try again.
        if repaired or not free_finished(sub, now=request.created_at):
            break
    raise TooManyPendingRequests(quota.max_pending, retry_after=PENDING_RETRY_AFTER_SECONDS)


def free_finished(owner_sub: str, *, now: datetime) -> bool:
    """Free the slots of the owner's requests that are no longer waiting for render: ready,
    failed, deleted or expired. True when any was freed. Safe against every writer: an id is
    in the set only while its request exists (both are written in one transaction), and a
    request read as finished never waits again."""
    held = quotas.held(owner_sub)
    if not held:
        return False
    waiting = {
        item.request_id
        for item in RequestModel.batch_get(
            list(held), consistent_read=True, attributes_to_get=["requestId", "status", "expiresAt"]
        )
        if item.status in (RequestStatus.PENDING.value, RequestStatus.RENDERING.value)
        and item.expires_at > now
    }
    finished = held - waiting
    quotas.free(owner_sub, finished)
    return bool(finished)


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


def delete_requests(owner_sub: str, request_ids: Collection[str]) -> None:
    """Delete the owner's requests, and free the pending slots any of them still held.

    Freeing after the deletes leaks nothing: a render finishing one of them meanwhile either
    freed its slot already (removing an id twice changes nothing) or finds it deleted and
    frees nothing."""
    batch_delete(RequestModel, map(RequestModel, request_ids))
    quotas.free(owner_sub, request_ids)


def _transition(
    request_id: str,
    allowed_from: list[RequestStatus],
    *,
    free_slot_of: str | None = None,
    **changes: Any,
) -> bool:
    """Apply changes only when the request is in one of the allowed statuses.

    With `free_slot_of` (the owner), the request's pending slot is freed in the same
    transaction: the change happens once, so the slot is freed once."""
    actions = [getattr(RequestModel, name).set(value) for name, value in changes.items()]
    condition = RequestModel.request_id.exists() & RequestModel.status.is_in(
        *[s.value for s in allowed_from]
    )
    if free_slot_of is not None:

        def write(transaction: TransactWrite) -> None:
            transaction.update(RequestModel(request_id), actions=actions, condition=condition)
            transaction.update(
                QuotaModel(pending_key(free_slot_of)),
                actions=quotas.free_pending([request_id]),
                condition=quotas.holds(request_id),
            )

        codes = _transact(write)
        if not codes:
            return True
        if codes[0] == _CONDITION_FAILED:
            return False
        if codes[0] is not None:
            raise RuntimeError(f"Request transaction cancelled: {codes}")
        # The request holds no slot (stored outside any quota, or freed by a repair): change
        # it alone.
    try:
        RequestModel(request_id).update(actions=actions, condition=condition)
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


def mark_ready(
    request_id: str, *, owner_sub: str, ready_at: datetime, zip_size: int, passes: int
) -> bool:
    return _transition(
        request_id,
        [RequestStatus.RENDERING],
        free_slot_of=owner_sub,
        status=RequestStatus.READY.value,
        ready_at=ready_at,
        zip_size=zip_size,
        rendered_count=passes,
    )


def mark_failed(request_id: str, reason: str, *, code: str, owner_sub: str) -> bool:
    """Mark failed unless the request was already made ready (a late failure changes nothing).
    `reason` is for a person (English), `code` is stable, for the web app to translate."""
    return _transition(
        request_id,
        [RequestStatus.PENDING, RequestStatus.RENDERING],
        free_slot_of=owner_sub,
        status=RequestStatus.FAILED.value,
        error=reason,
        error_code=code,
    )


def record_download(request_id: str, *, at: datetime) -> None:
    """One more download link issued for the request (an atomic ADD: concurrent links count)."""
    RequestModel(request_id).update(
        actions=[RequestModel.download_count.add(1), RequestModel.last_downloaded_at.set(at)],
        condition=RequestModel.request_id.exists(),
    )
