"""What each function imports on a cold start: the heavy renderer only where it renders, the X-Ray
SDK only where tracing is on, boto3, msgspec and the idempotency utility only when a call needs
them; and the collector running again after the import, with what it imported frozen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = (
    "reportlab",
    "pasjes.render",
    "aws_lambda_powertools.utilities.idempotency",
    "aws_xray_sdk",
    # Imported by the first call that needs them (a client, packed rows or passes).
    "boto3",
    "msgspec",
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


_FUNCTIONS = ("search", "submit", "download", "verify", "render")


def _imports(module: str) -> str:
    return f"import json, sys; import {module}; print(json.dumps({{{_HEAVY_IMPORTED}}}))"


# What a probe reports, as the items of a dict: which heavy modules it imported, and the collector.
_HEAVY_IMPORTED = (
    f"**{{name: name in sys.modules for name in {HEAVY!r}}}, "
    "'collecting': __import__('gc').isenabled(), 'frozen': __import__('gc').get_freeze_count()"
)
# download's handler called without a token: its answer, and what the call imported.
_CALL_WITHOUT_TOKEN = (
    "import json, sys; from functions.download import app; "
    "from aws_lambda_powertools.utilities.typing import LambdaContext; "
    "context = LambdaContext(); context._function_name = 'pasjesportaal-download'; "
    "context._aws_request_id = 'r-1'; context._memory_limit_in_mb = 512; "
    "context._invoked_function_arn = 'arn:aws:lambda:eu-west-1:123456789012:function:f'; "
    "answer = app.handler({'httpMethod': 'GET', 'path': '/requests', 'resource': '/requests', "
    "'headers': {}, 'requestContext': {'requestId': 'a-1'}}, context); "
    "print(json.dumps({'status': answer['statusCode'], "
    f"'code': json.loads(answer['body'])['code'], {_HEAVY_IMPORTED}}}))"
)

# Each probe needs an interpreter of its own (a fresh sys.modules, as a new container has).
_PROBES: dict[str, tuple[str, dict[str, str]]] = {
    **{f: (_imports(f"functions.{f}.app"), TRACING_OFF) for f in _FUNCTIONS if f != "download"},
    "download": (_CALL_WITHOUT_TOKEN, TRACING_OFF),
    "download, tracing on": (_CALL_WITHOUT_TOKEN, TRACING_ON),
}


@pytest.fixture(scope="module")
def probed() -> dict[str, Any]:
    """Every probe's last line of output, the interpreters started side by side."""
    running = {
        name: subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-c", probe],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={"PATH": "", "PYTHONPATH": str(REPO), **env},
        )
        for name, (probe, env) in _PROBES.items()
    }
    answers = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        answers[name] = json.loads(out.strip().splitlines()[-1])
    return answers


@pytest.mark.parametrize("function", ["search", "submit", "download", "verify"])
def test_api_functions_import_no_heavy_module_before_a_call_needs_it(
    probed: dict[str, Any], function: str
) -> None:
    # submit imports the idempotency utility (and boto3) at its first submit, not for a preview;
    # search imports msgspec at its first list of holders, not for who am I.
    assert {name: probed[function][name] for name in HEAVY} == dict.fromkeys(HEAVY, False)


def test_render_imports_the_renderer(probed: dict[str, Any]) -> None:
    assert probed["render"]["reportlab"]


@pytest.mark.parametrize("function", _FUNCTIONS)
def test_no_function_imports_the_xray_sdk_in_a_lambda_with_tracing_off(
    probed: dict[str, Any], function: str
) -> None:
    assert not probed[function]["aws_xray_sdk"]


def test_a_function_with_tracing_on_imports_the_xray_sdk(probed: dict[str, Any]) -> None:
    assert probed["download, tracing on"]["aws_xray_sdk"]


@pytest.mark.parametrize("probe", ["download", "download, tracing on"])
def test_a_handler_answers_the_same_with_and_without_tracing(
    probed: dict[str, Any], probe: str
) -> None:
    assert (probed[probe]["status"], probed[probe]["code"]) == (401, "unauthenticated")


@pytest.mark.parametrize("function", _FUNCTIONS)
def test_a_functions_import_leaves_the_collector_running_with_its_modules_frozen(
    probed: dict[str, Any], function: str
) -> None:
    assert probed[function]["collecting"]
    # Everything imported is out of later collections' way: tens of thousands of objects.
    assert probed[function]["frozen"] > 10_000
