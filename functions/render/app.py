"""Render: SQS batches of requests → one ZIP of PDF passes per request in S3."""

from __future__ import annotations

from pasjes import coldstart  # isort: skip (first: it pauses the collector for the imports below)

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes import tracing
from pasjes.logic.render import render_message
from pasjes.settings import get_settings

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


@tracing.capture_method
def record_handler(record: SQSRecord) -> None:
    status = render_message(
        record.body, receive_count=int(record.attributes.approximate_receive_count)
    )
    metrics.add_metric(name=f"Requests{status.value.title()}", unit=MetricUnit.Count, value=1)


# clear_state: a request id appended for one record must not tag the next invocation's logs.
@logger.inject_lambda_context(clear_state=True)
@tracing.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # Validated on the first call (not at import): a missing variable fails every batch loudly.
    get_settings().require("max_receives")
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )


coldstart.finished()
