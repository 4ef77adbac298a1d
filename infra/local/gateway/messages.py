"""The HTTP request and response the local gateway passes around, between the HTTP server, the
gateway's steps and the web app."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    # What the access log names: the route (`/api/verify/{code}`), as API Gateway's
    # $context.resourcePath, never the path with the codes, numbers and ids it carries.
    route: str | None = None


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


def json_response(
    status: int, body: Mapping[str, Any], headers: Iterable[tuple[str, str]] = ()
) -> HttpResponse:
    return HttpResponse(
        status=status,
        headers=[("Content-Type", "application/json"), *headers],
        body=json.dumps(body).encode(),
    )
