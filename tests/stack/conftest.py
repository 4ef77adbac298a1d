"""The local stack, started once per test session exactly as `make run` starts it.

At the end it is stopped as a service manager stops it (SIGTERM) and must exit with 0;
`test_ctrl_c_stops_the_stack_cleanly` covers Ctrl-C.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack.harness import StackClient, StackProcess, running_stack


@pytest.fixture(scope="session")
def stack_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackProcess]:
    with running_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack


@pytest.fixture(scope="session")
def stack(stack_process: StackProcess) -> StackClient:
    """A client of the session's stack, its /config.json read once."""
    return StackClient(base_url=stack_process.base_url, config=stack_process.wait_until_ready())
