"""The local event source mapping: long-polls the render queue and invokes render as Lambda does.

Lambda's SQS poller deletes the messages a batch handled and leaves the ones reported in
`batchItemFailures` on the queue; they come back after the visibility timeout and move to the
dead-letter queue after the redrive policy's receive count. This worker does the same, so a
partial failure behaves locally as it will in AWS.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from infra.local.gateway.lambda_runtime import LocalFunction
from infra.local.gateway.template import SqsEvent
from infra.local.output import Log

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.type_defs import MessageAttributeValueOutputTypeDef, MessageTypeDef

# SQS hands out at most ten messages per receive, whatever the mapping's batch size.
MAX_RECEIVE = 10


def _lambda_message_attribute(value: MessageAttributeValueOutputTypeDef) -> dict[str, Any]:
    # Lambda spells SQS's message attributes in lower camel case, binary values in base64.
    attribute: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    return attribute


def sqs_event(messages: Sequence[MessageTypeDef], *, queue_arn: str, region: str) -> dict[str, Any]:
    """The batch event Lambda builds from received messages."""
    records = []
    for message in messages:
        record: dict[str, Any] = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes", {})),
            "messageAttributes": {
                name: _lambda_message_attribute(value)
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        records.append(record)
    return {"Records": records}


def failed_message_ids(
    result: Any, message_ids: Sequence[str], *, reports_item_failures: bool
) -> set[str]:
    """The messages that stay on the queue after the handler answered `result`.

    Without `ReportBatchItemFailures` on the event source, Lambda ignores the answer and deletes
    the whole batch; with it, an answer naming an unknown or empty id fails the whole batch.
    """
    if not reports_item_failures or result is None:
        return set()
    if not isinstance(result, Mapping):
        return set(message_ids)
    failures = result.get("batchItemFailures") or []
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not identifier or identifier not in message_ids:
            return set(message_ids)
        failed.add(str(identifier))
    return failed


class QueueWorker:
    """Polls one queue on a thread of its own until stopped."""

    def __init__(
        self,
        *,
        function: LocalFunction,
        event_source: SqsEvent,
        queue_url: str,
        queue_arn: str,
        sqs: SQSClient,
        region: str,
        log: Log,
        wait_seconds: int = 1,
    ) -> None:
        self.function = function
        self.event_source = event_source
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.sqs = sqs
        self.region = region
        self.log = log
        self.wait_seconds = wait_seconds
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="render-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception as error:  # the poller outlives one bad poll, as Lambda's does
                self.log(f"error: polling {self.queue_url} failed: {error!r}")
                self.stopping.wait(1)

    def poll_once(self) -> int:
        """Receive one batch and hand it to the function; the number of messages received."""
        received = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(self.event_source.batch_size, MAX_RECEIVE),
            WaitTimeSeconds=self.wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = received.get("Messages", [])
        if not messages:
            return 0
        started = time.monotonic()
        event = sqs_event(messages, queue_arn=self.queue_arn, region=self.region)
        message_ids = [m["MessageId"] for m in messages]
        try:
            result = self.function.invoke(event)
        except Exception as error:  # a crash fails the whole batch, as in Lambda
            self.log(f"error: {self.function.spec.name} failed on a batch: {error!r}")
            failed = set(message_ids)
        else:
            failed = failed_message_ids(
                result, message_ids, reports_item_failures=self.event_source.reports_item_failures
            )
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": m["ReceiptHandle"]}
                    for index, m in enumerate(done)
                ],
            )
        elapsed_ms = (time.monotonic() - started) * 1000
        self.log(
            f"SQS {self.function.spec.name} {len(messages)} record(s), "
            f"{len(failed)} failed {elapsed_ms:.0f} ms"
        )
        return len(messages)
