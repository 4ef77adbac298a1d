"""The layout rules of issue 9, kept: handlers stay thin, and files stay of one job."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = sorted(ROOT.glob("functions/*/app.py"))
# Code, not tests, data or generated documents (template.yaml is the deployment's one file).
SOURCES = sorted(
    path
    for pattern in ("functions/**/*.py", "infra/**/*.py", "bench/**/*.py", "web/src/*")
    for path in ROOT.glob(pattern)
    if path.is_file() and path.suffix in {".py", ".js", ".css"}
)
MAX_LINES = 400


def _imported(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda p: p.parent.name)
def test_no_handler_imports_the_data_layer(handler: Path) -> None:
    assert not {m for m in _imported(handler) if m.startswith("pasjes.dal")}


def test_no_source_file_is_longer_than_400_lines() -> None:
    lengths = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in SOURCES}

    assert len(lengths) > 100
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}
