"""The local API Gateway: routes from the template, the Cognito authorizer, the proxy event."""

from __future__ import annotations

import base64
import http.client
import importlib.util
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local.gateway.authorizer import CognitoTokenVerifier, claims_as_api_gateway_passes_them
from infra.local.gateway.lambda_runtime import LocalFunction
from infra.local.gateway.messages import HttpRequest
from infra.local.gateway.pipeline import Gateway
from infra.local.gateway.responses import GatewayResponse, GatewayResponses
from infra.local.gateway.routing import Route, find_route
from infra.local.gateway.server import MAX_BODY_BYTES, GatewayServer
from infra.local.gateway.template import FunctionSpec, SamTemplate, TemplateError

REGION = "eu-west-1"
POOL = "eu-west-1_TestPool"
CLIENT = "test-app-client"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"
NOW = datetime(2026, 11, 28, 16, 20, 3, tzinfo=UTC)
SUB = "11111111-1111-4111-8111-111111111111"
CONFIG = {
    "region": REGION,
    "userPoolId": POOL,
    "userPoolClientId": CLIENT,
    "cognitoEndpoint": "http://127.0.0.1:5000",
    "apiBaseUrl": "http://127.0.0.1:3000/api",
}

# The deployed API's own answers: the local gateway answers with the same ones.
RESPONSES = SamTemplate.load().gateway_responses
UNAUTHENTICATED = {
    "message": "Sign in first: this request carries no valid ID token.",
    "code": "unauthenticated",
}
NO_ROUTE = {"message": "Missing Authentication Token", "code": "route_not_found"}

POOL_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwks() -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(POOL_KEY.public_key()))
    return {"keys": [{**public, "kid": "pool-key", "alg": "RS256", "use": "sig"}]}


def id_token(*, key: Any = POOL_KEY, kid: str = "pool-key", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": SUB,
        "email_verified": True,
        "iss": ISSUER,
        "cognito:username": SUB,
        "aud": CLIENT,
        "token_use": "id",
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "email": "contact@keira-bhv.example",
        **overrides,
    }
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None},
        key,
        algorithm="RS256",
        headers={"kid": kid},
    )


class Recorder:
    """A handler that remembers what Lambda gave it and answers what it is told to."""

    def __init__(self, answer: Any = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.contexts: list[Any] = []
        self.answer = answer or {
            "statusCode": 200,
            "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"ok": True}),
            "isBase64Encoded": False,
        }

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        self.contexts.append(context)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def _function(handler: Recorder, name: str = "SearchFunction") -> LocalFunction:
    spec = FunctionSpec(
        logical_id=name,
        name=name,
        module="functions.search.app",
        attribute="handler",
        memory_mb=512,
        timeout_s=15,
    )
    return LocalFunction(spec, region=REGION, handler=handler)


def _gateway(handler: Recorder, log: list[str] | None = None) -> Gateway:
    function = _function(handler)
    routes = [
        Route("GET", "/me", function, authorized=True),
        Route("GET", "/holders", function, authorized=True),
        Route("GET", "/holders/{qualificationNumber}", function, authorized=True),
        Route("POST", "/requests", function, authorized=True),
        Route("GET", "/requests/{id}", function, authorized=True),
        Route("GET", "/requests/{id}/download", function, authorized=True),
        Route("GET", "/open", function, authorized=False),
    ]
    verifier = CognitoTokenVerifier(
        jwks=_jwks(), region=REGION, user_pool_id=POOL, client_id=CLIENT
    )
    sink = log if log is not None else []
    return Gateway(
        routes=routes,
        verifier=verifier,
        responses=RESPONSES,
        client_config=CONFIG,
        log=sink.append,
        clock=lambda: NOW,
    )


def _get(gateway: Gateway, target: str, token: str | None = None) -> tuple[int, Any]:
    headers = [("Host", "127.0.0.1:3000"), ("User-Agent", "pytest")]
    if token is not None:
        headers.append(("Authorization", token))
    response = gateway.handle(HttpRequest("GET", target, headers))
    return response.status, json.loads(response.body) if response.body else None


# --- the template ------------------------------------------------------------------------------

SMALL_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Handler: app.handler
    MemorySize: 256
    Timeout: 10
    Environment:
      Variables:
        TABLE: !Ref Table
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: api
      Auth:
        DefaultAuthorizer: Cognito
        Authorizers:
          Cognito:
            UserPoolArn: !GetAtt Pool.Arn
  Search:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/search/
      Events:
        Holders:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /holders/{qualificationNumber}
            Method: get
        Health:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /health
            Method: GET
            Auth: {Authorizer: NONE}
  Render:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/render
      Handler: worker.main
      Timeout: 60
      Events:
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt RenderQueue.Arn
            BatchSize: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
  RenderQueue:
    Type: AWS::SQS::Queue
"""


def test_routes_and_handlers_come_from_the_template(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(SMALL_TEMPLATE)

    template = SamTemplate.load(path)

    search, render = template.functions
    assert (search.module, search.attribute) == ("functions.search.app", "handler")
    assert (search.memory_mb, search.timeout_s) == (256, 10)
    assert [(e.method, e.path, e.authorized) for e in search.api_events] == [
        ("GET", "/holders/{qualificationNumber}", True),
        ("GET", "/health", False),
    ]
    assert (render.module, render.attribute, render.timeout_s) == (
        "functions.render.worker",
        "main",
        60,
    )
    consumer, source = template.sqs_consumer()
    assert consumer is render
    assert (source.queue, source.batch_size, source.reports_item_failures) == (
        "RenderQueue",
        5,
        True,
    )


def test_every_route_of_the_real_template_but_the_public_check_needs_a_token() -> None:
    template = SamTemplate.load()

    events = [e for f in template.functions for e in f.api_events]

    assert events
    assert {(e.method, e.path) for e in events if not e.authorized} == {("GET", "/verify/{code}")}


def test_every_function_of_the_real_template_names_an_importable_handler() -> None:
    for function in SamTemplate.load().functions:
        assert importlib.util.find_spec(function.module) is not None, function.module


# --- routing -----------------------------------------------------------------------------------


def test_a_literal_segment_wins_over_a_path_parameter() -> None:
    function = _function(Recorder())
    routes = [
        Route("GET", "/requests/{id}", function, authorized=True),
        Route("GET", "/requests/latest", function, authorized=True),
        Route("GET", "/requests/{id}/download", function, authorized=True),
    ]

    assert find_route(routes, "GET", "/requests/latest") == (routes[1], {})
    assert find_route(routes, "GET", "/requests/abc") == (routes[0], {"id": "abc"})
    assert find_route(routes, "GET", "/requests/abc/download") == (routes[2], {"id": "abc"})
    assert find_route(routes, "GET", "/requests/abc/other") is None
    assert find_route(routes, "POST", "/requests/abc") is None


def test_the_path_chooses_the_resource_before_the_method_does() -> None:
    function = _function(Recorder())
    routes = [
        Route("GET", "/requests/{id}", function, authorized=True),
        Route("POST", "/requests/preview", function, authorized=True),
    ]

    # As API Gateway: /requests/preview is the resource, and it has no GET.
    assert find_route(routes, "GET", "/requests/preview") is None
    assert find_route(routes, "POST", "/requests/preview") == (routes[1], {})


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("GET", "/api/nothing"),
        ("DELETE", "/api/me"),
        ("GET", "/me"),
        ("GET", "/api"),
        ("GET", "/api/holders/1/2"),
    ],
)
def test_an_undeclared_route_is_api_gateways_403_in_json(method: str, target: str) -> None:
    handler = Recorder()

    response = _gateway(handler).handle(HttpRequest(method, target, []))

    assert response.status == 403
    assert json.loads(response.body) == NO_ROUTE
    assert ("Content-Type", "application/json") in response.headers
    assert handler.events == []


def test_config_json_needs_no_token() -> None:
    assert _get(_gateway(Recorder()), "/config.json") == (200, CONFIG)


# --- the authorizer ----------------------------------------------------------------------------

REFUSED = {
    "no token": None,
    "not a JWT": "Bearer abc.def",
    "signed with another key": id_token(key=OTHER_KEY),
    "unknown key id": id_token(kid="other-key"),
    "other audience": id_token(aud="another-client"),
    "other issuer": id_token(iss=f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_Other"),
    "access token": id_token(token_use="access"),
    "no token_use": id_token(token_use=None),
    "no sub": id_token(sub=None),
    "HS256 instead of RS256": jwt.encode(
        {"sub": SUB, "aud": CLIENT, "iss": ISSUER, "token_use": "id"},
        "a-shared-secret-long-enough-for-hs256",
        algorithm="HS256",
        headers={"kid": "pool-key"},
    ),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_the_authorizer_refuses_a_bad_token_before_the_handler_runs(kind: str) -> None:
    handler = Recorder()

    status, body = _get(_gateway(handler), "/api/me", REFUSED[kind])

    assert (status, body) == (401, UNAUTHENTICATED)
    assert handler.events == []


def test_an_expired_token_is_refused_as_the_cognito_authorizer_refuses_it() -> None:
    # In AWS that is the UNAUTHORIZED response too ("The incoming token has expired" is only
    # its $context.error.message); EXPIRED_TOKEN is for expired SigV4 credentials.
    handler = Recorder()
    now = int(time.time())
    expired = id_token(iat=now - 7200, auth_time=now - 7200, exp=now - 1)

    status, body = _get(_gateway(handler), "/api/me", expired)

    assert (status, body) == (401, UNAUTHENTICATED)
    assert handler.events == []


@pytest.mark.parametrize("prefix", ["", "Bearer ", "bearer "])
def test_the_id_token_is_accepted_raw_or_after_bearer(prefix: str) -> None:
    handler = Recorder()

    status, _ = _get(_gateway(handler), "/api/me", prefix + id_token())

    assert status == 200
    assert handler.events[0]["requestContext"]["authorizer"]["claims"]["sub"] == SUB


def test_a_route_without_authorizer_gets_no_claims() -> None:
    handler = Recorder()

    status, _ = _get(_gateway(handler), "/open")
    assert status == 403  # outside /api
    status, _ = _get(_gateway(handler), "/api/open")

    assert status == 200
    assert "authorizer" not in handler.events[0]["requestContext"]


def test_a_route_without_authorizer_ignores_whatever_authorization_it_is_sent() -> None:
    # API Gateway checks no token on an Authorizer: NONE route, not even a broken one.
    handler = Recorder()

    status, _ = _get(_gateway(handler), "/api/open", "Bearer not-a-token")

    assert status == 200
    assert "authorizer" not in handler.events[0]["requestContext"]


def test_claims_arrive_as_strings_the_way_api_gateway_writes_them() -> None:
    claims = {
        "sub": SUB,
        "email_verified": True,
        "auth_time": 1544112503,
        "exp": 1544116103,
        "iat": 1544112503,
        "cognito:groups": ["admin", "staging-manager"],
    }

    assert claims_as_api_gateway_passes_them(claims) == {
        "sub": SUB,
        "email_verified": "true",
        "auth_time": "1544112503",
        "exp": "Thu Dec 06 17:08:23 UTC 2018",
        "iat": "Thu Dec 06 16:08:23 UTC 2018",
        "cognito:groups": "admin,staging-manager",
    }


# --- the event and the answer ------------------------------------------------------------------


def test_the_handler_gets_the_rest_proxy_event() -> None:
    handler = Recorder()
    token = id_token()

    status, _ = _get(
        _gateway(handler), "/api/holders/73029884?organisation=keira-bhv&q=a&q=b&empty=", token
    )

    assert status == 200
    event = handler.events[0]
    assert event["resource"] == "/holders/{qualificationNumber}"
    assert event["path"] == "/holders/73029884"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"qualificationNumber": "73029884"}
    assert event["queryStringParameters"] == {"organisation": "keira-bhv", "q": "b", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {
        "organisation": ["keira-bhv"],
        "q": ["a", "b"],
        "empty": [""],
    }
    assert event["headers"] == {
        "Host": "127.0.0.1:3000",
        "User-Agent": "pytest",
        "Authorization": token,
    }
    assert event["multiValueHeaders"]["Authorization"] == [token]
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["resourcePath"] == "/holders/{qualificationNumber}"
    assert context["httpMethod"] == "GET"
    assert context["path"] == "/api/holders/73029884"
    assert context["stage"] == "api"
    assert context["requestTimeEpoch"] == int(NOW.timestamp() * 1000)
    assert context["requestTime"] == "28/Nov/2026:16:20:03 +0000"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"]
    claims = context["authorizer"]["claims"]
    assert claims["email"] == "contact@keira-bhv.example"
    assert claims["email_verified"] == "true"
    assert all(isinstance(value, str) for value in claims.values())


def test_a_request_without_query_or_path_parameters_has_nulls() -> None:
    handler = Recorder()

    _get(_gateway(handler), "/api/me", id_token())

    event = handler.events[0]
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None


def test_a_post_body_reaches_the_handler_as_text() -> None:
    handler = Recorder({"statusCode": 202, "body": '{"id": "x"}'})
    body = json.dumps({"organisation": "keira-bhv", "reference": "Zoë"}).encode()

    response = _gateway(handler).handle(
        HttpRequest("POST", "/api/requests", [("Authorization", id_token())], body)
    )

    assert response.status == 202
    assert json.loads(handler.events[0]["body"]) == {
        "organisation": "keira-bhv",
        "reference": "Zoë",
    }


def test_the_handler_gets_a_lambda_context() -> None:
    handler = Recorder()

    _get(_gateway(handler), "/api/me", id_token())

    context = handler.contexts[0]
    assert context.function_name == "SearchFunction"
    assert context.memory_limit_in_mb == 512
    assert context.invoked_function_arn.endswith(":function:SearchFunction")
    assert context.aws_request_id
    assert 0 < context.get_remaining_time_in_millis() <= 15_000


def test_the_handlers_headers_and_base64_body_reach_the_client() -> None:
    handler = Recorder(
        {
            "statusCode": 200,
            "headers": {"Content-Type": "application/zip"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"PK\x03\x04").decode(),
            "isBase64Encoded": True,
        }
    )

    response = _gateway(handler).handle(
        HttpRequest("GET", "/api/me", [("Authorization", id_token())])
    )

    assert response.body == b"PK\x03\x04"
    assert ("Content-Type", "application/zip") in response.headers
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert any(k == "x-amzn-RequestId" for k, _ in response.headers)


@pytest.mark.parametrize(
    "answer", [RuntimeError("secret detail"), {"body": "no status"}, "not a dict"], ids=str
)
def test_a_crashing_or_malformed_handler_is_a_502_without_details(answer: Any) -> None:
    log: list[str] = []

    status, body = _get(_gateway(Recorder(answer), log), "/api/me", id_token())

    assert (status, body) == (
        502,
        {"message": "Something went wrong on our side; try again.", "code": "internal_error"},
    )
    assert "Traceback" in log[0]


# --- API Gateway's own answers -----------------------------------------------------------------


def _api_template(path: Path, gateway_responses: dict[str, Any], **globals_: Any) -> Path:
    """A template whose one route is on an API with these GatewayResponses (JSON is YAML too)."""
    route = {"RestApiId": {"Ref": "Api"}, "Path": "/me", "Method": "GET"}
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Globals": {"Api": globals_},
        "Resources": {
            "Api": {
                "Type": "AWS::Serverless::Api",
                "Properties": {"StageName": "api", "GatewayResponses": gateway_responses},
            },
            "Search": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "functions/search/",
                    "Handler": "app.handler",
                    "Events": {"Me": {"Type": "Api", "Properties": route}},
                },
            },
        },
    }
    path.write_text(json.dumps(template))
    return path


CUSTOMISED = {
    "UNAUTHORIZED": {
        "StatusCode": "401",
        "ResponseParameters": {
            "Headers": {"Content-Type": "'application/json'", "X-Portal": "'yes'"}
        },
        "ResponseTemplates": {
            "application/json": '{"message": "Sign in first.", "code": "unauthenticated"}'
        },
    },
    "DEFAULT_4XX": {
        "ResponseTemplates": {
            "application/json": '{"message": $context.error.messageString, '
            '"type": "$context.error.responseType", "code": "bad_request"}'
        }
    },
}


def test_gateway_responses_come_from_the_api_in_the_template(tmp_path: Path) -> None:
    path = _api_template(
        tmp_path / "template.yaml",
        CUSTOMISED,
        GatewayResponses={"THROTTLED": {"StatusCode": 429}},
    )

    responses = SamTemplate.load(path).gateway_responses

    assert set(responses.by_type) == {"UNAUTHORIZED", "DEFAULT_4XX", "THROTTLED"}
    unauthorized = responses.answer("UNAUTHORIZED", 401, "Unauthorized")
    assert unauthorized.status == 401
    assert json.loads(unauthorized.body) == {"message": "Sign in first.", "code": "unauthenticated"}
    assert unauthorized.headers == [("Content-Type", "application/json"), ("X-Portal", "yes")]
    assert responses.answer("THROTTLED", 429, "Too Many Requests").status == 429


def test_a_response_type_the_api_leaves_alone_falls_back_to_default_4xx_with_its_status(
    tmp_path: Path,
) -> None:
    responses = SamTemplate.load(_api_template(tmp_path / "t.yaml", CUSTOMISED)).gateway_responses

    answer = responses.answer("UNSUPPORTED_MEDIA_TYPE", 415, 'Unsupported "Media" Type')

    assert answer.status == 415
    assert json.loads(answer.body) == {
        "message": 'Unsupported "Media" Type',
        "type": "UNSUPPORTED_MEDIA_TYPE",
        "code": "bad_request",
    }


def test_without_any_gateway_responses_api_gateways_own_body_is_answered() -> None:
    answer = GatewayResponses().answer("DEFAULT_5XX", 502, "Internal server error")

    assert (answer.status, json.loads(answer.body)) == (502, {"message": "Internal server error"})
    assert answer.headers == [("Content-Type", "application/json")]


@pytest.mark.parametrize(
    "settings",
    [
        {"ResponseParameters": {"Headers": {"X-Name": "method.request.header.name"}}},
        {"ResponseParameters": {"QueryStrings": {"a": "'b'"}}},
        {"ResponseTemplates": {"application/xml": "<message/>"}},
        {"ResponseTemplates": {"application/json": '{"message": "$context.requestId"}'}},
        {"StatusCode": "4xx"},
    ],
    ids=str,
)
def test_a_gateway_response_without_a_local_stand_in_stops_the_template_loading(
    tmp_path: Path, settings: dict[str, Any]
) -> None:
    path = _api_template(tmp_path / "template.yaml", {"ACCESS_DENIED": settings})

    with pytest.raises(TemplateError, match="ACCESS_DENIED"):
        SamTemplate.load(path)


@pytest.mark.parametrize(
    ("response_type", "status", "code"),
    [
        ("UNAUTHORIZED", 401, "unauthenticated"),
        ("EXPIRED_TOKEN", 401, "unauthenticated"),
        ("MISSING_AUTHENTICATION_TOKEN", 403, "route_not_found"),
        ("ACCESS_DENIED", 403, "access_denied"),
        ("THROTTLED", 429, "throttled"),
        ("REQUEST_TOO_LARGE", 413, "request_too_large"),
        ("DEFAULT_4XX", 418, "bad_request"),
        ("DEFAULT_5XX", 504, "internal_error"),
    ],
)
def test_the_real_templates_gateway_responses_answer_json_with_a_code(
    response_type: str, status: int, code: str
) -> None:
    answer = RESPONSES.answer(response_type, status, 'A "quoted" message')

    body = json.loads(answer.body)
    assert answer.status == status
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    assert ("Content-Type", "application/json") in answer.headers


def test_a_gateway_response_renders_the_message_as_api_gateway_substitutes_it() -> None:
    response = GatewayResponse(
        template='{"message": $context.error.messageString, "detail": "$context.error.message"}'
    )

    answer = response.render("DEFAULT_4XX", 400, 'Bad "request" \\ here')

    assert json.loads(answer.body) == {
        "message": 'Bad "request" \\ here',
        "detail": 'Bad "request" \\ here',
    }


# --- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def served() -> Iterator[tuple[GatewayServer, list[str]]]:
    lines: list[str] = []
    server = GatewayServer(("127.0.0.1", 0), responses=RESPONSES, log=lines.append)
    server.gateway = _gateway(Recorder())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, lines
    server.shutdown()
    server.server_close()


def test_the_server_answers_over_http_and_logs_one_line_per_request(
    served: tuple[GatewayServer, list[str]],
) -> None:
    server, lines = served
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/api/me?x=1", headers={"Authorization": id_token()}
    )

    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        assert answer.status == 200
        assert json.load(answer) == {"ok": True}
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/me", timeout=5)
    assert refused.value.code == 401
    refused.value.close()
    # The line is written once the answer is sent, so it may trail the client by a moment.
    deadline = time.monotonic() + 5
    while len(lines) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)

    assert len(lines) == 2
    method, path, status, elapsed, unit = lines[0].split()
    assert (method, path, status, unit) == ("GET", "/api/me", "200", "ms")
    assert elapsed.isdigit()
    assert lines[1].startswith("GET /api/me 401 ")


def test_a_taken_port_fails_when_the_server_is_made(
    served: tuple[GatewayServer, list[str]],
) -> None:
    server, _ = served

    with pytest.raises(OSError, match="in use") as taken:
        GatewayServer(("127.0.0.1", server.port), responses=RESPONSES)

    assert isinstance(taken.value, OSError)


def _raw(port: int, request: bytes) -> tuple[int, str | None, Any]:
    """(status, Content-Type, JSON body) of bytes sent as they are, past any client's checks."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        answer = http.client.HTTPResponse(connection)
        answer.begin()
        with answer:
            return answer.status, answer.getheader("Content-Type"), json.loads(answer.read())


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        (b"GET /api/me?q=" + b"a" * 70_000 + b" HTTP/1.1", 414),
        (b"GET /api/me?q=a b HTTP/1.1", 400),
        (b"GET /api/holders/caf\xc3\xa9 HTTP/1.1", 400),
        (b"GET /api/me\x01 HTTP/1.1", 400),
        (b"GET /api/me HTTP/2.0", 505),
        (b"GET /api/me", 400),
    ],
    ids=["request line over 64 KB", "space", "raw UTF-8", "control byte", "HTTP/2", "HTTP/0.9"],
)
def test_a_request_the_http_server_refuses_itself_is_answered_in_json(
    served: tuple[GatewayServer, list[str]], request_line: bytes, status: int
) -> None:
    server, _ = served

    answer = _raw(server.port, request_line + b"\r\nHost: localhost\r\n\r\n")

    assert answer[:2] == (status, "application/json")
    assert set(answer[2]) == {"message", "code"}
    assert answer[2]["code"] == ("internal_error" if status >= 500 else "bad_request")


def test_too_many_headers_are_answered_in_json(served: tuple[GatewayServer, list[str]]) -> None:
    server, _ = served
    headers = b"".join(b"X-%d: 1\r\n" % n for n in range(120))

    status, content_type, body = _raw(server.port, b"GET /api/me HTTP/1.1\r\n" + headers + b"\r\n")

    assert (status, content_type, body["code"]) == (431, "application/json", "bad_request")


def test_a_body_over_api_gateways_10_mb_is_refused_before_it_is_read(
    served: tuple[GatewayServer, list[str]],
) -> None:
    server, _ = served
    request = (
        b"POST /api/requests HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1)
    )

    status, content_type, body = _raw(server.port, request)

    assert (status, content_type, body["code"]) == (413, "application/json", "request_too_large")


def test_a_method_no_route_declares_is_api_gateways_403_not_a_501(
    served: tuple[GatewayServer, list[str]],
) -> None:
    server, _ = served

    answer = _raw(server.port, b"TRACE /api/me HTTP/1.1\r\nHost: localhost\r\n\r\n")

    assert answer == (403, "application/json", NO_ROUTE)
