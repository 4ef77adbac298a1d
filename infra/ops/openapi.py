"""Write the API's OpenAPI document, generated from the routes and their models.

`python -m infra.ops.openapi > docs/openapi.json`; a test fails when the committed one is stale.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, Server

from functions.download.app import router as download_routes
from functions.search.app import router as search_routes
from functions.settings.app import router as settings_routes
from functions.submit.app import router as submit_routes
from functions.verify.app import router as verify_routes
from pasjes.api import make_resolver

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["message", "code"],
    "properties": {
        "message": {"type": "string", "description": "What went wrong, for a person to act on."},
        "code": {"type": "string", "description": "A stable code, e.g. invalid_parameter."},
    },
    "additionalProperties": True,
}
_ERRORS = {
    "400": (
        "Bad input: the message names the parameter or field. Also organisation_required: a "
        "contact person of several organisations left out `organisation`."
    ),
    "401": "No valid ID token.",
    "403": "API Gateway: no such method on this path (code route_not_found), or access denied.",
    "404": "Not found among the caller's own organisations, holders or requests.",
    "409": "Not possible yet: the request is not ready, or a retry is still being handled.",
    "410": "The request's 7 days are over.",
    "413": "API Gateway: the request is larger than 10 MB.",
    "414": "The request line (path and query) is too long.",
    "415": "The body is not JSON.",
    "429": (
        "Too many requests: API Gateway's throttling or the web ACL's rate limit, or for "
        "POST /requests the person's quota (too_many_pending: 10 requests waiting for their "
        "passes; daily_limit_reached: 100 a day, the day in Amsterdam). Retry-After says when "
        "to try again."
    ),
    "422": (
        "Understood but not possible: too many passes, no passes, or a reused key; for an "
        "export (export_too_large), more holders than an export holds (count, limit) or a file "
        "larger than Lambda's 6 MB answer (size, maxSize): narrow the search."
    ),
    "503": (
        "Busy (code busy: the database is overloaded for a moment; Retry-After says when to "
        "try again), or for POST /requests the request could not be queued (queue_unavailable: "
        "it is marked failed), or for /verify the keys are not configured."
    ),
}
# Every operation can answer these: API Gateway's own 403, 414 and 429 come before any function,
# and a throttled table is a 503.
_EVERY_OPERATION = ["400", "401", "403", "414", "429", "503"]
# Public operations: no token needed. (They keep the 401 of the list above, which they never
# send, while tests/aws/test_api_hygiene.py expects it on every operation.)
_PUBLIC = {("/verify/{code}", "get")}
# Beyond those.
_OPERATION_ERRORS = {
    ("/exam-types", "get"): ["404"],
    ("/holders", "get"): ["404"],
    ("/holders/export", "get"): ["404", "422"],
    ("/holders/{qualificationNumber}", "get"): ["404"],
    ("/requests", "post"): ["404", "409", "413", "415", "422", "503"],
    ("/requests/preview", "post"): ["404", "413", "415"],
    ("/requests/{id}", "get"): ["404", "410"],
    ("/requests/{id}/download", "get"): ["404", "409", "410"],
    ("/verify/{code}", "get"): ["404"],
}
# Where one operation's answer feeds another: the stateful fuzzer follows these.
_LINKS = {
    ("/requests", "post", "202"): {
        "GetRequest": ("get_request_requests__id__get", {"id": "$response.body#/id"}),
        "GetRequestDownload": (
            "get_download_requests__id__download_get",
            {"id": "$response.body#/id"},
        ),
    },
    ("/requests", "get", "200"): {
        "GetFirstRequest": ("get_request_requests__id__get", {"id": "$response.body#/items/0/id"}),
    },
    ("/holders", "get", "200"): {
        "GetFirstHolder": (
            "get_holder_holders__qualificationNumber__get",
            {"qualificationNumber": "$response.body#/items/0/qualificationNumber"},
        ),
    },
}
# Powertools documents every success as 200.
_SUCCESS = {("/requests", "post"): "202"}


def _with_our_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Our errors are {message, code} with these statuses, not Powertools' default 422 shape."""
    schemas = document["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Error"] = _ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            responses.pop("422", None)
            if success := _SUCCESS.get((path, method)):
                responses[success] = responses.pop("200")
            for status in [*_EVERY_OPERATION, *_OPERATION_ERRORS.get((path, method), [])]:
                responses[status] = {"description": _ERRORS[status], "content": ref}
            if (path, method) in _PUBLIC:
                # Anyone shown a pass may check it: the one route without the Cognito token.
                operation["security"] = []
            for (link_path, link_method, status), links in _LINKS.items():
                if (link_path, link_method) == (path, method):
                    responses[status]["links"] = {
                        name: {"operationId": target, "parameters": parameters}
                        for name, (target, parameters) in links.items()
                    }
            operation["responses"] = dict(sorted(responses.items()))
            for parameter in operation.get("parameters", []):
                parameter["schema"] = _not_nullable(parameter["schema"])
    return document


def _not_nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter is present or absent, never null: Powertools writes an optional one as
    anyOf [its type, null], which would tell a client (or a fuzzer) that null may be sent."""
    variants = schema.get("anyOf")
    if not variants:
        return schema
    kept = [v for v in variants if v != {"type": "null"}]
    if len(kept) != 1:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**kept[0], **rest}


def openapi_document() -> str:
    api = make_resolver(
        search_routes, submit_routes, download_routes, verify_routes, settings_routes
    )
    generated = api.get_openapi_json_schema(
        title="Pasjesportaal API",
        version="1.0.0",
        description=(
            "Digital passes for qualification holders. Every path but /verify/{code} needs the "
            "Cognito ID token in the Authorization header; errors answer {message, code}."
        ),
        servers=[Server(url="/api")],
        security_schemes={
            "cognito": APIKey(name="Authorization", in_=APIKeyIn.header),
        },
        security=[{"cognito": []}],
    )
    return json.dumps(_with_our_errors(json.loads(generated)), indent=2, ensure_ascii=False)


if __name__ == "__main__":
    sys.stdout.write(openapi_document() + "\n")
