"""API Gateway's own answers (GatewayResponses): what it says when the token, the route or the
handler is wrong, rendered from the template's templates as API Gateway renders them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus

from infra.local.gateway.messages import HttpResponse

# What API Gateway answers for a response type the API does not customise.
AWS_DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'

# The variables a gateway response template may use here: API Gateway substitutes them (the
# templates are not VTL); $context.error.messageString is the message as a quoted JSON string.
ERROR_VARIABLE = re.compile(r"\$context\.error\.(messageString|message|responseType)\b")
ANY_VARIABLE = re.compile(r"\$\w+(?:\.\w+)*")


@dataclass(frozen=True)
class GatewayResponse:
    """One of API Gateway's own answers, as a `GatewayResponses` entry of the API shapes it."""

    status: int | None = None  # None: the status of the error itself
    headers: tuple[tuple[str, str], ...] = ()
    template: str = AWS_DEFAULT_TEMPLATE  # the application/json body

    def render(self, response_type: str, status: int, message: str) -> HttpResponse:
        quoted = json.dumps(message)
        values = {"messageString": quoted, "message": quoted[1:-1], "responseType": response_type}
        body = ERROR_VARIABLE.sub(lambda found: values[found.group(1)], self.template)
        headers = list(self.headers)
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers.insert(0, ("Content-Type", "application/json"))
        return HttpResponse(status=self.status or status, headers=headers, body=body.encode())


def default_response_type(status: int) -> str:
    """The response type of an error no more specific type covers."""
    return "DEFAULT_5XX" if status >= HTTPStatus.INTERNAL_SERVER_ERROR else "DEFAULT_4XX"


@dataclass(frozen=True)
class GatewayResponses:
    """The API's customised gateway responses, by response type (UNAUTHORIZED, DEFAULT_4XX ...)."""

    by_type: Mapping[str, GatewayResponse] = field(default_factory=dict)

    def answer(
        self,
        response_type: str,
        status: int,
        message: str,
        headers: Iterable[tuple[str, str]] = (),
    ) -> HttpResponse:
        """API Gateway's answer: the type's own response, else DEFAULT_4XX or DEFAULT_5XX, else
        API Gateway's built-in `{"message": ...}`; `message` is `$context.error.message`."""
        response = self.by_type.get(response_type) or self.by_type.get(
            default_response_type(status)
        )
        rendered = (response or GatewayResponse()).render(response_type, status, message)
        return HttpResponse(rendered.status, [*rendered.headers, *headers], rendered.body)
