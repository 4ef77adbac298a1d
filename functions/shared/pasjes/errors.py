"""Every failure a user can meet, each with its HTTP status and a stable code.

The API layer maps these to responses in one place (`pasjes.api`); nothing else decides statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from pasjes.rules import MAX_EXPORT_RESPONSE_BYTES, MAX_EXPORT_ROWS, REQUEST_LIFETIME_DAYS
from pasjes.text import safe_echo

_NAMES_SHOWN = 10


class PortalError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "code": self.code, **self.details}

    def headers(self) -> dict[str, str]:
        """Headers the answer carries beside the body (Retry-After for a 429 or 503)."""
        return {}


class _RetryLater(PortalError):
    """A failure that passes: the answer says when to try again, in seconds."""

    def __init__(self, message: str, *, retry_after: int, **details: Any) -> None:
        super().__init__(message, retryAfter=retry_after, **details)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class Unauthenticated(PortalError):
    status = 401
    code = "unauthenticated"


class InvalidParameter(PortalError):
    code = "invalid_parameter"

    def __init__(self, parameter: str, problem: str) -> None:
        parameter = safe_echo(parameter)
        super().__init__(f"Parameter '{parameter}': {problem}", parameter=parameter)


class UnknownParameter(PortalError):
    code = "unknown_parameter"

    def __init__(self, parameters: Sequence[str]) -> None:
        # The names are the caller's input: repeated only made safe, and at most ten of them.
        distinct = sorted({safe_echo(name) for name in parameters})
        shown = distinct[:_NAMES_SHOWN]
        more = len(distinct) - len(shown)
        names = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
        super().__init__(f"Unknown parameter(s): {names}.", parameters=shown)


class InvalidBody(PortalError):
    code = "invalid_body"


class UnsupportedMediaType(PortalError):
    status = 415
    code = "unsupported_media_type"

    def __init__(self) -> None:
        super().__init__("Send the body as JSON, with Content-Type: application/json.")


class InvalidCursor(PortalError):
    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__(
            "The cursor is not valid for this search; start again without a cursor.",
            parameter="cursor",
        )


class OrganisationRequired(PortalError):
    code = "organisation_required"

    def __init__(self) -> None:
        super().__init__(
            "Say which organisation with 'organisation': the id of one of yours (see GET /me).",
            parameter="organisation",
        )


class OrganisationNotFound(PortalError):
    status = 404
    code = "organisation_not_found"

    def __init__(self) -> None:
        super().__init__("No organisation with this id among your organisations.")


class HolderNotFound(PortalError):
    status = 404
    code = "holder_not_found"

    def __init__(self) -> None:
        super().__init__("No qualification holder with this number at this organisation.")


class HoldersNotFound(PortalError):
    status = 404
    code = "holders_not_found"

    def __init__(self, numbers: Sequence[str]) -> None:
        super().__init__(
            f"{len(numbers)} qualification number(s) are not registered at this organisation.",
            qualificationNumbers=list(numbers),
        )


class TooManyPasses(PortalError):
    status = 422
    code = "too_many_passes"

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"This request yields {count} passes; at most {limit} fit in one request. "
            "Split the holders over several requests.",
            passCount=count,
            limit=limit,
        )


class NoPasses(PortalError):
    status = 422
    code = "no_passes"

    def __init__(self) -> None:
        super().__init__(
            "None of the chosen holders has a qualification matching the chosen "
            "qualifications and expiry dates, so there is no pass to make."
        )


class ExportTooLarge(PortalError):
    status = 422
    code = "export_too_large"

    def __init__(self, count: int) -> None:
        super().__init__(
            f"This search finds {count} holders; an export holds at most {MAX_EXPORT_ROWS}. "
            "Narrow the search (exam type, exam number, expiry) and export the parts.",
            count=count,
            limit=MAX_EXPORT_ROWS,
        )


class ExportFileTooLarge(PortalError):
    """Within the holder limit, but the file does not fit Lambda's answer."""

    status = 422
    code = "export_too_large"

    def __init__(self, size: int) -> None:
        super().__init__(
            f"This export would be {size / 1_000_000:.1f} MB; an answer holds at most "
            f"{MAX_EXPORT_RESPONSE_BYTES / 1_000_000:.1f} MB. Narrow the search (exam type, "
            "exam number, expiry) and export the parts.",
            size=size,
            maxSize=MAX_EXPORT_RESPONSE_BYTES,
        )


class IdempotencyKeyReused(PortalError):
    status = 422
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used for a different request; use a new key."
        )


class RequestInProgress(PortalError):
    status = 409
    code = "request_in_progress"

    def __init__(self) -> None:
        super().__init__("A request with this Idempotency-Key is still being handled; retry soon.")


class RequestNotFound(PortalError):
    status = 404
    code = "request_not_found"

    def __init__(self) -> None:
        super().__init__("No request with this id among your requests.")


class RequestNotReady(PortalError):
    status = 409
    code = "request_not_ready"

    def __init__(self, status: str) -> None:
        super().__init__(
            f"The passes of this request are not ready yet (status: {status}).", status=status
        )


class RequestExpired(PortalError):
    status = 410
    code = "request_expired"

    def __init__(self) -> None:
        super().__init__(
            f"This request's {REQUEST_LIFETIME_DAYS} days are over and its passes are gone; "
            "submit a new request."
        )


class RenderQueueUnavailable(PortalError):
    status = 503
    code = "queue_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "The request could not be queued for rendering; it is listed as failed. "
            "Try again shortly."
        )


class TooManyPendingRequests(_RetryLater):
    status = 429
    code = "too_many_pending"

    def __init__(self, limit: int, *, retry_after: int) -> None:
        super().__init__(
            f"You have {limit} requests waiting for their passes, the most at once. Submit this "
            "one when one of them is ready.",
            retry_after=retry_after,
            limit=limit,
        )


class DailyLimitReached(_RetryLater):
    status = 429
    code = "daily_limit_reached"

    def __init__(self, limit: int, *, retry_after: int) -> None:
        super().__init__(
            f"You submitted {limit} requests today, the most in one day. Submit again after "
            "midnight.",
            retry_after=retry_after,
            limit=limit,
        )


class ServiceBusy(_RetryLater):
    """The database kept throttling after the SDK's retries: a moment of overload, not a bug."""

    status = 503
    code = "busy"

    def __init__(self, *, retry_after: int = 5) -> None:
        super().__init__(
            "The portal is very busy right now and could not handle this request. "
            "Try again in a few seconds.",
            retry_after=retry_after,
        )


class CodeNotFound(PortalError):
    status = 404
    code = "code_not_found"

    def __init__(self) -> None:
        super().__init__("No pass has this code.")


class VerificationUnavailable(PortalError):
    status = 503
    code = "verification_unavailable"

    def __init__(self) -> None:
        super().__init__("Passes cannot be checked right now; try again later.")
