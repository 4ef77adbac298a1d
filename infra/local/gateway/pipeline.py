"""One request through API Gateway's steps: `/config.json`, or an `/api` route of the template
(the Cognito authorizer, then the handler through the proxy integration), or else the web app."""

from __future__ import annotations

import traceback
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from infra.local.gateway.authorizer import CognitoTokenVerifier, TokenRejected
from infra.local.gateway.messages import HttpRequest, HttpResponse, json_response
from infra.local.gateway.proxy import build_event, proxy_response
from infra.local.gateway.responses import GatewayResponses
from infra.local.gateway.routing import API_PREFIX, Route, find_route
from infra.local.output import Log, stderr

if TYPE_CHECKING:
    from infra.local.webapp import WebApp


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
        # The API's BinaryMediaTypes: a base64 answer becomes bytes only for a request whose
        # first Accept type is one of them; otherwise the client gets the base64 text, as from
        # API Gateway.
        self.binary_media_types: tuple[str, ...] = ()
        # Local-only actions (POST path -> the text it answers), e.g. the monthly overview now.
        self.local_actions: dict[str, Callable[[], str]] = {}
        self._log = log or stderr
        self._clock = clock

    def handle(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        response, route = self._answer(request, request_id)
        return HttpResponse(
            status=response.status,
            headers=[*response.headers, ("x-amzn-RequestId", request_id)],
            body=response.body,
            route=route,
        )

    def _answer(self, request: HttpRequest, request_id: str) -> tuple[HttpResponse, str]:
        """The answer, and the route it names in the access log."""
        path = urlsplit(request.target).path
        if path == "/config.json" and request.method in ("GET", "HEAD"):
            return json_response(HTTPStatus.OK, self.client_config), path
        if path in self.local_actions and request.method == "POST":
            text = self.local_actions[path]()
            headers = [("Content-Type", "text/plain; charset=utf-8")]
            return HttpResponse(status=HTTPStatus.OK, headers=headers, body=text.encode()), path
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            answer = self.webapp.answer(request) if self.webapp else self._no_route()
            return answer, _page_route(path)
        api_path = path[len(API_PREFIX) :] or "/"
        found = find_route(self.routes, request.method, api_path)
        if found is None:
            return self._no_route(), f"{API_PREFIX}/(no route)"
        route, path_parameters = found
        return self._call(request, request_id, route, api_path, path_parameters), (
            API_PREFIX + route.resource
        )

    def _call(
        self,
        request: HttpRequest,
        request_id: str,
        route: Route,
        api_path: str,
        path_parameters: dict[str, str],
    ) -> HttpResponse:
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
            accept = (request.header("Accept") or "").split(",")[0].split(";")[0].strip()
            binary = accept in self.binary_media_types
            return proxy_response(route.function.invoke(event), decode_base64=binary)
        except Exception:  # any handler failure is API Gateway's 502
            self._log(
                f"error: {route.function.spec.name} failed on {request.method} "
                f"{API_PREFIX}{route.resource}\n" + traceback.format_exc().rstrip()
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


# The app's page of the public check carries a pass's code in its path, as the API's does.
_CHECK_PAGE = "/v/"


def _page_route(path: str) -> str:
    """A page of the web app as the access log names it: the check page without its code."""
    return _CHECK_PAGE + "{code}" if path.startswith(_CHECK_PAGE) else path
