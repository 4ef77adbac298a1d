"""The local stack (`python -m infra.local`) in a subprocess on free ports, and a client for it."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest

from infra.local.totp import password_sign_in
from infra.ops.demo_data import DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
STOP_SECONDS = 20

CONTACT = "contact@keira-bhv.example"  # Keira BHV and a second organisation
COLLEAGUE = "collega@keira-bhv.example"  # Keira BHV only
STRANGER = "contact@reddingsbrigade.example"  # a third organisation only
MANUAL_EXAM_HOLDERS = ("99731441", "99600953", "99694102")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class StackProcess:
    """One `python -m infra.local` with its combined output in a file."""

    process: subprocess.Popen[bytes]
    log: Path
    port: int
    moto_port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def imports(self) -> Path:
        """The stack's imports folder (IMPORTS_DIR): an export dropped here is imported."""
        return self.log.parent / f"imports-{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_ready(self, timeout: float = STARTUP_SECONDS) -> dict[str, Any]:
        """The stack's /config.json, once it answers; fails with the stack's output otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"the local stack exited with {self.process.returncode} while starting:\n"
                    + self.output()
                )
            try:
                url = f"{self.base_url}/config.json"
                with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - http://127.0.0.1
                    config: dict[str, Any] = json.load(answer)
                    return config
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.process.kill()
        self.process.wait()
        pytest.fail(f"the local stack was not ready within {timeout} s:\n" + self.output())

    def interrupt(self, signum: int = signal.SIGINT, timeout: float = STOP_SECONDS) -> int:
        """Send Ctrl-C (or another signal) and return the exit code."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"the local stack did not stop within {timeout} s:\n" + self.output())


@contextmanager
def running_stack(log_dir: Path) -> Iterator[StackProcess]:
    """A started, ready stack; stopped at the end as a service manager stops it (SIGTERM),
    which must exit it with 0."""
    stack = start_stack(log_dir)
    try:
        stack.wait_until_ready()
        yield stack
    finally:
        if stack.process.poll() is None:
            code = stack.interrupt(signal.SIGTERM)
            assert code == 0, f"the stack exited with {code} on SIGTERM:\n{stack.output()}"


def start_stack(
    log_dir: Path,
    *,
    port: int | None = None,
    moto_port: int | None = None,
    arguments: Sequence[str] = (),
) -> StackProcess:
    port = free_port() if port is None else port
    moto_port = free_port() if moto_port is None else moto_port
    log = log_dir / f"stack-{port}.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "MOTO_PORT": str(moto_port),
        "PYTHONUNBUFFERED": "1",
        # Its own imports folder, not the project's imports/.
        "IMPORTS_DIR": str(log_dir / f"imports-{port}"),
        # ...and its own mail folder (make overview), not the project's mail/.
        "MAIL_DIR": str(log_dir / f"mail-{port}"),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "infra.local", *arguments],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return StackProcess(process=process, log=log, port=port, moto_port=moto_port)


@dataclass
class StackClient:
    """Signs in against the stack's Cognito and calls its API over HTTP."""

    base_url: str
    config: Mapping[str, str]
    _tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def authentication(self, email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        """The IdToken, AccessToken ... of a USER_PASSWORD_AUTH sign-in with the authenticator
        code (infra.local.totp) as its second step, as a browser gets them."""
        if email not in self._tokens:
            cognito = boto3.client(
                "cognito-idp",
                region_name=self.config["region"],
                endpoint_url=self.config["cognitoEndpoint"],
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            result = password_sign_in(cognito, self.config["userPoolClientId"], email, password)
            self._tokens[email] = {
                "IdToken": result["IdToken"],
                "AccessToken": result["AccessToken"],
            }
        return self._tokens[email]

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> str:
        """The ID token, which the API's Cognito authorizer expects."""
        return self.authentication(email, password)["IdToken"]

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, Any]:
        """(status, decoded JSON body) of a call to `path` (which includes /api)."""
        sent = {"Accept": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 - the local stack's own URL
            self.base_url + path, data=data, headers=sent, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                return answer.status, _json(answer.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, _json(error.read())

    def send_raw(self, request: bytes) -> tuple[int, str | None, Any]:
        """(status, Content-Type, decoded JSON body) of bytes sent as they are: a request no
        HTTP client would send, such as raw UTF-8 in the path or a 70 KB request line."""
        address = urlsplit(self.base_url)
        host, port = address.hostname or "127.0.0.1", address.port or 80
        with socket.create_connection((host, port), timeout=30) as connection:
            connection.sendall(request)
            answer = http.client.HTTPResponse(connection)
            answer.begin()
            with answer:
                return answer.status, answer.getheader("Content-Type"), _json(answer.read())

    def get(self, path: str, *, token: str | None = None) -> tuple[int, Any]:
        return self.request("GET", path, token=token)

    def post(
        self,
        path: str,
        body: Any,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, Any]:
        return self.request("POST", path, token=token, body=body, headers=headers)

    def wait_until_ready(self, request_id: str, token: str, timeout: float = 30) -> dict[str, Any]:
        """Poll GET /api/requests/{id} until the request is ready (or fail on failed/timeout)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            status, last = self.get(f"/api/requests/{request_id}", token=token)
            assert status == 200, last
            if last["status"] == "ready":
                return dict(last)
            assert last["status"] in ("pending", "rendering"), last
            time.sleep(0.2)
        pytest.fail(f"request {request_id} was not ready within {timeout} s: {last}")


def _json(raw: bytes) -> Any:
    """The decoded JSON body; a body that is no JSON (the export's CSV) as text."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", errors="replace")
