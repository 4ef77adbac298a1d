"""An export's `manifest.json`: which export it is, when it was made, and what it covers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pasjes.domain import ORGANISATION_ID_PATTERN

Scope = Literal["full", "partial"]
MANIFEST_FILE = "manifest.json"
_MAX_ID = 128
# It names the report (reports/{exportId}.json): no '/', no '..', nothing an S3 key or a file
# name would take otherwise.
_EXPORT_ID = re.compile(rf"[A-Za-z0-9_-][A-Za-z0-9._-]{{0,{_MAX_ID - 1}}}")


class ManifestError(ValueError):
    """The manifest is missing or wrong; the message says what, prefixed `manifest.json: `."""


@dataclass(frozen=True)
class Manifest:
    export_id: str
    exported_at: datetime  # UTC
    # full: every organisation is in the export, a missing one is being removed;
    # partial: only `organisations` change, every other one is left alone.
    scope: Scope
    organisations: tuple[str, ...] = ()
    allow_large_removal: bool = False

    @property
    def exported_at_iso(self) -> str:
        return self.exported_at.isoformat().replace("+00:00", "Z")

    def as_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "exportId": self.export_id,
            "exportedAt": self.exported_at_iso,
            "scope": self.scope,
        }
        if self.scope == "partial":
            document["organisations"] = list(self.organisations)
        if self.allow_large_removal:
            document["allowLargeRemoval"] = True
        return document


def parse_manifest(document: Any) -> Manifest:
    """The manifest of a decoded JSON document; ManifestError naming every problem."""
    if not isinstance(document, dict):
        raise ManifestError(f"{MANIFEST_FILE}: expected an object")
    problems: list[str] = []
    known = {"exportId", "exportedAt", "scope", "organisations", "allowLargeRemoval"}
    problems += [f"unknown field {k!r}" for k in document if k not in known]
    export_id = document.get("exportId")
    if not isinstance(export_id, str) or not _EXPORT_ID.fullmatch(export_id.strip()):
        problems.append(
            f"exportId must be 1 to {_MAX_ID} letters, digits, '.', '_' or '-', "
            "not starting with '.'"
        )
        export_id = ""
    exported_at = _utc(document.get("exportedAt"), problems)
    scope = document.get("scope")
    if scope not in ("full", "partial"):
        problems.append("scope must be 'full' or 'partial'")
    organisations = document.get("organisations", [])
    if not isinstance(organisations, list) or not all(isinstance(o, str) for o in organisations):
        problems.append("organisations must be a list of organisation ids")
        organisations = []
    if scope == "partial" and not organisations:
        problems.append("a partial export lists the organisations it covers in organisations")
    if scope == "full" and organisations:
        problems.append("organisations is only for a partial export")
    bad = [o for o in organisations if not re.match(ORGANISATION_ID_PATTERN, o)]
    if bad:
        problems.append(f"organisations holds ids that are not organisation ids: {bad[:5]}")
    allow = document.get("allowLargeRemoval", False)
    if not isinstance(allow, bool):
        problems.append("allowLargeRemoval must be true or false")
    if problems or exported_at is None:
        raise ManifestError("; ".join(f"{MANIFEST_FILE}: {p}" for p in problems))
    return Manifest(
        export_id=export_id.strip(),
        exported_at=exported_at,
        scope="full" if scope == "full" else "partial",
        organisations=tuple(dict.fromkeys(organisations)),
        allow_large_removal=bool(allow),
    )


def _utc(value: Any, problems: list[str]) -> datetime | None:
    rule = "exportedAt must be an ISO 8601 time in UTC, such as 2026-05-01T06:00:00Z"
    if not isinstance(value, str):
        problems.append(rule)
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        problems.append(rule)
        return None
    if parsed.utcoffset() is None or parsed.utcoffset().total_seconds() != 0:  # type: ignore[union-attr]
        problems.append(rule)
        return None
    return parsed.astimezone(UTC)
