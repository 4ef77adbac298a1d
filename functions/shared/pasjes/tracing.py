"""X-Ray tracing, only where it is switched on.

Powertools' `Tracer()` imports the X-Ray SDK (`aws_xray_sdk.core`, over 100 ms of a cold start)
even when tracing is disabled, because it builds its provider first and disables it after. So a
handler is wrapped in a Tracer only when tracing is on; otherwise it is left as it is and the SDK
is never imported. The template switches tracing with one parameter, which sets both the
function's X-Ray mode and POWERTOOLS_TRACE_DISABLED.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

_TRUE = frozenset({"1", "y", "yes", "t", "true", "on"})


def enabled(env: Mapping[str, str] | None = None) -> bool:
    """Whether this container traces: as Powertools' Tracer decides it, on inside a Lambda
    runtime unless POWERTOOLS_TRACE_DISABLED says otherwise, and off under SAM local, Chalice or
    anywhere outside Lambda."""
    env = os.environ if env is None else env
    if env.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in _TRUE:
        return False
    if env.get("AWS_SAM_LOCAL") or env.get("AWS_CHALICE_CLI_MODE"):
        return False
    return bool(env.get("LAMBDA_TASK_ROOT"))


def capture_lambda_handler(handler: F) -> F:
    """The handler in a segment of its own (never its response: it holds personal data)."""
    if not enabled():
        return handler
    from aws_lambda_powertools import Tracer

    return cast(F, Tracer().capture_lambda_handler(handler, capture_response=False))


def capture_method(method: F) -> F:
    """A function in a subsegment of its own (without its return value), when tracing is on."""
    if not enabled():
        return method
    from aws_lambda_powertools import Tracer

    return Tracer().capture_method(capture_response=False)(method)
