"""The answers about requests: one request, the list, a submitted one, and a download link."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import Field

from pasjes.api_models.common import SKIPPED, SKIPPED_REASONS, ApiModel, OrganisationOut
from pasjes.domain import PassRequest, RequestStatus, SkipReason


class RequestOut(ApiModel):
    id: str
    status: RequestStatus
    organisation: OrganisationOut
    reference: str | None
    holder_count: int
    pass_count: int
    rendered_count: int = Field(description="Passes made so far; passCount once ready.")
    created_at: datetime
    expires_at: datetime
    ready_at: datetime | None
    error: str | None = Field(description="Why the request failed, in English.")
    error_code: str | None = Field(
        description="Why the request failed, as a stable code to translate: render_failed, "
        "expired_before_rendered or queue_unavailable."
    )
    download_count: int = Field(description="How often a download link was issued for it.")
    last_downloaded_at: datetime | None = Field(description="When the last link was issued.")


class SubmittedRequest(RequestOut):
    skipped: list[str] = SKIPPED
    skipped_reasons: dict[str, SkipReason] = SKIPPED_REASONS

    @classmethod
    def of(
        cls, request: PassRequest, reasons: Mapping[str, SkipReason] | None = None
    ) -> SubmittedRequest:
        return cls(
            **dict(RequestOut.model_validate(request)),
            skipped=list(request.skipped),
            skipped_reasons=dict(reasons or {}),
        )


class RequestList(ApiModel):
    items: list[RequestOut]


class Download(ApiModel):
    url: str
    expires_at: datetime
    file_name: str
