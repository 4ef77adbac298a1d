"""Running a handler as the Lambda runtime does: imported once (the cold start), one event at a
time, with a context that says how much time is left."""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.local.gateway.template import FunctionSpec, TemplateError
from infra.local.output import Log, stderr

LOCAL_ACCOUNT_ID = "123456789012"

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """What Lambda hands a handler; Powertools' inject_lambda_context reads these fields."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    aws_request_id: str
    deadline: float
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


class LocalFunction:
    """One Lambda function: its handler, imported once (the cold start), invoked one at a time.

    Lambda gives each execution environment one event at a time, and Powertools keeps the current
    event on module-level objects; concurrent calls into one module would mix up callers.
    """

    def __init__(
        self,
        spec: FunctionSpec,
        *,
        region: str,
        handler: Handler | None = None,
        log: Log | None = None,
    ) -> None:
        self.spec = spec
        self.region = region
        self._handler = handler
        self._log = log or stderr
        self._lock = threading.Lock()

    def load(self) -> Handler:
        if self._handler is None:
            module = importlib.import_module(self.spec.module)
            handler = getattr(module, self.spec.attribute)
            if not callable(handler):
                raise TemplateError(f"{self.spec.module}.{self.spec.attribute} is not callable")
            self._handler = handler
        return self._handler

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._lock:
            handler = self.load()
            started = time.monotonic()
            context = LambdaContext(
                function_name=self.spec.name,
                memory_limit_in_mb=self.spec.memory_mb,
                invoked_function_arn=(
                    f"arn:aws:lambda:{self.region}:{LOCAL_ACCOUNT_ID}:function:{self.spec.name}"
                ),
                aws_request_id=str(uuid.uuid4()),
                deadline=started + self.spec.timeout_s,
                log_group_name=f"/aws/lambda/{self.spec.name}",
                log_stream_name="local",
            )
            try:
                return handler(event, context)
            finally:
                elapsed = time.monotonic() - started
                # Nothing stops a thread here, but AWS would have killed this invocation.
                if elapsed > self.spec.timeout_s:
                    self._log(
                        f"warning: {self.spec.name} ran {elapsed:.1f} s, "
                        f"past its {self.spec.timeout_s} s timeout in AWS"
                    )
