"""What every API function shares: the resolver, who the caller is, and errors → HTTP.

Each failure a user can meet is a `PortalError`; this module is the one place that turns
errors into responses, so a route never catches anything itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter, Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from botocore.exceptions import ClientError

from pasjes import tracing
from pasjes.errors import (
    InvalidBody,
    InvalidParameter,
    OrganisationRequired,
    PortalError,
    ServiceBusy,
    Unauthenticated,
    UnknownParameter,
    UnsupportedMediaType,
)
from pasjes.settings import get_settings
from pasjes.text import safe_echo

logger = Logger()
_metrics = Metrics()
F = TypeVar("F", bound=Callable[..., Any])
# Our bodies are small: 10,000 qualification numbers (a preview of a whole organisation) are
# about 110 KB.
MAX_BODY_CHARACTERS = 256 * 1024
_NO_TOKEN = Unauthenticated("Sign in first: this request carries no valid ID token.")


@dataclass(frozen=True)
class Caller:
    """The signed-in contact person, as the Cognito authorizer vouches for them."""

    sub: str
    email: str


def _error_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response[dict[str, Any]]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=headers or None,
    )


def _portal_response(error: PortalError) -> Response[dict[str, Any]]:
    return _error_response(error.status, error.body(), error.headers())


# What AWS answers when a table (or another service) is asked more than it serves right now.
_THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "Throttling",
        "TooManyRequestsException",
    }
)


def _error_code(error: BaseException) -> str | None:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code"))
    return None


def is_throttling(error: BaseException) -> bool:
    """Whether `error` is, or was caused by, AWS throttling that outlasted the SDK's retries.

    pynamodb and Powertools wrap botocore's ClientError in their own exceptions, raised from
    it; the chain is followed rather than each wrapper named, so the data layer's library stays
    out of this module.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _error_code(current) in _THROTTLING_CODES:
            return True
        current = current.__cause__ or current.__context__
    return False


def _validation_error(error: RequestValidationError) -> PortalError:
    """Name the first offending parameter; pydantic's message says what is wrong with it."""
    first = error.errors()[0] if error.errors() else {}
    location = [str(part) for part in first.get("loc", ())]
    message = str(first.get("msg", "is not valid"))
    if location[:1] == ["body"]:
        # An unknown field's name is the caller's input: repeated only made safe.
        field = safe_echo(".".join(location[1:]), limit=80)
        if first.get("type") == "json_invalid" or not field:
            return InvalidBody("The request body is not valid JSON of the expected shape.")
        return InvalidBody(f"Field '{field}': {message}.", field=field)
    parameter = location[-1] if location else "request"
    if location == ["query", "organisation"] and first.get("type") == "missing":
        # Its own code, which the app knows: every call about an organisation names it.
        return OrganisationRequired()
    return InvalidParameter(parameter, f"{message}.")


def _parse_body(text: str) -> Any:
    """JSON as json.loads reads it, but a huge, absurdly nested or absurdly numeric body is bad
    input (400), not a RecursionError or a digit-limit ValueError on our side."""
    if len(text) > MAX_BODY_CHARACTERS:
        raise InvalidBody(f"The request body is larger than {MAX_BODY_CHARACTERS // 1024} KB.")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise  # Powertools reports it as invalid JSON.
    except (RecursionError, ValueError) as error:
        raise InvalidBody("The request body is not JSON of the expected shape.") from error


def make_resolver(*routers: Router) -> APIGatewayRestResolver:
    """A resolver for the routes of `routers`, with every error mapped to HTTP."""
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=_parse_body)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(PortalError)
    def portal_error(error: PortalError) -> Response[dict[str, Any]]:
        return _portal_response(error)

    @app.exception_handler(RequestValidationError)
    def validation_error(error: RequestValidationError) -> Response[dict[str, Any]]:
        return _portal_response(_validation_error(error))

    @app.exception_handler(RequestUnsupportedContentType)
    def not_json(_: RequestUnsupportedContentType) -> Response[dict[str, Any]]:
        return _portal_response(UnsupportedMediaType())

    @app.not_found
    def route_not_found(_: NotFoundError) -> Response[dict[str, Any]]:
        return _error_response(
            HTTPStatus.NOT_FOUND, {"message": "No such endpoint.", "code": "route_not_found"}
        )

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[dict[str, Any]]:
        if is_throttling(error):
            # Overload is no bug of ours: the client is told to come back, never sees a 500.
            logger.warning("Throttled after the SDK's retries", error=type(error).__name__)
            return _portal_response(ServiceBusy())
        logger.exception("Unhandled error")
        return _error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            {"message": "Something went wrong on our side; try again.", "code": "internal_error"},
        )

    return app


def api_entry(handler: F) -> F:
    """An API function's Lambda handler as every one is wrapped: logs carry the Lambda context and
    API Gateway's request id as correlation id (none left over from the previous call), the
    handler is traced when tracing is on, and the call's metrics are flushed when it returns.
    (Powertools' Logger and Metrics instances of one service share their keys and metrics, so
    what a route adds through its module's own instances is flushed here.)"""
    metered = _metrics.log_metrics(handler)
    traced = tracing.capture_lambda_handler(metered)
    return cast(
        F,
        logger.inject_lambda_context(
            correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
        )(traced),
    )


def resolve(
    app: APIGatewayRestResolver,
    event: dict[str, Any],
    context: Any,
    *,
    needs: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Who is asking comes before what they ask, as with API Gateway's own authorizer: without
    claims, answer 401 before any validation error could describe the endpoint. Every answer,
    success or error, is marked not to be stored: it is one person's view of personal data.

    First of all, the settings the function `needs` (beside those every function has) are
    validated: the first call of a container fails outright when its environment is incomplete.
    """
    get_settings().require(*needs)
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    if not claims.get("sub"):
        return _not_stored(_plain_response(_NO_TOKEN))
    event = _with_lower_case_content_type(event)
    if _is_not_json(event):
        return _not_stored(_plain_response(UnsupportedMediaType()))
    return _not_stored(app.resolve(event, context))


def resolve_public(
    app: APIGatewayRestResolver, event: dict[str, Any], context: Any
) -> dict[str, Any]:
    """A public route (no sign-in, so no claims to check): every answer, errors included, is
    marked as every other answer of the API is, and kept out of search engines."""
    return _not_stored(app.resolve(event, context), extra=PUBLIC_HEADERS)


# Marked on every response of the API: not kept by a browser, a proxy or a shared computer, and
# never sniffed into something other than the JSON it is.
RESPONSE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
# And on a public route's: a check's answer is nothing for a search engine to list.
PUBLIC_HEADERS = {"X-Robots-Tag": "noindex"}


def _not_stored(response: dict[str, Any], *, extra: dict[str, str] | None = None) -> dict[str, Any]:
    marks = {**RESPONSE_HEADERS, **(extra or {})}
    multi = response.get("multiValueHeaders")
    if multi is not None:
        response["multiValueHeaders"] = {**multi, **{name: [v] for name, v in marks.items()}}
    else:
        response["headers"] = {**(response.get("headers") or {}), **marks}
    return response


def _plain_response(error: PortalError) -> dict[str, Any]:
    """An error answered before the resolver runs."""
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": json.dumps(error.body()),
        "isBase64Encoded": False,
    }


def _content_type(event: dict[str, Any]) -> str | None:
    for name, value in (event.get("headers") or {}).items():
        if name.lower() == "content-type" and isinstance(value, str):
            return value
    return None


def _is_not_json(event: dict[str, Any]) -> bool:
    """A body sent as anything but JSON. Powertools would also parse form and multipart bodies
    (and fail with a 500 on a multipart type without its boundary); the API speaks JSON only.
    A body without a Content-Type is read as JSON, as before."""
    content_type = _content_type(event)
    if not event.get("body") and event.get("httpMethod") in ("GET", "HEAD", "DELETE"):
        return False
    if content_type is None:
        return False
    media_type = content_type.split(";", 1)[0].strip()
    return media_type != content_types.APPLICATION_JSON


def _with_lower_case_content_type(event: dict[str, Any]) -> dict[str, Any]:
    """Media types are case-insensitive (RFC 9110); Powertools compares them as written."""
    headers = event.get("headers") or {}
    for name, value in headers.items():
        if name.lower() == "content-type" and isinstance(value, str) and value != value.lower():
            return {**event, "headers": {**headers, name: value.lower()}}
    return event


def current_caller(router: BaseRouter) -> Caller:
    event = cast(APIGatewayProxyEvent, router.current_event)
    claims = event.request_context.authorizer.claims or {}
    sub = claims.get("sub")
    if not sub:
        raise _NO_TOKEN
    return Caller(sub=str(sub), email=str(claims.get("email", "")))


def reject_unknown_parameters(router: BaseRouter, allowed: Collection[str]) -> None:
    """API Gateway passes any query parameter through; a typo must not silently do nothing."""
    given = router.current_event.query_string_parameters or {}
    unknown = [name for name in given if name not in allowed]
    if unknown:
        raise UnknownParameter(unknown)
