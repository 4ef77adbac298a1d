"""Submitted requests: list one's own, look one up, and download its ZIP via a presigned URL."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes.api import current_caller, make_resolver, reject_unknown_parameters, resolve
from pasjes.api_models import Download, RequestId, RequestList, RequestOut
from pasjes.aws import s3_client
from pasjes.dal import requests
from pasjes.filenames import zip_file_name
from pasjes.logic.requests import downloadable, listed_since, owned_request, utc_now, zip_key
from pasjes.settings import DOWNLOAD_URL_SECONDS, get_settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
router = Router()

RequestIdParam = Annotated[RequestId, Path(alias="id")]


@router.get("/requests")
def get_requests() -> RequestList:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    mine = requests.requests_of(caller.sub, created_after=listed_since(utc_now()))
    return RequestList(items=[RequestOut.of(r) for r in mine])


@router.get("/requests/<id>")
def get_request(request_id: RequestIdParam) -> RequestOut:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    request = owned_request(requests.get_request(request_id), caller_sub=caller.sub, now=utc_now())
    return RequestOut.of(request)


@router.get("/requests/<id>/download")
def get_download(request_id: RequestIdParam) -> Download:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    now = utc_now()
    request = downloadable(
        owned_request(requests.get_request(request_id), caller_sub=caller.sub, now=now)
    )
    # A link never outlives the request it belongs to.
    seconds = min(DOWNLOAD_URL_SECONDS, int((request.expires_at - now).total_seconds()))
    file_name = zip_file_name(request.reference, request.created_at)
    url = s3_client().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().passes_bucket,
            "Key": zip_key(request.id),
            "ResponseContentDisposition": (
                f'attachment; filename="{file_name.encode("ascii", "replace").decode()}"; '
                f"filename*=UTF-8''{quote(file_name)}"
            ),
            "ResponseContentType": "application/zip",
        },
        ExpiresIn=seconds,
    )
    return Download(url=url, expires_at=now + timedelta(seconds=seconds), file_name=file_name)


app = make_resolver()
app.include_router(router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
