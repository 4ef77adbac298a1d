"""A local stand-in for the REST API Gateway that `template.yaml` declares.

It serves exactly the `Type: Api` events of the template's functions under `/api`, checks the
Cognito ID token as the REST API's Cognito authorizer does, hands the handler the REST proxy
event, and answers what API Gateway answers when the token, the route or the handler is wrong:
the API's `GatewayResponses` from the template, rendered as API Gateway renders them. The
template is the only source of routes and of those answers, so the local portal cannot drift from
the deployed one. Not even a request the HTTP server refuses itself gets an HTML page.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
import sys
import threading
import time
import traceback
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

import jwt
from cfnlint.decode import decode

if TYPE_CHECKING:
    from infra.webapp import WebApp

TEMPLATE = Path(__file__).resolve().parent.parent / "template.yaml"
API_PREFIX = "/api"
STAGE = "api"
LOCAL_ACCOUNT_ID = "123456789012"
# API Gateway rejects larger payloads before the function sees them (REQUEST_TOO_LARGE).
MAX_BODY_BYTES = 10 * 1024 * 1024
# What API Gateway answers for a response type the API does not customise.
AWS_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'

Handler = Callable[[dict[str, Any], Any], Any]
Log = Callable[[str], None]


class TemplateError(Exception):
    """template.yaml says something this local stand-in cannot serve faithfully."""


# --- the template ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiEvent:
    method: str  # upper case, or "ANY"
    path: str
    authorized: bool
    api: str | None = None  # logical id of its AWS::Serverless::Api (None: SAM's implicit one)


@dataclass(frozen=True)
class SqsEvent:
    queue: str  # logical id of the AWS::SQS::Queue
    batch_size: int
    reports_item_failures: bool


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    name: str
    module: str
    attribute: str
    memory_mb: int
    timeout_s: int
    api_events: tuple[ApiEvent, ...] = ()
    sqs_events: tuple[SqsEvent, ...] = ()


def _logical_id(value: Any) -> str | None:
    """The resource a `!Ref X` or `!GetAtt X.Arn` points at."""
    if isinstance(value, Mapping):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else str(target).split(".")[0])
    return None


def _plain_int(value: Any, default: int) -> int:
    """A number the template states outright; anything computed falls back to the default."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return default
    try:
        return int(value)
    except ValueError:
        return default


# The variables a gateway response template may use here: API Gateway substitutes them (the
# templates are not VTL); $context.error.messageString is the message as a quoted JSON string.
_ERROR_VARIABLE = re.compile(r"\$context\.error\.(messageString|message|responseType)\b")
_ANY_VARIABLE = re.compile(r"\$\w+(?:\.\w+)*")


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


@dataclass(frozen=True)
class GatewayResponse:
    """One of API Gateway's own answers, as a `GatewayResponses` entry of the API shapes it."""

    status: int | None = None  # None: the status of the error itself
    headers: tuple[tuple[str, str], ...] = ()
    template: str = AWS_DEFAULT_TEMPLATE  # the application/json body

    def render(self, response_type: str, status: int, message: str) -> HttpResponse:
        quoted = json.dumps(message)
        values = {"messageString": quoted, "message": quoted[1:-1], "responseType": response_type}
        body = _ERROR_VARIABLE.sub(lambda found: values[found.group(1)], self.template)
        headers = list(self.headers)
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.insert(0, ("Content-Type", "application/json"))
        return HttpResponse(status=self.status or status, headers=headers, body=body.encode())


def default_response_type(status: int) -> str:
    """The response type of an error no more specific type covers."""
    return "DEFAULT_5XX" if status >= HTTPStatus.INTERNAL_SERVER_ERROR else "DEFAULT_4XX"


@dataclass(frozen=True)
class GatewayResponses:
    """The API's customised gateway responses, by response type (UNAUTHORIZED, DEFAULT_4XX ...)."""

    by_type: Mapping[str, GatewayResponse] = field(default_factory=dict)

    def answer(
        self,
        response_type: str,
        status: int,
        message: str,
        headers: Iterable[tuple[str, str]] = (),
    ) -> HttpResponse:
        """API Gateway's answer: the type's own response, else DEFAULT_4XX or DEFAULT_5XX, else
        API Gateway's built-in `{"message": ...}`; `message` is `$context.error.message`."""
        response = self.by_type.get(response_type) or self.by_type.get(
            default_response_type(status)
        )
        rendered = (response or GatewayResponse()).render(response_type, status, message)
        return HttpResponse(rendered.status, [*rendered.headers, *headers], rendered.body)


@dataclass(frozen=True)
class SamTemplate:
    resources: Mapping[str, Any]
    globals: Mapping[str, Any]
    parameters: Mapping[str, Any]
    functions: tuple[FunctionSpec, ...]
    gateway_responses: GatewayResponses = field(default_factory=GatewayResponses)

    @classmethod
    def load(cls, path: Path = TEMPLATE) -> SamTemplate:
        template, problems = decode(str(path))
        if template is None or problems:
            detail = "; ".join(str(p) for p in problems) or "empty template"
            raise TemplateError(f"{path} cannot be read: {detail}")
        resources = template.get("Resources") or {}
        globals_ = template.get("Globals") or {}
        functions = tuple(
            _function_spec(logical_id, resource, resources, globals_)
            for logical_id, resource in resources.items()
            if resource.get("Type") == "AWS::Serverless::Function"
        )
        return cls(
            resources=resources,
            globals=globals_,
            parameters=template.get("Parameters") or {},
            functions=functions,
            gateway_responses=_gateway_responses(functions, resources, globals_),
        )

    def properties(self, logical_id: str) -> Mapping[str, Any]:
        resource = self.resources.get(logical_id) or {}
        return resource.get("Properties") or {}

    def of_type(self, resource_type: str) -> list[str]:
        return [
            logical_id
            for logical_id, resource in self.resources.items()
            if resource.get("Type") == resource_type
        ]

    def sqs_consumer(self) -> tuple[FunctionSpec, SqsEvent]:
        consumers = [(f, e) for f in self.functions for e in f.sqs_events]
        if len(consumers) != 1:
            raise TemplateError(
                f"the template must have one function with a Type: SQS event, not {len(consumers)}"
            )
        return consumers[0]


def _function_spec(
    logical_id: str,
    resource: Mapping[str, Any],
    resources: Mapping[str, Any],
    globals_: Mapping[str, Any],
) -> FunctionSpec:
    # Globals.Function supplies what a function leaves out, as SAM's transform does.
    properties = {**(globals_.get("Function") or {}), **(resource.get("Properties") or {})}
    code_uri = properties.get("CodeUri")
    handler = properties.get("Handler")
    if not isinstance(code_uri, str) or not isinstance(handler, str) or "." not in handler:
        raise TemplateError(f"{logical_id}: CodeUri and Handler must be plain strings")
    module_path, attribute = handler.rsplit(".", 1)
    package = ".".join(part for part in code_uri.strip("/").split("/") if part not in ("", "."))
    name = properties.get("FunctionName")
    api_events: list[ApiEvent] = []
    sqs_events: list[SqsEvent] = []
    for event_id, event in (properties.get("Events") or {}).items():
        event_properties = event.get("Properties") or {}
        if event.get("Type") == "Api":
            api_events.append(
                ApiEvent(
                    method=str(event_properties["Method"]).upper(),
                    path=str(event_properties["Path"]),
                    authorized=_is_authorized(
                        f"{logical_id}.{event_id}", event_properties, resources, globals_
                    ),
                    api=_logical_id(event_properties.get("RestApiId")),
                )
            )
        elif event.get("Type") == "SQS":
            queue = _logical_id(event_properties.get("Queue"))
            if queue is None:
                raise TemplateError(f"{logical_id}.{event_id}: Queue must be !GetAtt Queue.Arn")
            sqs_events.append(
                SqsEvent(
                    queue=queue,
                    batch_size=_plain_int(event_properties.get("BatchSize"), 10),
                    reports_item_failures="ReportBatchItemFailures"
                    in (event_properties.get("FunctionResponseTypes") or []),
                )
            )
    return FunctionSpec(
        logical_id=logical_id,
        name=name if isinstance(name, str) else logical_id,
        module=f"{package}.{module_path}" if package else module_path,
        attribute=attribute,
        memory_mb=_plain_int(properties.get("MemorySize"), 128),
        timeout_s=_plain_int(properties.get("Timeout"), 3),
        api_events=tuple(api_events),
        sqs_events=tuple(sqs_events),
    )


def _api_properties(
    api_id: str | None, resources: Mapping[str, Any], globals_: Mapping[str, Any]
) -> dict[str, Any]:
    """An AWS::Serverless::Api's properties with what Globals.Api supplies, as SAM merges them."""
    api_resource = (resources.get(api_id) or {}) if api_id else {}
    return {**(globals_.get("Api") or {}), **(api_resource.get("Properties") or {})}


def _gateway_responses(
    functions: Iterable[FunctionSpec],
    resources: Mapping[str, Any],
    globals_: Mapping[str, Any],
) -> GatewayResponses:
    """The `GatewayResponses` of the one API that the functions' Api events are on."""
    api_ids = {event.api for spec in functions for event in spec.api_events}
    if len(api_ids) > 1:
        raise TemplateError(f"the Api events are on {len(api_ids)} APIs; the local gateway is one")
    if not api_ids:
        return GatewayResponses()
    api_properties = _api_properties(api_ids.pop(), resources, globals_)
    globals_responses = (globals_.get("Api") or {}).get("GatewayResponses") or {}
    configured = {**globals_responses, **(api_properties.get("GatewayResponses") or {})}
    return GatewayResponses(
        {
            str(response_type): _gateway_response(str(response_type), settings or {})
            for response_type, settings in configured.items()
        }
    )


def _gateway_response(response_type: str, settings: Mapping[str, Any]) -> GatewayResponse:
    where = f"GatewayResponses.{response_type}"
    parameters = settings.get("ResponseParameters") or {}
    if set(parameters) - {"Headers"}:
        raise TemplateError(f"{where}: only ResponseParameters.Headers have a local stand-in")
    headers: list[tuple[str, str]] = []
    for name, value in (parameters.get("Headers") or {}).items():
        # A literal is 'quoted'; anything else maps a request value, which is not done here.
        if not (isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == "'"):
            raise TemplateError(f"{where}: header {name} must be a 'literal' value")
        headers.append((str(name), value[1:-1]))
    templates = settings.get("ResponseTemplates") or {}
    if set(templates) - {"application/json"}:
        raise TemplateError(f"{where}: only an application/json template has a local stand-in")
    template = templates.get("application/json", AWS_DEFAULT_TEMPLATE)
    if not isinstance(template, str):
        raise TemplateError(f"{where}: the application/json template must be a plain string")
    unknown = {v for v in _ANY_VARIABLE.findall(template) if not _ERROR_VARIABLE.fullmatch(v)}
    if unknown:
        raise TemplateError(f"{where}: {', '.join(sorted(unknown))} has no local stand-in")
    status = settings.get("StatusCode")
    if status is not None and not str(status).isdigit():
        raise TemplateError(f"{where}: StatusCode must be a plain number")
    return GatewayResponse(
        status=int(status) if status is not None else None,
        headers=tuple(headers),
        template=template,
    )


def _is_authorized(
    where: str,
    event_properties: Mapping[str, Any],
    resources: Mapping[str, Any],
    globals_: Mapping[str, Any],
) -> bool:
    """Whether API Gateway puts the Cognito authorizer in front of this route.

    An event's own `Auth.Authorizer` wins; otherwise its API's `DefaultAuthorizer` applies, and a
    route without either is open, exactly as deployed.
    """
    api_properties = _api_properties(
        _logical_id(event_properties.get("RestApiId")), resources, globals_
    )
    api_auth = api_properties.get("Auth") or {}
    authorizer = (event_properties.get("Auth") or {}).get("Authorizer")
    if authorizer is None:
        authorizer = api_auth.get("DefaultAuthorizer")
    if authorizer is None or authorizer == "NONE":
        return False
    if authorizer == "AWS_IAM":
        raise TemplateError(f"{where}: AWS_IAM authorization has no local stand-in")
    definition = (api_auth.get("Authorizers") or {}).get(authorizer) or {}
    if "UserPoolArn" not in definition:
        raise TemplateError(f"{where}: authorizer {authorizer} is not a Cognito user pool one")
    return True


# --- invoking a handler as Lambda does ---------------------------------------------------------


@dataclass
class LambdaContext:
    """What Lambda hands a handler; Powertools' inject_lambda_context reads these fields."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    aws_request_id: str
    deadline: float
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


class LocalFunction:
    """One Lambda function: its handler, imported once (the cold start), invoked one at a time.

    Lambda gives each execution environment one event at a time, and Powertools keeps the current
    event on module-level objects; concurrent calls into one module would mix up callers.
    """

    def __init__(
        self,
        spec: FunctionSpec,
        *,
        region: str,
        handler: Handler | None = None,
        log: Log | None = None,
    ) -> None:
        self.spec = spec
        self.region = region
        self._handler = handler
        self._log = log or _stderr
        self._lock = threading.Lock()

    def load(self) -> Handler:
        if self._handler is None:
            module = importlib.import_module(self.spec.module)
            handler = getattr(module, self.spec.attribute)
            if not callable(handler):
                raise TemplateError(f"{self.spec.module}.{self.spec.attribute} is not callable")
            self._handler = handler
        return self._handler

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._lock:
            handler = self.load()
            started = time.monotonic()
            context = LambdaContext(
                function_name=self.spec.name,
                memory_limit_in_mb=self.spec.memory_mb,
                invoked_function_arn=(
                    f"arn:aws:lambda:{self.region}:{LOCAL_ACCOUNT_ID}:function:{self.spec.name}"
                ),
                aws_request_id=str(uuid.uuid4()),
                deadline=started + self.spec.timeout_s,
                log_group_name=f"/aws/lambda/{self.spec.name}",
                log_stream_name="local",
            )
            try:
                return handler(event, context)
            finally:
                elapsed = time.monotonic() - started
                # Nothing stops a thread here, but AWS would have killed this invocation.
                if elapsed > self.spec.timeout_s:
                    self._log(
                        f"warning: {self.spec.name} ran {elapsed:.1f} s, "
                        f"past its {self.spec.timeout_s} s timeout in AWS"
                    )


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


# --- the Cognito authorizer --------------------------------------------------------------------


class TokenRejected(Exception):
    """The authorizer refuses the request; the message is what API Gateway answers."""

    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message)
        self.message = message


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _api_gateway_time(epoch: int | float) -> str:
    # Written out by hand: strftime's %a and %b follow the locale, API Gateway's do not.
    moment = datetime.fromtimestamp(epoch, UTC)
    return (
        f"{_WEEKDAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day:02d} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )


def claims_as_api_gateway_passes_them(claims: Mapping[str, Any]) -> dict[str, str]:
    """The REST API's Cognito authorizer hands every claim over as a string.

    Booleans become "true"/"false", lists are joined with commas (as `cognito:groups` arrives),
    and `exp`/`iat` are spelled as dates, e.g. "Thu Dec 06 17:08:23 UTC 2018".
    """
    result: dict[str, str] = {}
    for name, value in claims.items():
        if name in ("exp", "iat") and isinstance(value, int | float):
            result[name] = _api_gateway_time(value)
        elif isinstance(value, bool):
            result[name] = "true" if value else "false"
        elif isinstance(value, list):
            result[name] = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            result[name] = json.dumps(value, separators=(",", ":"))
        else:
            result[name] = str(value)
    return result


class CognitoTokenVerifier:
    """Checks an ID token as the REST API's Cognito user-pool authorizer does."""

    REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "token_use")

    def __init__(
        self, *, jwks: Mapping[str, Any], region: str, user_pool_id: str, client_id: str
    ) -> None:
        self._keys = jwt.PyJWKSet.from_dict(dict(jwks))
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self.client_id = client_id

    @classmethod
    def from_user_pool(
        cls, *, endpoint: str, region: str, user_pool_id: str, client_id: str
    ) -> CognitoTokenVerifier:
        """Fetch the pool's JWKS once: the local pool's keys never rotate."""
        url = f"{endpoint.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"
        # moto routes this unsigned GET by its path; the Host header is the one AWS's URL has.
        request = urllib.request.Request(  # noqa: S310 - a URL we built to our own moto server
            url, headers={"Host": f"cognito-idp.{region}.amazonaws.com"}
        )
        # The scheme is moto's http URL that infra.local itself started, never user input.
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            jwks = json.load(response)
        return cls(jwks=jwks, region=region, user_pool_id=user_pool_id, client_id=client_id)

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """The token's claims, or TokenRejected with API Gateway's message."""
        if not authorization:
            raise TokenRejected
        token = authorization.strip()
        scheme, _, rest = token.partition(" ")
        if scheme.lower() == "bearer" and rest:
            token = rest.strip()
        try:
            key_id = jwt.get_unverified_header(token).get("kid")
            key = self._keys[str(key_id)]
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=self.issuer,
                options={"require": list(self.REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as error:
            raise TokenRejected("The incoming token has expired") from error
        except (jwt.PyJWTError, KeyError) as error:
            raise TokenRejected from error
        if claims.get("token_use") != "id":
            raise TokenRejected
        return claims


# --- routing and events ------------------------------------------------------------------------


def _segment_rank(segment: str) -> int:
    if segment.startswith("{") and segment.endswith("+}"):
        return 2
    if segment.startswith("{") and segment.endswith("}"):
        return 1
    return 0


@dataclass(frozen=True)
class Route:
    method: str
    resource: str
    function: LocalFunction
    authorized: bool

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when `path` fits this route's resource template."""
        template = self.resource.strip("/").split("/") if self.resource != "/" else []
        parts = path.strip("/").split("/") if path.strip("/") else []
        params: dict[str, str] = {}
        for index, segment in enumerate(template):
            rank = _segment_rank(segment)
            if rank == 2:
                if index >= len(parts):
                    return None
                params[segment[1:-2]] = unquote("/".join(parts[index:]))
                return params
            if index >= len(parts):
                return None
            if rank == 1:
                if not parts[index]:
                    return None
                params[segment[1:-1]] = unquote(parts[index])
            elif unquote(parts[index]) != segment:
                return None
        return params if len(parts) == len(template) else None

    @property
    def specificity(self) -> tuple[int, ...]:
        # API Gateway prefers a literal segment to a parameter, and a parameter to a greedy one.
        return tuple(_segment_rank(s) for s in self.resource.strip("/").split("/"))


def routes_from(template: SamTemplate, functions: Mapping[str, LocalFunction]) -> list[Route]:
    return [
        Route(
            method=event.method,
            resource=event.path,
            function=functions[spec.logical_id],
            authorized=event.authorized,
        )
        for spec in template.functions
        for event in spec.api_events
    ]


def find_route(
    routes: Iterable[Route], method: str, path: str
) -> tuple[Route, dict[str, str]] | None:
    """API Gateway picks the resource by the path alone (the most specific that fits), then the
    method on it: a method the chosen resource lacks is no route, even if a less specific
    resource has that method (GET /requests/preview is not GET /requests/{id})."""
    fitting = [(route, params) for route in routes if (params := route.match(path)) is not None]
    if not fitting:
        return None
    resource = min(fitting, key=lambda c: c[0].specificity)[0].resource
    on_resource = [
        (route, params)
        for route, params in fitting
        if route.resource == resource and route.method in (method, "ANY")
    ]
    if not on_resource:
        return None
    return min(on_resource, key=lambda c: c[0].method == "ANY")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # the path and query string as the client sent them
    headers: list[tuple[str, str]]
    body: bytes = b""
    source_ip: str = "127.0.0.1"

    def header(self, name: str) -> str | None:
        found = [v for k, v in self.headers if k.lower() == name.lower()]
        return found[-1] if found else None


def _json_response(
    status: int, body: Mapping[str, Any], headers: Iterable[tuple[str, str]] = ()
) -> HttpResponse:
    return HttpResponse(
        status=status,
        headers=[("Content-Type", "application/json"), *headers],
        body=json.dumps(body).encode(),
    )


def build_event(
    request: HttpRequest,
    *,
    route: Route,
    path: str,
    path_parameters: Mapping[str, str],
    claims: Mapping[str, Any] | None,
    request_id: str,
    now: datetime,
) -> dict[str, Any]:
    """The REST API's Lambda proxy event for this request."""
    query = parse_qsl(urlsplit(request.target).query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        multi_headers.setdefault(name, []).append(value)
    body = request.body.decode("utf-8", errors="replace") if request.body else None
    epoch_ms = int(now.timestamp() * 1000)
    identity: dict[str, Any] = {
        key: None
        for key in (
            "cognitoIdentityPoolId",
            "accountId",
            "cognitoIdentityId",
            "caller",
            "principalOrgId",
            "accessKey",
            "cognitoAuthenticationType",
            "cognitoAuthenticationProvider",
            "userArn",
            "user",
        )
    }
    identity["sourceIp"] = request.source_ip
    identity["userAgent"] = request.header("User-Agent")
    request_context: dict[str, Any] = {
        "resourceId": "local",
        "resourcePath": route.resource,
        "httpMethod": request.method,
        "extendedRequestId": request_id,
        "requestTime": f"{now:%d}/{_MONTHS[now.month - 1]}/{now:%Y:%H:%M:%S} +0000",
        "path": f"{API_PREFIX}{path}",
        "accountId": LOCAL_ACCOUNT_ID,
        "protocol": "HTTP/1.1",
        "stage": STAGE,
        "domainPrefix": "127",
        "requestTimeEpoch": epoch_ms,
        "requestId": request_id,
        "identity": identity,
        "domainName": request.header("Host") or "127.0.0.1",
        "deploymentId": "local",
        "apiId": "local",
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": claims_as_api_gateway_passes_them(claims)}
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {n: v[-1] for n, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": False,
    }


def _proxy_response(result: Any) -> HttpResponse:
    """Turn a handler's answer into HTTP; a malformed one is a 502, as API Gateway makes it."""
    if not isinstance(result, Mapping) or not isinstance(result.get("statusCode"), int):
        raise TypeError(f"malformed Lambda proxy response: {type(result).__name__}")
    headers: list[tuple[str, str]] = []
    multi = result.get("multiValueHeaders") or {}
    for name, values in multi.items():
        headers.extend((name, str(v)) for v in values)
    for name, value in (result.get("headers") or {}).items():
        if name not in multi:
            headers.append((name, str(value)))
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return HttpResponse(status=result["statusCode"], headers=headers, body=raw)


class Gateway:
    """Answers one HTTP request: `/config.json`, an `/api` route of the template, or the web app."""

    def __init__(
        self,
        *,
        routes: list[Route],
        verifier: CognitoTokenVerifier,
        responses: GatewayResponses,
        client_config: Mapping[str, Any],
        log: Log | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        webapp: WebApp | None = None,
    ) -> None:
        self.routes = routes
        self.verifier = verifier
        self.responses = responses
        self.client_config = dict(client_config)
        # Every path outside /api and /config.json: the web app, as CloudFront serves it.
        self.webapp = webapp
        self._log = log or _stderr
        self._clock = clock

    def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        response = self._answer(request, request_id)
        return HttpResponse(
            status=response.status,
            headers=[*response.headers, ("x-amzn-RequestId", request_id)],
            body=response.body,
        )

    def _answer(self, request: HttpRequest, request_id: str) -> HttpResponse:
        path = urlsplit(request.target).path
        if path == "/config.json" and request.method in ("GET", "HEAD"):
            return _json_response(HTTPStatus.OK, self.client_config)
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            return self.webapp.answer(request) if self.webapp else self._no_route()
        api_path = path[len(API_PREFIX) :] or "/"
        found = find_route(self.routes, request.method, api_path)
        if found is None:
            return self._no_route()
        route, path_parameters = found
        claims = None
        if route.authorized:
            try:
                claims = self.verifier.verify(request.header("Authorization"))
            except TokenRejected as rejected:
                return self.responses.answer(
                    "UNAUTHORIZED",
                    HTTPStatus.UNAUTHORIZED,
                    rejected.message,
                    [("x-amzn-ErrorType", "UnauthorizedException")],
                )
        event = build_event(
            request,
            route=route,
            path=api_path,
            path_parameters=path_parameters,
            claims=claims,
            request_id=request_id,
            now=self._clock(),
        )
        try:
            return _proxy_response(route.function.invoke(event))
        except Exception:  # any handler failure is API Gateway's 502
            self._log(
                f"error: {route.function.spec.name} failed on {request.method} {path}\n"
                + traceback.format_exc().rstrip()
            )
            return self.responses.answer(
                "DEFAULT_5XX",
                HTTPStatus.BAD_GATEWAY,
                "Internal server error",
                [("x-amzn-ErrorType", "InternalServerErrorException")],
            )

    def _no_route(self) -> HttpResponse:
        # API Gateway's answer to any method and path that no route declares.
        return self.responses.answer(
            "MISSING_AUTHENTICATION_TOKEN",
            HTTPStatus.FORBIDDEN,
            "Missing Authentication Token",
            [("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
        )


# --- HTTP --------------------------------------------------------------------------------------

# A request target with a byte outside printable ASCII (a raw UTF-8 byte, a control character)
# is malformed HTTP; clients percent-encode those.
_MALFORMED_TARGET = re.compile(r"[^\x21-\x7e]")


class GatewayServer(ThreadingHTTPServer):
    """Binds its port on construction, so a taken port fails before anything else starts.

    `responses` (the template's gateway responses) shape the answers the server gives itself,
    before a request reaches the gateway: a malformed request, too large a body.
    """

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        responses: GatewayResponses,
        log: Log | None = None,
    ) -> None:
        super().__init__(address, _RequestHandler)
        self.gateway: Gateway | None = None
        self.responses = responses
        self.log = log or _stderr

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _RequestHandler(BaseHTTPRequestHandler):
    server: GatewayServer
    protocol_version = "HTTP/1.1"

    def __getattr__(self, name: str) -> Callable[[], None]:
        # The stdlib looks up do_<METHOD> and answers 501 for a method without one; API Gateway
        # answers every method, an undeclared one with its 403, so every method goes to _serve.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        started = time.monotonic()
        if self.request_version == "HTTP/0.9" or _MALFORMED_TARGET.search(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({self.requestline!r})")
            return
        declared = (self.headers.get("Content-Length") or "0").strip()
        length = int(declared) if declared.isdigit() else -1
        body_read = False
        if length < 0:
            response = self.server.responses.answer(
                "DEFAULT_4XX", HTTPStatus.BAD_REQUEST, "Bad Content-Length"
            )
        elif length > MAX_BODY_BYTES:
            response = self.server.responses.answer(
                "REQUEST_TOO_LARGE", HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Too Long"
            )
        elif self.server.gateway is None:
            response = _json_response(
                HTTPStatus.SERVICE_UNAVAILABLE,
                {"message": "The local stack is still starting.", "code": "starting"},
            )
        else:
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
                source_ip=self.client_address[0],
            )
            response = self.server.gateway.handle(request)
            body_read = True
        if not body_read:
            # What is left of the body must not be taken for the next request on this connection.
            self.close_connection = True
        self._send(response, started)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What the stdlib refuses itself (a request line over 64 KB, bad syntax, too many
        headers, a version it does not speak) in the template's JSON, not the stdlib's HTML."""
        started = time.monotonic()
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            # Without this the stdlib would write the body without a status line or headers.
            self.request_version = self.protocol_version
        status = HTTPStatus(code)
        response = self.server.responses.answer(
            default_response_type(status), status, message or status.phrase
        )
        self._send(response, started)

    def _send(self, response: HttpResponse, started: float) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        elapsed_ms = (time.monotonic() - started) * 1000
        # A request line the stdlib refused may have left no method or path to log.
        method = self.command or "-"
        path = urlsplit(getattr(self, "path", "")).path or "-"
        self.server.log(f"{method} {path} {response.status} {elapsed_ms:.0f} ms")

    def log_message(self, format: str, *args: Any) -> None:
        # _send logs one line per request; the stdlib's own lines would repeat it on stderr.
        return
