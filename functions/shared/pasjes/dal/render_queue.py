"""The render queue: submit sends one message per request, render reads it back.

The message is one model for sender and receiver, so they cannot drift apart.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field

from pasjes.aws import sqs_client
from pasjes.domain import REQUEST_ID_PATTERN
from pasjes.settings import get_settings


class RenderMessage(BaseModel):
    """Which request to render: nothing else travels, the request holds its passes."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    request_id: str = Field(alias="requestId", pattern=REQUEST_ID_PATTERN)


class QueueUnreachable(Exception):
    """SQS did not take the message (after the SDK's retries)."""


def message(request_id: str) -> str:
    return RenderMessage(request_id=request_id).model_dump_json(by_alias=True)


def read(body: str) -> RenderMessage:
    """The message of an SQS record; raises pydantic's ValidationError for anything else."""
    return RenderMessage.model_validate_json(body)


def send(request_id: str) -> None:
    try:
        sqs_client().send_message(
            QueueUrl=get_settings().required("render_queue_url"),
            MessageBody=message(request_id),
        )
    except (BotoCoreError, ClientError) as error:
        raise QueueUnreachable(request_id) from error
