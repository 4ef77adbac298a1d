"""Submit: turn a selection of holders into a download request and queue it for rendering."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes.api import current_caller, make_resolver, reject_unknown_parameters, resolve
from pasjes.api_models import SubmitRequestBody, SubmittedRequest
from pasjes.logic.submit import idempotency_config, submit_idempotently

logger = Logger()
tracer = Tracer()
metrics = Metrics()
router = Router()


@router.post("/requests")
def post_request(
    body: Annotated[SubmitRequestBody, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=8, max_length=100)
    ] = None,
) -> Response[SubmittedRequest]:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    submitted = submit_idempotently(owner_sub=caller.sub, body=body, key=idempotency_key)
    metrics.add_metric(name="PassesRequested", unit=MetricUnit.Count, value=submitted.pass_count)
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        body=submitted,
    )


app = make_resolver()
app.include_router(router)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return resolve(app, event, context)
