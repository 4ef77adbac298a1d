"""What each function imports on a cold start: the heavy renderer only where it renders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("reportlab", "pasjes.render", "aws_lambda_powertools.utilities.idempotency")


def imported_by(module: str) -> dict[str, bool]:
    probe = (
        f"import json, sys; import {module}; "
        f"print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "POWERTOOLS_TRACE_DISABLED": "true", "PYTHONPATH": str(REPO)},
    )
    return dict(json.loads(result.stdout))


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
