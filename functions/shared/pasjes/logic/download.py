"""Submitted requests as their owner sees them, and the short-lived link to a request's ZIP.

The clock and the presigner are parameters, so tests move past the 7 days without patching.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote

from pasjes.api_models import Download, RequestList, RequestOut
from pasjes.aws import s3_client
from pasjes.dal import requests
from pasjes.filenames import zip_file_name
from pasjes.logic.requests import Clock, downloadable, listed_since, owned_request, utc_now, zip_key
from pasjes.settings import DOWNLOAD_URL_SECONDS, get_settings

Presigner = Callable[[str, str, int], str]


def presign_zip(key: str, file_name: str, seconds: int) -> str:
    """A SigV4 GET URL that makes the browser save the ZIP under `file_name`."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_")
    return s3_client().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().passes_bucket,
            "Key": key,
            "ResponseContentDisposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"
            ),
            "ResponseContentType": "application/zip",
        },
        ExpiresIn=seconds,
    )


def my_requests(caller_sub: str, *, now: Clock = utc_now) -> RequestList:
    mine = requests.requests_of(caller_sub, created_after=listed_since(now()))
    return RequestList(items=[RequestOut.of(r) for r in mine])


def my_request(request_id: str, caller_sub: str, *, now: Clock = utc_now) -> RequestOut:
    request = owned_request(requests.get_request(request_id), caller_sub=caller_sub, now=now())
    return RequestOut.of(request)


def download_link(
    request_id: str, caller_sub: str, *, now: Clock = utc_now, presign: Presigner = presign_zip
) -> Download:
    moment = now()
    request = downloadable(
        owned_request(requests.get_request(request_id), caller_sub=caller_sub, now=moment)
    )
    # A link never outlives the request it belongs to.
    left = int((request.expires_at - moment).total_seconds())
    seconds = max(1, min(DOWNLOAD_URL_SECONDS, left))
    file_name = zip_file_name(request.reference, request.created_at)
    return Download(
        url=presign(zip_key(request.id), file_name, seconds),
        expires_at=moment + timedelta(seconds=seconds),
        file_name=file_name,
    )
