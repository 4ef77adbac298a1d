"""Test tiers: what a test needs, as a marker, so that each tier runs apart (see the Makefile).

- unit: plain Python; no AWS, no sockets, no subprocess of ours.
- aws: moto in this process (the `aws` and `portal` fixtures), the real handlers and data layer.
- stack: the local stack's servers: in a subprocess (tests/e2e), or its HTTP server in-process.
- browser: headless Chromium against the local stack (tests/browser).
- template: static checks of template.yaml and the build's lock files.

The tier follows from the folder; the few files (or tests) that need more than their folder
suggests are named here, in one place.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TIERS = ("unit", "aws", "stack", "browser", "template")
BY_FOLDER = {"unit": "unit", "handlers": "aws", "e2e": "stack", "browser": "browser"}
BY_FILE = {
    "test_template.py": "template",
    "test_dependencies.py": "template",
}
# Fixtures that serve HTTP on a socket of this process: the local stack's server.
SERVING_FIXTURES = {"served"}


def tier_of(item: pytest.Item) -> str:
    path = Path(str(item.fspath))
    if SERVING_FIXTURES & set(getattr(item, "fixturenames", ())):
        return "stack"
    return BY_FILE.get(path.name) or BY_FOLDER.get(path.parent.name, "unit")


def pytest_configure(config: pytest.Config) -> None:
    for tier in TIERS:
        config.addinivalue_line("markers", f"{tier}: a test of the {tier} tier (tests/tiers.py)")


# tryfirst: the markers must be on the items before `-m` selects by them.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(getattr(pytest.mark, tier_of(item)))
