"""Dropping an export into a running local stack's imports folder, and what comes back: the
report beside it, and the invitation the stack prints (moto mails nothing)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from infra.ops import demo_data

REPORT_SECONDS = 60


def drop(folder: Path, name: str, *arguments: str) -> Path:
    """The demo data as an export (demo_data --export with `arguments`), moved into the folder
    whole, as a finished upload."""
    folder.mkdir(parents=True, exist_ok=True)
    written = folder.parent / f".{name}"
    assert demo_data.main(["--export", str(written), *arguments]) == 0
    target = folder / name
    written.replace(target)
    return target


def wait_for_report(export: Path, timeout: float = REPORT_SECONDS) -> dict[str, Any]:
    """NAME.zip.report.json, once the stack has written it."""
    report = export.with_name(export.name + ".report.json")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if report.exists():
            document: dict[str, Any] = json.loads(report.read_text())
            return document
        time.sleep(0.2)
    pytest.fail(f"no {report.name} within {timeout} s")


def temporary_password(output: str, email: str) -> str:
    """The temporary password of the last invitation of `email` in the stack's output."""
    found = re.findall(rf"Invitation .*: {re.escape(email)}\s+temporary password (\S+)", output)
    assert found, f"no invitation of {email} in the stack's output:\n{output[-3000:]}"
    return str(found[-1])
