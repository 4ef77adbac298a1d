"""Importer: a registry export dropped in the exports bucket (S3 event → SQS), checked, diffed
and loaded, with its report under reports/ in the same bucket."""

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
from pasjes.logic.exports import (
    OUTCOME_METRICS,
    TAKEN_METRIC,
    TAKEN_OUTCOMES,
    dropped_exports,
    import_dropped,
)
from pasjes.settings import get_settings

logger = Logger()
metrics = Metrics()
# Batches of one: a failed record (ImportBusy, a crash) is reported as such, not raised, so
# Lambda's answer stays the same whether one record of a batch failed or all of them.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@tracing.capture_method
def record_handler(record: SQSRecord) -> None:
    for dropped in dropped_exports(record.body):
        report = import_dropped(dropped)
        if report is None:
            continue
        metrics.add_metric(name=OUTCOME_METRICS[report.outcome], unit=MetricUnit.Count, value=1)
        if report.outcome in TAKEN_OUTCOMES:
            metrics.add_metric(name=TAKEN_METRIC, unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@tracing.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # Validated on the first call (not at import): a missing variable fails every batch loudly.
    get_settings().require("exports_bucket", "user_pool_id")
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )


coldstart.finished()
