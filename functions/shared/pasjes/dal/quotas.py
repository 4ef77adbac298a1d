"""A contact person's submission counters, as items of the requests table.

They live beside the requests so that a request and its counters change in one DynamoDB
transaction (see `pasjes.dal.pass_requests`), which is what makes the limits hold under concurrent
submits: there is no read-then-write anywhere. Their keys cannot be request ids (those never
hold '#'), and they carry no `ownerSub` or `createdAt`, so the `byOwner` index never sees them.

- `quota#{sub}#pending`: the set of the person's requests that are pending or rendering. A set
  rather than a number: adding or removing an id twice changes nothing, so a slot is taken and
  freed exactly once whichever of render, submit or an import gets there first.
- `quota#{sub}#day#{yyyy-mm-dd}`: how many requests the person submitted that (UTC) day, with a
  TTL of a day after it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition, size
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from pasjes.dal import TableName


class QuotaModel(Model):
    """Never a table of its own: the requests table, read through another model."""

    class Meta:
        table_name = TableName("requests_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    key = UnicodeAttribute(hash_key=True, attr_name="requestId")
    holding = UnicodeSetAttribute(null=True)
    # Not `count`: that name is Model.count, a query.
    submitted = NumberAttribute(null=True, attr_name="count")
    ttl = TTLAttribute(null=True)


def pending_key(sub: str) -> str:
    return f"quota#{sub}#pending"


def day_key(sub: str, day: str) -> str:
    return f"quota#{sub}#day#{day}"


def take_pending(request_id: str, limit: int) -> tuple[list[Action], Condition]:
    """Hold a slot for the request, if fewer than `limit` are held."""
    holding = QuotaModel.holding
    return [holding.add({request_id})], holding.does_not_exist() | (size(holding) < limit)


def free_pending(request_ids: Collection[str]) -> list[Action]:
    return [QuotaModel.holding.delete(set(request_ids))]


def holds(request_id: str) -> Condition:
    return QuotaModel.holding.contains(request_id)


def count_today(limit: int, day_ends: datetime) -> tuple[list[Action], Condition]:
    """One more submission today, if fewer than `limit` were made; gone a day after the day."""
    submitted = QuotaModel.submitted
    return (
        [submitted.add(1), QuotaModel.ttl.set(day_ends + timedelta(days=1))],
        submitted.does_not_exist() | (submitted < limit),
    )


def held(sub: str) -> set[str]:
    """The ids holding a pending slot of this person (a consistent read)."""
    try:
        item = QuotaModel.get(pending_key(sub), consistent_read=True)
    except QuotaModel.DoesNotExist:
        return set()
    return set(item.holding or ())


def free(sub: str, request_ids: Collection[str]) -> None:
    """Free these requests' slots; an id that holds none is no error."""
    if not request_ids:
        return
    try:
        # Only where slots are held: an update of a missing item would create an empty one.
        QuotaModel(pending_key(sub)).update(
            actions=free_pending(request_ids), condition=QuotaModel.holding.exists()
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
