"""What each function imports on a cold start: the heavy renderer only where it renders, and the
X-Ray SDK only where tracing is on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = (
    "reportlab",
    "pasjes.render",
    "aws_lambda_powertools.utilities.idempotency",
    "aws_xray_sdk",
)
# Every variable a function's settings require, so a handler can answer without AWS (a 401).
_SETTINGS = {
    "AWS_REGION": "eu-west-1",
    "ORGANISATIONS_TABLE": "organisations",
    "CONTACTS_TABLE": "contacts",
    "HOLDERS_TABLE": "holders",
    "REGISTRATIONS_TABLE": "registrations",
    "REQUESTS_TABLE": "requests",
    "IDEMPOTENCY_TABLE": "idempotency",
    "PASSES_BUCKET": "passes",
    "RENDER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/render",
}
# A deployed function with tracing switched on, as the template's Tracing parameter makes it.
TRACING_ON = {
    **_SETTINGS,
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_LAMBDA_FUNCTION_NAME": "pasjesportaal-download",
    "POWERTOOLS_TRACE_DISABLED": "false",
    "POWERTOOLS_SERVICE_NAME": "pasjesportaal",
    "_X_AMZN_TRACE_ID": (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    ),
    # Where the SDK sends its segments: nobody listens, and UDP does not care.
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
}
TRACING_OFF = {**TRACING_ON, "POWERTOOLS_TRACE_DISABLED": "true"}


def _run(probe: str, env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "PYTHONPATH": str(REPO), **env},
    )
    return result.stdout.strip().splitlines()[-1]


def imported_by(module: str, env: dict[str, str] | None = None) -> dict[str, bool]:
    probe = (
        f"import json, sys; import {module}; "
        f"print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))"
    )
    return dict(json.loads(_run(probe, env or {"POWERTOOLS_TRACE_DISABLED": "true"})))


@pytest.mark.parametrize("function", ["search", "download", "verify"])
def test_search_download_and_verify_import_neither_the_renderer_nor_idempotency(
    function: str,
) -> None:
    assert imported_by(f"functions.{function}.app") == dict.fromkeys(HEAVY, False)


def test_submit_imports_idempotency_but_not_the_renderer() -> None:
    imported = imported_by("functions.submit.app")
    assert imported["aws_lambda_powertools.utilities.idempotency"]
    assert not imported["reportlab"]


def test_render_imports_the_renderer() -> None:
    assert imported_by("functions.render.app")["reportlab"]


@pytest.mark.parametrize("function", ["search", "submit", "download", "verify", "render"])
def test_no_function_imports_the_xray_sdk_in_a_lambda_with_tracing_off(function: str) -> None:
    assert not imported_by(f"functions.{function}.app", TRACING_OFF)["aws_xray_sdk"]


def test_a_function_with_tracing_on_imports_the_xray_sdk() -> None:
    assert imported_by("functions.download.app", TRACING_ON)["aws_xray_sdk"]


_CALL_WITHOUT_TOKEN = (
    "import json, sys; from functions.download import app; "
    "from aws_lambda_powertools.utilities.typing import LambdaContext; "
    "context = LambdaContext(); context._function_name = 'pasjesportaal-download'; "
    "context._aws_request_id = 'r-1'; context._memory_limit_in_mb = 512; "
    "context._invoked_function_arn = 'arn:aws:lambda:eu-west-1:123456789012:function:f'; "
    "answer = app.handler({'httpMethod': 'GET', 'path': '/requests', 'resource': '/requests', "
    "'headers': {}, 'requestContext': {'requestId': 'a-1'}}, context); "
    "print(json.dumps([answer['statusCode'], json.loads(answer['body'])['code'], "
    "'aws_xray_sdk' in sys.modules]))"
)


@pytest.mark.parametrize("env", [TRACING_ON, TRACING_OFF], ids=["tracing on", "tracing off"])
def test_a_handler_answers_the_same_with_and_without_tracing(env: dict[str, str]) -> None:
    status, code, traced = json.loads(_run(_CALL_WITHOUT_TOKEN, env))
    assert (status, code) == (401, "unauthenticated")
    assert traced is (env is TRACING_ON)
