"""The Lambda build installs exactly what the lock says, and the lock agrees with pyproject."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCKS = [REPO / "functions/shared/requirements.txt", REPO / "functions/render/requirements.txt"]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    versions: dict[str, str] = {}
    for lock in LOCKS:
        for line in lock.read_text().splitlines():
            if match := PIN.match(line):
                versions[_normal(match[1])] = match[2]
    return versions


def test_every_locked_requirement_is_pinned_exactly_with_hashes() -> None:
    for lock in LOCKS:
        requirements = re.split(r"\n(?=\S)", lock.read_text())
        for requirement in (r for r in requirements if r.strip() and not r.startswith("#")):
            assert PIN.match(requirement), f"{lock.name}: not pinned exactly: {requirement}"
            assert "--hash=sha256:" in requirement, f"{lock.name}: no hash: {requirement}"


def test_pyprojects_runtime_pins_are_the_locked_versions() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    versions = locked()
    for dependency in project["dependencies"]:
        match = PIN.match(dependency)
        if match is None:
            # boto3 comes with the Lambda runtime, so the layer does not ship it.
            assert dependency.startswith("boto3"), f"not pinned exactly: {dependency}"
            continue
        assert versions.get(_normal(match[1])) == match[2], dependency
