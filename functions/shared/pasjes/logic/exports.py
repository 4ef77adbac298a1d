"""An export dropped in the exports bucket, imported: the S3 event read, the object fetched, the
import run (a dry run under `dry-run/`), and its report written to `reports/{exportId}.json`.

S3 sends an event for every object created, the importer's own reports included, and SQS may
deliver one twice: reports are skipped, and a second delivery of an export already loaded
finds nothing to change (the import compares with what is loaded) and keeps the first report.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger

from pasjes.dal import exports_bucket
from pasjes.dal.exports_bucket import DRY_RUN_PREFIX, REPORTS_PREFIX, ExportGone, ExportTooLarge
from pasjes.importing import (
    CognitoDirectory,
    Directory,
    ImportBusy,
    ImportReport,
    import_export,
    unreadable_export,
)
from pasjes.importing.reading import manifest_in
from pasjes.settings import get_settings

logger = Logger()

# The metric each outcome adds one to (namespace Pasjesportaal; the alarms in template.yaml).
OUTCOME_METRICS: Final = {
    "loaded": "ImportsLoaded",
    "unchanged": "ImportsUnchanged",
    "dry-run": "ImportsDryRun",
    "refused": "ImportsRefused",
    "failed": "ImportsFailed",
}
# Added for every export the portal took in (loaded, or found the same as loaded): the alarm
# on its absence says the registry's exports stopped arriving.
TAKEN_METRIC: Final = "ExportsTaken"
TAKEN_OUTCOMES: Final = frozenset({"loaded", "unchanged"})

ReadExport = Callable[[str, str | None], bytes]
WriteReport = Callable[[str, Mapping[str, object]], str]
ReadReport = Callable[[str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class DroppedExport:
    key: str
    version_id: str | None = None

    @property
    def dry_run(self) -> bool:
        return self.key.startswith(DRY_RUN_PREFIX)


def dropped_exports(body: str) -> list[DroppedExport]:
    """The exports an S3 event notification (one SQS message's body) announces.

    S3's test event (sent when the notification is set up), other buckets' events, the
    importer's own reports and "folders" (keys ending in /) announce none.
    """
    document = json.loads(body)
    bucket = exports_bucket.bucket_name()
    found: list[DroppedExport] = []
    for record in document.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record.get("s3") or {}
        if (s3.get("bucket") or {}).get("name") != bucket:
            logger.warning("An event of another bucket is ignored")
            continue
        stored = s3.get("object") or {}
        # S3 URL-encodes the key in its events (a space arrives as +).
        key = unquote_plus(str(stored.get("key", "")))
        if not key or key.endswith("/") or key.startswith(REPORTS_PREFIX):
            continue
        found.append(DroppedExport(key=key, version_id=stored.get("versionId") or None))
    return found


@cache
def cognito_directory() -> Directory:
    """The user pool as the import needs it, made once per container."""
    return CognitoDirectory(get_settings().required("user_pool_id"))


def report_name(key: str, payload: bytes, export_id: str | None = None) -> str:
    """The name of an export's report, `reports/{name}.json`: its manifest's exportId, or the
    object's key when the manifest cannot be read (or is not right). From the manifest alone,
    whatever the rows hold, so the local folder's watcher finds the report the function wrote.
    `export_id`: the manifest's, when the import read it already."""
    if export_id:
        return export_id
    manifest = manifest_in(payload)
    return manifest.export_id if manifest is not None else key


def import_dropped(
    dropped: DroppedExport,
    *,
    directory: Directory | None = None,
    read_export: ReadExport = exports_bucket.read_export,
    read_report: ReadReport = exports_bucket.read_report,
    write_report: WriteReport = exports_bucket.write_report,
) -> ImportReport | None:
    """Import one dropped export and write its report; None when the object is gone. Raises
    ImportBusy while another import runs."""
    logger.append_keys(export_key=dropped.key)
    try:
        payload = read_export(dropped.key, dropped.version_id)
    except ExportGone:
        logger.warning("The export is gone before it was read; nothing to import")
        return None
    except ExportTooLarge as error:
        # Reported under its key (its manifest is not read), not retried: it stays too large.
        report = unreadable_export([str(error)], dry_run=dropped.dry_run)
        return _reported(dropped.key, report, read_report, write_report)
    try:
        report = import_export(
            payload, dry_run=dropped.dry_run, directory=directory or cognito_directory()
        )
    except ImportBusy:
        # Two uploads at once: this one's record fails and SQS delivers it again later.
        logger.info("Another import is running; this export is imported when delivered again")
        raise
    return _reported(
        report_name(dropped.key, payload, report.export_id), report, read_report, write_report
    )


def _reported(
    name: str, report: ImportReport, read_report: ReadReport, write_report: WriteReport
) -> ImportReport:
    document = report.as_json()
    if _keeps_earlier(read_report(name), report):
        logger.info("A loaded export's report is kept", extra={"outcome": report.outcome})
    else:
        write_report(name, document)
    # Ids and counts only, as in the report: never a name or a birth date.
    logger.info("Import finished", extra={"report": document})
    return report


def _keeps_earlier(earlier: Mapping[str, Any] | None, report: ImportReport) -> bool:
    """A report that says an export was loaded is not overwritten by a later run that changes
    nothing (a second delivery finds it unchanged; a dry run of it writes nothing). A refusal or
    a failure is written over it: the refused-import alarm sends the operator to this report."""
    return (
        earlier is not None
        and earlier.get("outcome") == "loaded"
        and report.outcome in ("unchanged", "dry-run")
    )
