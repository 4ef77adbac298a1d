"""The committed OpenAPI document is the one the routes generate."""

from __future__ import annotations

import json
from pathlib import Path

from infra.ops.openapi import openapi_document

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_committed_openapi_document_is_up_to_date() -> None:
    generated = json.loads(openapi_document())
    committed = json.loads(DOCUMENT.read_text())
    assert committed == generated, "docs/openapi.json is stale: run `make openapi`"


def test_openapi_document_describes_every_endpoint_under_api() -> None:
    document = json.loads(DOCUMENT.read_text())
    assert document["servers"] == [{"url": "/api"}]
    assert {(path, method) for path, ops in document["paths"].items() for method in ops} == {
        ("/me", "get"),
        ("/exam-types", "get"),
        ("/holders", "get"),
        ("/holders/{qualificationNumber}", "get"),
        ("/holders/export", "get"),
        ("/settings", "get"),
        ("/settings", "put"),
        ("/requests", "post"),
        ("/requests", "get"),
        ("/requests/{id}", "get"),
        ("/requests/{id}/download", "get"),
        ("/requests/preview", "post"),
        ("/verify/{code}", "get"),
    }


def test_only_the_public_check_goes_without_a_token() -> None:
    document = json.loads(DOCUMENT.read_text())
    public = {
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") == []
    }
    assert public == {("/verify/{code}", "get")}
