"""Submitted requests: list one's own, look one up, and download its ZIP via a presigned URL."""

from __future__ import annotations

from pasjes import coldstart  # isort: skip (first: it pauses the collector for the imports below)

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes.api import api_entry, current_caller, make_resolver, reject_unknown_parameters, resolve
from pasjes.api_models.common import RequestId
from pasjes.api_models.pass_requests import Download, RequestList, RequestOut
from pasjes.logic.download import download_link, my_request, my_requests

router = Router()

RequestIdParam = Annotated[RequestId, Path(alias="id")]


@router.get("/requests")
def get_requests() -> RequestList:
    reject_unknown_parameters(router, ())
    return my_requests(current_caller(router).sub)


@router.get("/requests/<id>")
def get_request(request_id: RequestIdParam) -> RequestOut:
    reject_unknown_parameters(router, ())
    return my_request(request_id, current_caller(router).sub)


@router.get("/requests/<id>/download")
def get_download(request_id: RequestIdParam) -> Download:
    reject_unknown_parameters(router, ())
    return download_link(request_id, current_caller(router).sub)


app = make_resolver(router)


@api_entry
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)


coldstart.finished()
