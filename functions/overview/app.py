"""The monthly overview: EventBridge Scheduler (days 1 to 7 of the month; the run goes on from
the first working day) → one mail per contact person through Amazon SES (pasjes.logic.overview)."""

from __future__ import annotations

from pasjes import coldstart  # isort: skip (first: it pauses the collector for the imports below)

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes import tracing
from pasjes.logic.overview import FAILED_METRIC, SENT_METRIC, send_monthly_overview
from pasjes.settings import get_settings

logger = Logger()
metrics = Metrics()


class OverviewIncomplete(Exception):
    """Some mails did not go. Raised so that Lambda retries the (asynchronous) invocation:
    a normal return is a success, retried by nobody. The marks make the retry send only the
    mails still unsent."""


@logger.inject_lambda_context(clear_state=True)
@tracing.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    # Validated on the first call (not at import): a missing variable fails the run loudly.
    get_settings().require("mail_sender", "mail_configuration_set", "public_origin")
    run = send_monthly_overview(
        remaining_ms=context.get_remaining_time_in_millis,
        # `make overview` (infra/local/overview.py) sends now; the schedule's runs wait for the
        # month's first working day.
        any_day=event.get("anyDay") is True,
    )
    summary = {
        "sent": len(run.sent),
        "alreadySent": len(run.already_sent),
        "optedOut": len(run.opted_out),
        "nothingToSay": len(run.nothing_to_say),
        "failed": len(run.failed),
        "deferred": len(run.deferred),
        "notDue": int(run.not_due),
    }
    # Counts only: who got a mail is in SES's own records, not in our logs.
    logger.info("monthly overview", extra=summary)
    metrics.add_metric(name=SENT_METRIC, unit=MetricUnit.Count, value=len(run.sent))
    metrics.add_metric(name=FAILED_METRIC, unit=MetricUnit.Count, value=len(run.failed))
    if run.failed:
        raise OverviewIncomplete(f"{len(run.failed)} mail(s) not sent")
    return summary


coldstart.finished()
