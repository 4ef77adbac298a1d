"""One import, start to end: read, check the order, diff, guard, write, report."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from pasjes.importing.directory import Directory
from pasjes.importing.manifest import Manifest
from pasjes.importing.model import Dataset, DatasetError
from pasjes.importing.reading import parse_export
from pasjes.importing.report import ImportReport, zero_counts


class ImportBusy(RuntimeError):
    """Another import is running: retry later (the function lets SQS deliver the event again)."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def import_export(
    payload: bytes,
    *,
    dry_run: bool = False,
    directory: Directory,
    now: Callable[[], datetime] = _utcnow,
) -> ImportReport:
    """Import one export object (ZIP, JSON form, either gzipped). Never raises for a bad export
    (the report says `failed` with the errors); raises ImportBusy while another import runs."""
    started = time.monotonic()
    try:
        manifest, dataset = parse_export(payload)
    except DatasetError as error:
        return ImportReport(
            outcome="failed",
            export_id=None,
            exported_at=None,
            counts=zero_counts(),
            items_written=0,
            errors=tuple(error.errors),
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    return import_dataset(dataset, manifest, dry_run=dry_run, directory=directory, now=now)


def import_dataset(
    dataset: Dataset,
    manifest: Manifest,
    *,
    dry_run: bool = False,
    directory: Directory,
    now: Callable[[], datetime] = _utcnow,
) -> ImportReport:
    raise NotImplementedError
