"""The local API Gateway: routes from the template, the Cognito authorizer, the proxy event."""

from __future__ import annotations

import base64
import importlib.util
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest

from infra.local.gateway.authorizer import claims_as_api_gateway_passes_them
from infra.local.gateway.messages import HttpRequest
from infra.local.gateway.responses import GatewayResponse, GatewayResponses
from infra.local.gateway.routing import Route, find_route
from infra.local.gateway.template import SamTemplate, TemplateError
from tests.local_gateway import (
    CLIENT,
    CONFIG,
    ISSUER,
    NO_ROUTE,
    NOW,
    OTHER_KEY,
    REGION,
    RESPONSES,
    SUB,
    UNAUTHENTICATED,
    Recorder,
    gateway_for,
    get,
    id_token,
    local_function,
)

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
    function = local_function(Recorder())
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
    function = local_function(Recorder())
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

    response = gateway_for(handler).handle(HttpRequest(method, target, []))

    assert response.status == 403
    assert json.loads(response.body) == NO_ROUTE
    assert ("Content-Type", "application/json") in response.headers
    assert handler.events == []


def test_config_json_needs_no_token() -> None:
    assert get(gateway_for(Recorder()), "/config.json") == (200, CONFIG)


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

    status, body = get(gateway_for(handler), "/api/me", REFUSED[kind])

    assert (status, body) == (401, UNAUTHENTICATED)
    assert handler.events == []


def test_an_expired_token_is_refused_as_the_cognito_authorizer_refuses_it() -> None:
    # In AWS that is the UNAUTHORIZED response too ("The incoming token has expired" is only
    # its $context.error.message); EXPIRED_TOKEN is for expired SigV4 credentials.
    handler = Recorder()
    now = int(time.time())
    expired = id_token(iat=now - 7200, auth_time=now - 7200, exp=now - 1)

    status, body = get(gateway_for(handler), "/api/me", expired)

    assert (status, body) == (401, UNAUTHENTICATED)
    assert handler.events == []


@pytest.mark.parametrize("prefix", ["", "Bearer ", "bearer "])
def test_the_id_token_is_accepted_raw_or_after_bearer(prefix: str) -> None:
    handler = Recorder()

    status, _ = get(gateway_for(handler), "/api/me", prefix + id_token())

    assert status == 200
    assert handler.events[0]["requestContext"]["authorizer"]["claims"]["sub"] == SUB


def test_a_route_without_authorizer_gets_no_claims() -> None:
    handler = Recorder()

    status, _ = get(gateway_for(handler), "/open")
    assert status == 403  # outside /api
    status, _ = get(gateway_for(handler), "/api/open")

    assert status == 200
    assert "authorizer" not in handler.events[0]["requestContext"]


def test_a_route_without_authorizer_ignores_whatever_authorization_it_is_sent() -> None:
    # API Gateway checks no token on an Authorizer: NONE route, not even a broken one.
    handler = Recorder()

    status, _ = get(gateway_for(handler), "/api/open", "Bearer not-a-token")

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

    status, _ = get(
        gateway_for(handler), "/api/holders/73029884?organisation=keira-bhv&q=a&q=b&empty=", token
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

    get(gateway_for(handler), "/api/me", id_token())

    event = handler.events[0]
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None


def test_a_post_body_reaches_the_handler_as_text() -> None:
    handler = Recorder({"statusCode": 202, "body": '{"id": "x"}'})
    body = json.dumps({"organisation": "keira-bhv", "reference": "Zoë"}).encode()

    response = gateway_for(handler).handle(
        HttpRequest("POST", "/api/requests", [("Authorization", id_token())], body)
    )

    assert response.status == 202
    assert json.loads(handler.events[0]["body"]) == {
        "organisation": "keira-bhv",
        "reference": "Zoë",
    }


def test_the_handler_gets_a_lambda_context() -> None:
    handler = Recorder()

    get(gateway_for(handler), "/api/me", id_token())

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

    gateway = gateway_for(handler)
    # As API Gateway: bytes only for a request that accepts a binary media type of the API.
    gateway.binary_media_types = ("application/zip",)
    accepts = ("Accept", "application/zip")

    response = gateway.handle(
        HttpRequest("GET", "/api/me", [("Authorization", id_token()), accepts])
    )
    as_text = gateway.handle(HttpRequest("GET", "/api/me", [("Authorization", id_token())]))

    assert response.body == b"PK\x03\x04"
    assert as_text.body == base64.b64encode(b"PK\x03\x04")
    assert ("Content-Type", "application/zip") in response.headers
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert any(k == "x-amzn-RequestId" for k, _ in response.headers)


@pytest.mark.parametrize(
    "answer", [RuntimeError("secret detail"), {"body": "no status"}, "not a dict"], ids=str
)
def test_a_crashing_or_malformed_handler_is_a_502_without_details(answer: Any) -> None:
    log: list[str] = []

    status, body = get(gateway_for(Recorder(answer), log), "/api/me", id_token())

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


def test_the_access_log_names_the_route_of_an_answer_never_its_codes_or_ids() -> None:
    gateway = gateway_for(Recorder())
    routes = {
        target: gateway.handle(HttpRequest("GET", target, [("Authorization", id_token())])).route
        for target in (
            "/api/holders/99600953?organisation=keira-bhv",
            "/api/requests/Xq3v9Zr2Lm8Np4Kw/download",
            "/api/nowhere/99600953",
            "/config.json",
            "/v/ABCDEFGHJKMNPQRSTVWXYZ2",
            "/verzoeken",
        )
    }

    assert routes == {
        "/api/holders/99600953?organisation=keira-bhv": "/api/holders/{qualificationNumber}",
        "/api/requests/Xq3v9Zr2Lm8Np4Kw/download": "/api/requests/{id}/download",
        "/api/nowhere/99600953": "/api/(no route)",
        "/config.json": "/config.json",
        "/v/ABCDEFGHJKMNPQRSTVWXYZ2": "/v/{code}",
        "/verzoeken": "/verzoeken",
    }
