"""Test tiers: what a test needs, as a marker, so that each tier runs apart (see the Makefile).

The tier is the test's folder:
- unit: plain Python; no AWS, no sockets (a few tests start our own interpreter, to see what a
  fresh one imports).
- aws: moto in this process (the `aws` and `portal` fixtures), the real handlers and data layer.
- template: static checks of template.yaml and the build's lock files.
- stack: the local stack's servers: in a subprocess, or its HTTP server on a socket of this process.
- browser: headless Chromium against the local stack.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TIERS = ("unit", "aws", "template", "stack", "browser")


def tier_of(item: pytest.Item) -> str:
    folder = Path(str(item.fspath)).parent.name
    if folder not in TIERS:
        raise pytest.UsageError(f"{item.nodeid}: a test lives in a tier's folder ({TIERS})")
    return folder


def pytest_configure(config: pytest.Config) -> None:
    for tier in TIERS:
        config.addinivalue_line("markers", f"{tier}: a test of the {tier} tier (tests/tiers.py)")


# tryfirst: the markers must be on the items before `-m` selects by them.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(getattr(pytest.mark, tier_of(item)))
