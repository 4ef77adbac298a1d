"""The local API Gateway's HTTP server, on a socket of this process: what it answers and refuses
before a request reaches the gateway, and its one log line per request."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.gateway.server import MAX_BODY_BYTES, GatewayServer
from tests.local_gateway import NO_ROUTE, RESPONSES, Recorder, gateway_for, id_token


@pytest.fixture
def served() -> Iterator[tuple[GatewayServer, list[str]]]:
    lines: list[str] = []
    server = GatewayServer(("127.0.0.1", 0), responses=RESPONSES, log=lines.append)
    server.gateway = gateway_for(Recorder())
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


def test_the_log_line_names_the_route_not_the_path_with_its_codes_and_ids(
    served: tuple[GatewayServer, list[str]],
) -> None:
    server, lines = served
    for target in ("/api/requests/Xq3v9Zr2Lm8Np4Kw", "/api/holders/99600953?q=Jansen"):
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}{target}", headers={"Authorization": id_token()}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            assert answer.status == 200
    deadline = time.monotonic() + 5
    while len(lines) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)

    assert [line.rsplit(" ", 3)[0] for line in lines] == [
        "GET /api/requests/{id}",
        "GET /api/holders/{qualificationNumber}",
    ]
    assert not any("Xq3v9Zr2Lm8Np4Kw" in line or "99600953" in line for line in lines)
