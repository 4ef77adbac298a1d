"""Write the API's OpenAPI document, generated from the routes and their models.

`python -m infra.openapi > docs/openapi.json`; a test fails when the committed one is stale.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, Server

from functions.download.app import router as download_routes
from functions.search.app import router as search_routes
from functions.submit.app import router as submit_routes
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
    "400": "Bad input: the message names the parameter or field.",
    "401": "No valid ID token.",
    "404": "Not found among the caller's own organisations, holders or requests.",
}


def _with_our_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Our validation errors are 400 {message, code}, not Powertools' default 422 shape."""
    schemas = document["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Error"] = _ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in document["paths"].values():
        for operation in operations.values():
            operation["responses"].pop("422", None)
            for status, description in _ERRORS.items():
                operation["responses"].setdefault(
                    status, {"description": description, "content": ref}
                )
    return document


def openapi_document() -> str:
    api = make_resolver()
    for router in (search_routes, submit_routes, download_routes):
        api.include_router(router)
    generated = api.get_openapi_json_schema(
        title="Pasjesportaal API",
        version="1.0.0",
        description=(
            "Digital passes for qualification holders. Every path needs the Cognito ID token "
            "in the Authorization header; errors answer {message, code}."
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
