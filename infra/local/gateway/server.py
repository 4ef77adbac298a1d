"""The local gateway's HTTP server: every method to the gateway, and the requests it refuses
itself (malformed, too large a body) in the template's JSON, never the stdlib's HTML page."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infra.local.gateway.messages import HttpRequest, HttpResponse, json_response
from infra.local.gateway.pipeline import Gateway
from infra.local.gateway.responses import GatewayResponses, default_response_type
from infra.local.output import Log, stderr

# API Gateway rejects larger payloads before the function sees them (REQUEST_TOO_LARGE).
MAX_BODY_BYTES = 10 * 1024 * 1024

# A request target with a byte outside printable ASCII (a raw UTF-8 byte, a control character)
# is malformed HTTP; clients percent-encode those.
_MALFORMED_TARGET = re.compile(r"[^\x21-\x7e]")


class GatewayServer(ThreadingHTTPServer):
    """Binds its port on construction, so a taken port fails before anything else starts.

    `responses` (the template's gateway responses) shape the answers the server gives itself,
    before a request reaches the gateway: a malformed request, too large a body.
    """

    daemon_threads = True
    # API Gateway takes every connection: 50 people and a burst of 20 submits must queue for the
    # function, not be refused by a listen backlog of socketserver's default 5.
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        *,
        responses: GatewayResponses,
        log: Log | None = None,
    ) -> None:
        super().__init__(address, _RequestHandler)
        self.gateway: Gateway | None = None
        self.responses = responses
        self.log = log or stderr

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _RequestHandler(BaseHTTPRequestHandler):
    server: GatewayServer
    protocol_version = "HTTP/1.1"

    def __getattr__(self, name: str) -> Callable[[], None]:
        # The stdlib looks up do_<METHOD> and answers 501 for a method without one; API Gateway
        # answers every method, an undeclared one with its 403, so every method goes to _serve.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        started = time.monotonic()
        if self.request_version == "HTTP/0.9" or _MALFORMED_TARGET.search(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({self.requestline!r})")
            return
        declared = (self.headers.get("Content-Length") or "0").strip()
        length = int(declared) if declared.isdigit() else -1
        body_read = False
        if length < 0:
            response = self.server.responses.answer(
                "DEFAULT_4XX", HTTPStatus.BAD_REQUEST, "Bad Content-Length"
            )
        elif length > MAX_BODY_BYTES:
            response = self.server.responses.answer(
                "REQUEST_TOO_LARGE", HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Too Long"
            )
        elif self.server.gateway is None:
            response = json_response(
                HTTPStatus.SERVICE_UNAVAILABLE,
                {"message": "The local stack is still starting.", "code": "starting"},
            )
        else:
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
                source_ip=self.client_address[0],
            )
            response = self.server.gateway.handle(request)
            body_read = True
        if not body_read:
            # What is left of the body must not be taken for the next request on this connection.
            self.close_connection = True
        self._send(response, started)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What the stdlib refuses itself (a request line over 64 KB, bad syntax, too many
        headers, a version it does not speak) in the template's JSON, not the stdlib's HTML."""
        started = time.monotonic()
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            # Without this the stdlib would write the body without a status line or headers.
            self.request_version = self.protocol_version
        status = HTTPStatus(code)
        response = self.server.responses.answer(
            default_response_type(status), status, message or status.phrase
        )
        self._send(response, started)

    def _send(self, response: HttpResponse, started: float) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        elapsed_ms = (time.monotonic() - started) * 1000
        # A request line the stdlib refused may have left no method to log. The route, not the
        # path: a year of logs must not be a list of pass codes, numbers and request ids to look
        # up (as API Gateway's access log in the template). A request refused before it reached
        # the gateway has no route.
        method = self.command or "-"
        self.server.log(f"{method} {response.route or '-'} {response.status} {elapsed_ms:.0f} ms")

    def log_message(self, format: str, *args: Any) -> None:
        # _send logs one line per request; the stdlib's own lines would repeat it on stderr.
        return
