"""The audit forwarder: copies the portal's audit lines into the audit log group.

pasjes.audit writes one JSON line per event (service `pasjesportaal-audit`) to the log group of
the function that saw it, kept there only as long as operational logs. CloudWatch Logs cannot
copy lines from one log group to another; a subscription filter can only hand them to a
function. So each function's log group has a filter that picks exactly the audit lines and
invokes this one, which writes them unchanged (message and timestamp) to AUDIT_LOG_GROUP, kept
for a year. Each source log stream (one function's container) gets a stream of its own there,
so every line still says where it came from.

A failed write raises: Lambda retries the delivery and, after its retries, puts the event on
the function's dead-letter queue, which alarms. A retried delivery may write a line twice; the
trail may repeat a line but must not lose one.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, Protocol, TypedDict, cast

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

logger = Logger()

# PutLogEvents' limits: events and bytes per call (each event counts its UTF-8 message plus 26
# bytes), and the time one call may span.
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000
# A log stream's name: at most 512 characters, no ':' and no '*'.
MAX_STREAM_NAME = 512
_NOT_IN_STREAM_NAMES = re.compile(r"[:*]")


class SourceEvent(TypedDict):
    id: str
    timestamp: int
    message: str


class Delivery(TypedDict):
    """What a subscription filter sends, once base64-decoded and gunzipped."""

    messageType: str
    owner: str
    logGroup: str
    logStream: str
    subscriptionFilters: list[str]
    logEvents: list[SourceEvent]


class InputLogEvent(TypedDict):
    timestamp: int
    message: str


class LogsClient(Protocol):
    """The two calls of the CloudWatch Logs client this function makes (boto3's names)."""

    def put_log_events(
        self,
        *,
        logGroupName: str,  # noqa: N803
        logStreamName: str,  # noqa: N803
        logEvents: Sequence[InputLogEvent],  # noqa: N803
    ) -> dict[str, Any]: ...

    def create_log_stream(
        self,
        *,
        logGroupName: str,  # noqa: N803
        logStreamName: str,  # noqa: N803
    ) -> dict[str, Any]: ...


class AuditLogGroupMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "The function's environment is incomplete (AUDIT_LOG_GROUP: missing). Set it in "
            "its configuration (template.yaml); audit lines are never dropped for want of it."
        )


@cache
def audit_log_group() -> str:
    name = os.environ.get("AUDIT_LOG_GROUP", "").strip()
    if not name:
        raise AuditLogGroupMissing()
    return name


@cache
def logs_client() -> LogsClient:
    return cast(LogsClient, boto3.client("logs"))


def decode(event: dict[str, Any]) -> Delivery:
    """The delivery in a subscription filter's event: base64 of gzip of JSON."""
    compressed = base64.b64decode(event["awslogs"]["data"], validate=True)
    return cast(Delivery, json.loads(gzip.decompress(compressed)))


def stream_name(log_group: str, log_stream: str) -> str:
    """The audit stream of one source stream: its group and stream, as a valid stream name.

    A name too long is cut and given a digest of the whole, so two sources never share one.
    """
    name = _NOT_IN_STREAM_NAMES.sub("_", f"{log_group.strip('/')}/{log_stream}")
    if len(name) <= MAX_STREAM_NAME:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return f"{name[: MAX_STREAM_NAME - len(digest) - 1]}~{digest}"


def batches(events: Sequence[SourceEvent]) -> Iterator[list[InputLogEvent]]:
    """The events in time order, in as few PutLogEvents calls as its limits allow."""
    batch: list[InputLogEvent] = []
    size = 0
    for event in sorted(events, key=lambda e: e["timestamp"]):
        event_size = len(event["message"].encode("utf-8")) + EVENT_OVERHEAD_BYTES
        if batch and (
            len(batch) == MAX_BATCH_EVENTS
            or size + event_size > MAX_BATCH_BYTES
            or event["timestamp"] - batch[0]["timestamp"] > MAX_BATCH_SPAN_MS
        ):
            yield batch
            batch, size = [], 0
        batch.append({"timestamp": event["timestamp"], "message": event["message"]})
        size += event_size
    if batch:
        yield batch


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _put(client: LogsClient, group: str, stream: str, events: list[InputLogEvent]) -> None:
    try:
        response = client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
    except ClientError as error:
        # The first lines of a source stream: its audit stream does not exist yet.
        if _error_code(error) != "ResourceNotFoundException":
            raise
        try:
            client.create_log_stream(logGroupName=group, logStreamName=stream)
        except ClientError as create_error:
            # Another invocation for the same source made it first.
            if _error_code(create_error) != "ResourceAlreadyExistsException":
                raise
        response = client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
    rejected = response.get("rejectedLogEventsInfo")
    if rejected:
        # Too old or too new for CloudWatch Logs (a delivery retried for days): retrying cannot
        # help, so it is said loudly, with where the lines still are.
        logger.error("Audit lines refused by CloudWatch Logs", stream=stream, rejected=rejected)


def forward(delivery: Delivery) -> int:
    """Write the delivery's lines to the audit log group; the number of lines written."""
    if delivery["messageType"] != "DATA_MESSAGE":
        # CONTROL_MESSAGE: CloudWatch Logs checking that it can reach this function.
        return 0
    group = audit_log_group()
    stream = stream_name(delivery["logGroup"], delivery["logStream"])
    client = logs_client()
    for batch in batches(delivery["logEvents"]):
        _put(client, group, stream, batch)
    return len(delivery["logEvents"])


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    audit_log_group()  # fails closed before anything is read
    delivery = decode(event)
    forwarded = forward(delivery)
    # Counts and origins only: the lines themselves are in the audit log group.
    logger.info("Audit lines forwarded", source=delivery["logGroup"], forwarded=forwarded)
    return {"forwarded": forwarded}
