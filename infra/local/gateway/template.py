"""Reading `template.yaml` as SAM reads it: the functions, their Api and SQS events, which routes
the Cognito authorizer guards, and the API's gateway responses. The local stack takes its routes,
answers and resources from here, so it cannot drift from the deployed portal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfnlint.decode import decode

from infra.local.gateway.responses import (
    ANY_VARIABLE,
    AWS_DEFAULT_TEMPLATE,
    ERROR_VARIABLE,
    GatewayResponse,
    GatewayResponses,
)

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"


class TemplateError(Exception):
    """template.yaml says something this local stand-in cannot serve faithfully."""


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

    @property
    def binary_media_types(self) -> tuple[str, ...]:
        """The REST APIs' BinaryMediaTypes, with SAM's "~1" spelled "/" again."""
        return tuple(
            str(media_type).replace("~1", "/")
            for logical_id in self.of_type("AWS::Serverless::Api")
            for media_type in self.properties(logical_id).get("BinaryMediaTypes") or ()
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

    def sqs_consumer(self, queue: str = "RenderQueue") -> tuple[FunctionSpec, SqsEvent]:
        """The one function fed by this queue (a logical id), with its event source."""
        consumers = [(f, e) for f in self.functions for e in f.sqs_events if e.queue == queue]
        if len(consumers) != 1:
            raise TemplateError(
                f"the template must have one function with a Type: SQS event on {queue}, "
                f"not {len(consumers)}"
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
    unknown = {v for v in ANY_VARIABLE.findall(template) if not ERROR_VARIABLE.fullmatch(v)}
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
