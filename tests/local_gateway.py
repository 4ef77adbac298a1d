"""A local API Gateway to test: a pool's keys and tokens, a handler that records its events, and
a gateway routing to it (for the gateway's unit tests and its HTTP server's stack tests)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local.gateway.authorizer import CognitoTokenVerifier
from infra.local.gateway.lambda_runtime import LocalFunction
from infra.local.gateway.messages import HttpRequest
from infra.local.gateway.pipeline import Gateway
from infra.local.gateway.routing import Route
from infra.local.gateway.template import FunctionSpec, SamTemplate

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


def jwks() -> dict[str, Any]:
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


def local_function(handler: Recorder, name: str = "SearchFunction") -> LocalFunction:
    spec = FunctionSpec(
        logical_id=name,
        name=name,
        module="functions.search.app",
        attribute="handler",
        memory_mb=512,
        timeout_s=15,
    )
    return LocalFunction(spec, region=REGION, handler=handler)


def gateway_for(handler: Recorder, log: list[str] | None = None) -> Gateway:
    function = local_function(handler)
    routes = [
        Route("GET", "/me", function, authorized=True),
        Route("GET", "/holders", function, authorized=True),
        Route("GET", "/holders/{qualificationNumber}", function, authorized=True),
        Route("POST", "/requests", function, authorized=True),
        Route("GET", "/requests/{id}", function, authorized=True),
        Route("GET", "/requests/{id}/download", function, authorized=True),
        Route("GET", "/open", function, authorized=False),
    ]
    verifier = CognitoTokenVerifier(jwks=jwks(), region=REGION, user_pool_id=POOL, client_id=CLIENT)
    sink = log if log is not None else []
    return Gateway(
        routes=routes,
        verifier=verifier,
        responses=RESPONSES,
        client_config=CONFIG,
        log=sink.append,
        clock=lambda: NOW,
    )


def get(gateway: Gateway, target: str, token: str | None = None) -> tuple[int, Any]:
    headers = [("Host", "127.0.0.1:3000"), ("User-Agent", "pytest")]
    if token is not None:
        headers.append(("Authorization", token))
    response = gateway.handle(HttpRequest("GET", target, headers))
    return response.status, json.loads(response.body) if response.body else None
