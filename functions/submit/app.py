"""Submit: turn a selection of holders into a download request and queue it for rendering, and
preview what a selection would make."""

from __future__ import annotations

from pasjes import coldstart  # isort: skip (first: it pauses the collector for the imports below)

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes.api import api_entry, current_caller, make_resolver, reject_unknown_parameters, resolve
from pasjes.api_models.pass_requests import SubmittedRequest
from pasjes.api_models.selections import PreviewOut, PreviewRequestBody, SubmitRequestBody
from pasjes.logic.submit import preview, submit_idempotently

metrics = Metrics()
router = Router()


@router.post("/requests")
def post_request(
    body: Annotated[SubmitRequestBody, Body()],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=8,
            max_length=100,
            description="Optional; a retry with the same key (within 24 hours, by the same "
            "person, with the same body) answers the first request instead of making another.",
        ),
    ] = None,
) -> Response[SubmittedRequest]:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    submitted = submit_idempotently(
        owner_sub=caller.sub,
        body=body,
        key=idempotency_key,
        lambda_context=router.lambda_context,
    )
    metrics.add_metric(name="PassesRequested", unit=MetricUnit.Count, value=submitted.pass_count)
    return Response(
        status_code=HTTPStatus.ACCEPTED,
        content_type=content_types.APPLICATION_JSON,
        body=submitted,
    )


@router.post(
    "/requests/preview",
    summary="What POST /requests would make of this selection",
    description=(
        "Takes the body of POST /requests for up to a whole organisation (10,000 holders), "
        "checks it as POST /requests does, and creates nothing (no Idempotency-Key needed). "
        "More than 250 passes is no error here: `parts` cuts the selection into requests of at "
        "most 250 passes. Options that match nothing answer passCount 0, not 422. Each "
        "qualification code and expiry date of the chosen holders is listed with the passes it "
        "makes under the other option's choice, so a checkbox keeps its count when ticked."
    ),
)
def post_request_preview(body: Annotated[PreviewRequestBody, Body()]) -> PreviewOut:
    reject_unknown_parameters(router, ())
    return preview(owner_sub=current_caller(router).sub, body=body)


app = make_resolver(router)


@api_entry
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context, needs=("render_queue_url",))


coldstart.finished()
