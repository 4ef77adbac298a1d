"""Submitting a request: check the selection, store the request, hand it to render; and
previewing what a selection would make, before submitting it."""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools import Logger
from botocore.config import Config

from pasjes import audit
from pasjes.api_models.pass_requests import SubmittedRequest
from pasjes.api_models.selections import PreviewOut, PreviewRequestBody, SubmitRequestBody
from pasjes.clock import Clock, utc_now
from pasjes.dal import contacts, holders, pass_requests, registrations, render_queue
from pasjes.domain import Holder, HolderRow
from pasjes.errors import (
    IdempotencyKeyReused,
    RenderQueueUnavailable,
    RequestInProgress,
)
from pasjes.logic.access import organisation_of, require_registered
from pasjes.logic.pass_requests import Selection, new_request_id, plan_request
from pasjes.logic.preview import preview_selection, skip_reason
from pasjes.rules import submission_quota
from pasjes.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger()
QUEUE_FAILED_REASON = "The request could not be queued for rendering."
# A taken id is a 1 in 2^128 event; drawing again beats failing the person's submit.
_ID_ATTEMPTS = 3
Sender = Callable[[str], None]
IDEMPOTENCY_SECONDS = 24 * 60 * 60
# A preview is asked again at every change of the options, for the same holders: a warm container
# keeps them this long, so only the first preview of a selection reads them (submit always reads
# afresh). An import within that time shows in the preview a minute late, never in a request.
PREVIEW_HOLDERS_SECONDS = 60.0
_PREVIEW_HOLDERS_KEPT = 20_000
_preview_holders: OrderedDict[str, tuple[float, Holder]] = OrderedDict()
# One BatchGet reads 100 keys: beyond that, the organisation's packed list (about ten items for
# 10,000 holders, and cached by a warm container) is cheaper than a row item per holder.
_ROWS_BY_KEY = 100


def _selection(owner_sub: str, body: SubmitRequestBody) -> Selection:
    organisation = organisation_of(contacts.organisations_of(owner_sub), body.organisation)
    return Selection(
        organisation=organisation,
        qualification_numbers=list(body.qualification_numbers),
        qualification_codes=frozenset(body.qualification_codes),
        expiry_dates=frozenset(body.expiry_dates),
        reference=body.reference,
    )


def _registered_rows(organisation_id: str, numbers: list[str]) -> dict[str, HolderRow]:
    """The rows of those of `numbers` that are registered at the organisation."""
    if len(numbers) <= _ROWS_BY_KEY:
        return registrations.get_rows(organisation_id, numbers)
    wanted = set(numbers)
    return {
        row.qualification_number: row
        for row in registrations.rows_of_organisation(organisation_id)
        if row.qualification_number in wanted
    }


def preview(*, owner_sub: str, body: PreviewRequestBody) -> PreviewOut:
    """What submitting this selection would make; nothing is stored or sent."""
    selection = _selection(owner_sub, body)
    numbers = list(selection.qualification_numbers)
    rows = _registered_rows(selection.organisation.id, numbers)
    # Refused before reading any holder: a number not registered here tells nothing more.
    require_registered(numbers, rows)
    return PreviewOut.model_validate(
        preview_selection(selection, rows=rows, holders=_recent_holders(numbers))
    )


def _recent_holders(
    numbers: list[str], *, now: Callable[[], float] = time.monotonic
) -> dict[str, Holder]:
    """The holders, from this container's recent reads where those are fresh enough."""
    since = now() - PREVIEW_HOLDERS_SECONDS
    found: dict[str, Holder] = {}
    for number in numbers:
        kept = _preview_holders.get(number)
        if kept is not None and kept[0] >= since:
            found[number] = kept[1]
    missing = [n for n in numbers if n not in found]
    read = holders.get_holders(missing) if missing else {}
    read_at = now()
    for number, holder in read.items():
        _preview_holders[number] = (read_at, holder)
        _preview_holders.move_to_end(number)
    while len(_preview_holders) > _PREVIEW_HOLDERS_KEPT:
        _preview_holders.popitem(last=False)
    return found | read


def forget_preview_holders() -> None:
    """Drop the holders kept for previews (tests, and a container that must read afresh)."""
    _preview_holders.clear()


def submit(
    *,
    owner_sub: str,
    body: SubmitRequestBody,
    send: Sender = render_queue.send,
    now: Clock = utc_now,
) -> SubmittedRequest:
    selection = _selection(owner_sub, body)
    numbers = list(selection.qualification_numbers)
    moment = now()
    rows = registrations.get_rows(selection.organisation.id, numbers)
    # Refused before reading any holder, as preview does: the registry is read only for holders
    # registered here, so another organisation's numbers take no longer to refuse than unknown
    # ones (no timing tells them apart).
    require_registered(numbers, rows)
    chosen = holders.get_holders(numbers)
    request = plan_request(selection, owner_sub=owner_sub, rows=rows, holders=chosen, now=moment)
    quota = submission_quota(moment)
    for _ in range(_ID_ATTEMPTS):
        try:
            pass_requests.create_request(request, quota=quota)
            break
        except pass_requests.RequestIdTaken:
            request = dataclasses.replace(request, id=new_request_id())
    else:
        raise RuntimeError("No free request id after several random draws")
    try:
        send(request.id)
    except render_queue.QueueUnreachable as error:
        # A request nobody will render must not sit "pending" for 7 days.
        logger.exception("Could not queue request for rendering", request_id=request.id)
        pass_requests.mark_failed(
            request.id, QUEUE_FAILED_REASON, code=RenderQueueUnavailable.code, owner_sub=owner_sub
        )
        raise RenderQueueUnavailable() from error
    audit.request_submitted(
        request_id=request.id,
        organisation=request.organisation.id,
        sub=owner_sub,
        passes=request.pass_count,
    )
    holders_read = {n: h for n, h in chosen.items() if n in request.skipped}
    reasons = {n: skip_reason(holders_read[n], selection) for n in request.skipped}
    return SubmittedRequest.of(request, reasons)


# As pynamodb retries a throttled table (its default): three quick retries, about 0.35 s in all.
# boto3's own default for DynamoDB is ten, about 25 s of waiting, longer than the function's
# timeout: a throttled idempotency table would end in a timeout instead of a 503.
_THROTTLE_RETRIES = Config(retries={"mode": "legacy", "total_max_attempts": 4})


@cache
def _idempotent_submit() -> tuple[Callable[..., dict[str, Any]], IdempotencyConfig]:
    """Built on first use, so that importing this module reads no settings, and a container
    that only previews never imports the idempotency utility (nor the boto3 it brings)."""
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    config = IdempotencyConfig(
        # The caller is part of the key: one person's key never replays another's request.
        event_key_jmespath="[sub, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=IDEMPOTENCY_SECONDS,
    )
    persistence = DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table, boto_config=_THROTTLE_RETRIES
    )

    @idempotent_function(
        data_keyword_argument="command", persistence_store=persistence, config=config
    )
    def submit_once(*, command: dict[str, Any], send: Sender, now: Clock) -> dict[str, Any]:
        body = SubmitRequestBody.model_validate(command["body"])
        result = submit(owner_sub=command["sub"], body=body, send=send, now=now)
        return result.model_dump(mode="json", by_alias=True)

    return cast(Callable[..., dict[str, Any]], submit_once), config


def submit_idempotently(
    *,
    owner_sub: str,
    body: SubmitRequestBody,
    key: str | None,
    send: Sender = render_queue.send,
    now: Clock = utc_now,
    lambda_context: LambdaContext | None = None,
) -> SubmittedRequest:
    """With an Idempotency-Key, a retried POST answers the first request instead of a second.
    The Lambda context, when there is one, bounds how long a crashed attempt blocks the key."""
    if not key:
        return submit(owner_sub=owner_sub, body=body, send=send, now=now)
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    submit_once, config = _idempotent_submit()
    if lambda_context is not None:
        config.register_lambda_context(lambda_context)
    command = {"sub": owner_sub, "key": key, "body": body.model_dump(mode="json", by_alias=True)}
    try:
        stored = submit_once(command=command, send=send, now=now)
    except IdempotencyValidationError as error:
        raise IdempotencyKeyReused() from error
    except IdempotencyAlreadyInProgressError as error:
        raise RequestInProgress() from error
    return SubmittedRequest.model_validate(stored)
