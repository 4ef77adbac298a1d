"""Rendering a request: its passes into one ZIP in S3, and its status from pending to ready.

Every step is safe to repeat: SQS may deliver a message twice, and a redelivery must neither
make a second ZIP (the key is fixed per request) nor move a ready request back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from pasjes import audit
from pasjes.clock import Clock, utc_now
from pasjes.dal import pass_requests, passes_bucket, render_queue
from pasjes.domain import Organisation, Pass, RequestStatus
from pasjes.render.archive import build_zip
from pasjes.rules import expired
from pasjes.settings import get_settings

logger = Logger()


class ZipBuilder(Protocol):
    def __call__(
        self,
        passes: Sequence[Pass],
        modified_at: datetime | None = None,
        on_progress: Callable[[int], object] | None = None,
        *,
        issuer: str | None = None,
    ) -> bytes: ...


# Stores a request's ZIP: (request id, bytes).
ZipStore = Callable[[str, bytes], None]
FAILED_REASON = (
    "The passes could not be made. Submit the request again; if it fails again, contact us."
)
EXPIRED_REASON = "The request expired before its passes were made."
# Stable codes of the failures, stored with them (the web app translates by code).
FAILED_CODE = "render_failed"
EXPIRED_CODE = "expired_before_rendered"


class UnknownRequestError(Exception):
    """A message for a request that does not exist: a poison message, left to the DLQ."""


def issuer_of(organisation: Organisation) -> str | None:
    """Who the passes say issued them: the registry (ISSUER_NAME), or, where the registry wants
    that (ISSUED_BY=organisation), the organisation of the request. None: no such line."""
    settings = get_settings()
    if settings.issued_by == "organisation":
        return organisation.name
    return settings.issuer_name


def render_message(body: str, *, receive_count: int) -> RequestStatus:
    """The request a render queue message names, rendered (see render_request); the logs of the
    rest of this record carry its id."""
    request_id = render_queue.read(body).request_id
    logger.append_keys(request_id=request_id)
    return render_request(request_id, receive_count=receive_count)


def render_request(
    request_id: str,
    *,
    receive_count: int,
    build: ZipBuilder = build_zip,
    store: ZipStore = passes_bucket.store_zip,
    now: Clock = utc_now,
) -> RequestStatus:
    """Render once; returns the status the request is left in."""
    request = pass_requests.get_request(request_id, with_passes=True)
    if request is None:
        raise UnknownRequestError(request_id)
    if request.status in (RequestStatus.READY, RequestStatus.FAILED):
        return request.status
    if expired(request.expires_at, now=now()):
        if pass_requests.mark_failed(
            request_id, EXPIRED_REASON, code=EXPIRED_CODE, owner_sub=request.owner_sub
        ):
            audit.request_expired(request_id=request_id, sub=request.owner_sub, seen_by="render")
        return RequestStatus.FAILED
    pass_requests.mark_rendering(request_id)
    try:
        data = build(
            request.passes,
            modified_at=request.created_at,
            on_progress=lambda done: pass_requests.mark_progress(request_id, done),
            issuer=issuer_of(request.organisation),
        )
        store(request_id, data)
    except Exception:
        if receive_count >= get_settings().required("max_receives"):
            logger.exception("Giving up on request", request_id=request_id)
            pass_requests.mark_failed(
                request_id, FAILED_REASON, code=FAILED_CODE, owner_sub=request.owner_sub
            )
        raise
    if pass_requests.mark_ready(
        request_id,
        owner_sub=request.owner_sub,
        ready_at=now(),
        zip_size=len(data),
        passes=len(request.passes),
    ):
        return RequestStatus.READY
    # Another delivery finished (or failed) it meanwhile: report what it is now.
    current = pass_requests.get_request(request_id)
    return current.status if current else RequestStatus.FAILED
