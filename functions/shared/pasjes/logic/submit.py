"""Submitting a request: check the selection, store the request, hand it to render."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from botocore.exceptions import BotoCoreError, ClientError

from pasjes.api_models import SubmitRequestBody, SubmittedRequest
from pasjes.aws import sqs_client
from pasjes.dal import contacts, holders, registrations, requests
from pasjes.errors import IdempotencyKeyReused, RenderQueueUnavailable, RequestInProgress
from pasjes.logic.requests import Clock, Selection, plan_request, render_message, utc_now
from pasjes.logic.search import choose_organisation
from pasjes.settings import get_settings

logger = Logger()
Sender = Callable[[str], None]
IDEMPOTENCY_SECONDS = 24 * 60 * 60


def send_to_render_queue(message: str) -> None:
    sqs_client().send_message(QueueUrl=get_settings().render_queue_url, MessageBody=message)


def submit(
    *,
    owner_sub: str,
    body: SubmitRequestBody,
    send: Sender = send_to_render_queue,
    now: Clock = utc_now,
) -> SubmittedRequest:
    organisation = choose_organisation(contacts.organisations_of(owner_sub), body.organisation)
    numbers = list(body.qualification_numbers)
    selection = Selection(
        organisation=organisation,
        qualification_numbers=numbers,
        qualification_codes=frozenset(body.qualification_codes),
        expiry_dates=frozenset(body.expiry_dates),
        reference=body.reference,
    )
    request = plan_request(
        selection,
        owner_sub=owner_sub,
        rows=registrations.get_rows(organisation.id, numbers),
        holders=holders.get_holders(numbers),
        now=now(),
    )
    requests.create_request(request)
    try:
        send(render_message(request.id))
    except (BotoCoreError, ClientError) as error:
        # A request nobody will render must not sit "pending" for 7 days.
        logger.exception("Could not queue request for rendering", request_id=request.id)
        requests.mark_failed(request.id, "The request could not be queued for rendering.")
        raise RenderQueueUnavailable() from error
    return SubmittedRequest.of(request)


# The handler registers its Lambda context here, so a crashed attempt does not block the key.
idempotency_config = IdempotencyConfig(
    # The caller is part of the key: one person's key never replays another's request.
    event_key_jmespath="[sub, key]",
    payload_validation_jmespath="body",
    expires_after_seconds=IDEMPOTENCY_SECONDS,
)


@cache
def _idempotent_submit() -> Callable[..., dict[str, Any]]:
    """Built on first use so that importing this module reads no settings."""
    persistence = DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table)

    @idempotent_function(
        data_keyword_argument="command", persistence_store=persistence, config=idempotency_config
    )
    def submit_once(*, command: dict[str, Any], send: Sender, now: Clock) -> dict[str, Any]:
        body = SubmitRequestBody.model_validate(command["body"])
        result = submit(owner_sub=command["sub"], body=body, send=send, now=now)
        return result.model_dump(mode="json", by_alias=True)

    return cast(Callable[..., dict[str, Any]], submit_once)


def submit_idempotently(
    *,
    owner_sub: str,
    body: SubmitRequestBody,
    key: str | None,
    send: Sender = send_to_render_queue,
    now: Clock = utc_now,
) -> SubmittedRequest:
    """With an Idempotency-Key, a retried POST answers the first request instead of a second."""
    if not key:
        return submit(owner_sub=owner_sub, body=body, send=send, now=now)
    command = {"sub": owner_sub, "key": key, "body": body.model_dump(mode="json", by_alias=True)}
    try:
        stored = _idempotent_submit()(command=command, send=send, now=now)
    except IdempotencyValidationError as error:
        raise IdempotencyKeyReused() from error
    except IdempotencyAlreadyInProgressError as error:
        raise RequestInProgress() from error
    return SubmittedRequest.model_validate(stored)
