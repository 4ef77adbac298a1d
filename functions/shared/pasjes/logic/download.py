"""Submitted requests as their owner sees them, and the short-lived link to a request's ZIP.

The clock and the presigner are parameters, so tests move past the 7 days without patching.
Every call reads the caller's memberships afresh: a contact person removed from an
organisation no longer sees its requests, not even their own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from pasjes import audit
from pasjes.api_models.pass_requests import Download, RequestList, RequestOut
from pasjes.clock import Clock, utc_now
from pasjes.dal import contacts, pass_requests, passes_bucket
from pasjes.domain import PassRequest
from pasjes.errors import RequestExpired
from pasjes.filenames import zip_file_name
from pasjes.logic.access import visible_request, visible_requests
from pasjes.logic.pass_requests import downloadable
from pasjes.rules import DOWNLOAD_URL_SECONDS, listed_since

Presigner = Callable[[str, str, int], str]


def _member_of(caller_sub: str) -> set[str]:
    return {o.id for o in contacts.organisations_of(caller_sub)}


def _mine(request_id: str, caller_sub: str, now: Clock) -> PassRequest:
    try:
        return visible_request(
            pass_requests.get_request(request_id),
            caller_sub=caller_sub,
            member_of=_member_of(caller_sub),
            now=now(),
        )
    except RequestExpired:
        # Only the owner, still a member, gets this far: a 410 on their own request.
        audit.request_expired(request_id=request_id, sub=caller_sub, seen_by="read")
        raise


def my_requests(caller_sub: str, *, now: Clock = utc_now) -> RequestList:
    mine = visible_requests(
        pass_requests.requests_of(caller_sub, created_after=listed_since(now())),
        caller_sub=caller_sub,
        member_of=_member_of(caller_sub),
    )
    return RequestList(items=[RequestOut.model_validate(r) for r in mine])


def my_request(request_id: str, caller_sub: str, *, now: Clock = utc_now) -> RequestOut:
    return RequestOut.model_validate(_mine(request_id, caller_sub, now))


def download_link(
    request_id: str,
    caller_sub: str,
    *,
    now: Clock = utc_now,
    presign: Presigner = passes_bucket.presign_zip,
) -> Download:
    moment = now()
    request = downloadable(_mine(request_id, caller_sub, lambda: moment))
    # A link never outlives the request it belongs to.
    left = int((request.expires_at - moment).total_seconds())
    seconds = max(1, min(DOWNLOAD_URL_SECONDS, left))
    file_name = zip_file_name(request.reference, request.created_at)
    url = presign(request.id, file_name, seconds)
    pass_requests.record_download(request.id, at=moment)
    audit.download_issued(request_id=request.id, sub=caller_sub)
    return Download(
        url=url,
        expires_at=moment + timedelta(seconds=seconds),
        file_name=file_name,
    )
