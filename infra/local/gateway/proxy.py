"""The Lambda proxy integration: the REST API's event for a request, and the handler's answer
turned back into HTTP."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from infra.local.gateway.authorizer import MONTHS, claims_as_api_gateway_passes_them
from infra.local.gateway.lambda_runtime import LOCAL_ACCOUNT_ID
from infra.local.gateway.messages import HttpRequest, HttpResponse
from infra.local.gateway.routing import API_PREFIX, Route

STAGE = "api"


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
        "requestTime": f"{now:%d}/{MONTHS[now.month - 1]}/{now:%Y:%H:%M:%S} +0000",
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


def proxy_response(result: Any, *, decode_base64: bool = True) -> HttpResponse:
    """Turn a handler's answer into HTTP; a malformed one is a 502, as API Gateway makes it.
    `decode_base64`: whether a base64 body becomes bytes (the request accepts a binary media
    type of the API); otherwise it goes out as the text it is."""
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
    binary = result.get("isBase64Encoded") and decode_base64
    raw = base64.b64decode(body) if binary else str(body).encode()
    return HttpResponse(status=result["statusCode"], headers=headers, body=raw)
