"""The local registry: a folder whose exports are imported as the deployed portal imports them.

Dropping `NAME.zip` (or `.json`, `.gz`) into the folder uploads it to the local exports bucket
and hands the import function the event S3 and SQS would hand it (`dry-run/NAME.zip`: a dry
run). The function writes its report to `reports/{exportId}.json` in the bucket, as deployed;
the watcher copies it beside the file as `NAME.zip.report.json`, sums it up in the stack's
output, and prints the invitations the pool would have mailed (infra.local.mailbox).

The folder is IMPORTS_DIR, or `imports/` in the project root (git-ignored).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from infra.local import mailbox
from infra.local.gateway.lambda_runtime import LocalFunction
from infra.local.output import Log
from infra.local.worker import sqs_event
from pasjes.dal.exports_bucket import DRY_RUN_PREFIX, report_key
from pasjes.logic.exports import report_name

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES: Final = (".zip", ".json", ".gz")
REPORT_SUFFIX: Final = ".report.json"
# How often the folder is looked at; a file is taken once it has not changed for one look.
POLL_SECONDS: Final = 0.5
# How many of a report's errors the output shows (the report file has them all).
SHOWN_ERRORS: Final = 5


def imports_dir(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    configured = environ.get("IMPORTS_DIR", "").strip()
    return Path(configured).expanduser().resolve() if configured else ROOT / "imports"


def is_export(path: Path) -> bool:
    name = path.name
    return (
        path.is_file()
        and name.endswith(SUFFIXES)
        and not name.endswith(REPORT_SUFFIX)
        and not name.startswith(".")
    )


def report_path(export: Path) -> Path:
    return export.with_name(export.name + REPORT_SUFFIX)


def s3_event_body(bucket: str, key: str, size: int, version_id: str | None) -> str:
    """The notification S3 sends the import queue for a new object."""
    stored: dict[str, Any] = {"key": key, "size": size}
    if version_id:
        stored["versionId"] = version_id
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "eventTime": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket}, "object": stored},
    }
    return json.dumps({"Records": [record]})


def summary(name: str, report: Mapping[str, Any]) -> list[str]:
    """The stack's lines about one report."""
    counts = ", ".join(f"{k} {v}" for k, v in (report.get("counts") or {}).items() if v)
    lines = [
        f"Import {name}: {report.get('outcome')}, export {report.get('exportId') or '-'}; "
        f"{counts or 'nothing changed'}; {report.get('itemsWritten', 0)} items written "
        f"in {report.get('durationMs', 0)} ms"
    ]
    errors = list(report.get("errors") or [])
    lines += [f"  {error}" for error in errors[:SHOWN_ERRORS]]
    if len(errors) > SHOWN_ERRORS:
        lines.append(f"  ... {len(errors) - SHOWN_ERRORS} more in {name}{REPORT_SUFFIX}")
    return lines


@dataclass
class ImportsWatcher:
    """Watches the folder on a thread of its own until stopped."""

    folder: Path
    function: LocalFunction
    s3: S3Client
    bucket: str
    region: str
    log: Log

    def __post_init__(self) -> None:
        self.stopping = threading.Event()
        # path -> (size, mtime) seen at the last look, and of the last import.
        self._seen: dict[Path, tuple[int, int]] = {}
        self._taken: dict[Path, tuple[int, int]] = {}
        self._thread = threading.Thread(target=self._run, name="imports-watcher", daemon=True)

    def start(self) -> None:
        (self.folder / DRY_RUN_PREFIX).mkdir(parents=True, exist_ok=True)
        # Exports imported by an earlier run (their report is newer) are not taken again.
        for path in self._exports():
            report = report_path(path)
            if report.exists() and report.stat().st_mtime_ns >= path.stat().st_mtime_ns:
                self._taken[path] = _signature(path)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _exports(self) -> Iterator[Path]:
        for folder in (self.folder, self.folder / DRY_RUN_PREFIX):
            if folder.is_dir():
                yield from sorted(p for p in folder.iterdir() if is_export(p))

    def _run(self) -> None:
        while not self.stopping.wait(POLL_SECONDS):
            try:
                self.look_once()
            except Exception as error:  # the watcher outlives one bad look, as S3's events do
                self.log(f"error: watching {self.folder} failed: {error!r}")

    def look_once(self) -> int:
        """Import every export that is new or changed and no longer being written."""
        taken = 0
        current = {path: _signature(path) for path in self._exports()}
        for path, signature in current.items():
            steady = self._seen.get(path) == signature
            if steady and self._taken.get(path) != signature:
                self._taken[path] = signature
                self.take(path)
                taken += 1
        self._seen = current
        return taken

    def take(self, path: Path) -> dict[str, Any] | None:
        """Upload one export, run the import function on its event; its report, if written."""
        key = path.relative_to(self.folder).as_posix()
        payload = path.read_bytes()
        name = report_name(key, payload)
        before = self._report_etag(name)
        stored = self.s3.put_object(Bucket=self.bucket, Key=key, Body=payload)
        body = s3_event_body(self.bucket, key, len(payload), stored.get("VersionId"))
        message = {
            "MessageId": str(uuid.uuid4()),
            "ReceiptHandle": f"local-{uuid.uuid4()}",
            "Body": body,
            "MD5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
            "Attributes": {"ApproximateReceiveCount": "1"},
        }
        arn = f"arn:aws:sqs:{self.region}:123456789012:pasjes-import"
        event = sqs_event([message], queue_arn=arn, region=self.region)  # type: ignore[list-item]
        result = self.function.invoke(event)
        if (result or {}).get("batchItemFailures"):
            self.log(f"Import {key}: the function failed (its log is above); drop it again.")
            return None
        self._announce_invitations()
        etag = self._report_etag(name)
        # The function keeps only a `loaded` report (against a run that changes nothing): a
        # refusal or failure is written again, even when its bytes are the same as before.
        report = None if etag is None else self._report(name)
        if report is None or (etag == before and report.get("outcome") == "loaded"):
            self.log(
                f"Import {key}: export {name} was loaded before and nothing changed "
                f"(its report, reports/{name}.json, is kept)."
            )
            return None
        report_path(path).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        for line in summary(key, report):
            self.log(line)
        return report

    def _report(self, name: str) -> dict[str, Any]:
        stored = self.s3.get_object(Bucket=self.bucket, Key=report_key(name))
        report: dict[str, Any] = json.loads(stored["Body"].read())
        return report

    def _report_etag(self, name: str) -> str | None:
        try:
            return str(self.s3.head_object(Bucket=self.bucket, Key=report_key(name))["ETag"])
        except self.s3.exceptions.ClientError:
            return None

    def _announce_invitations(self) -> None:
        for mail in mailbox.take():
            organisations = ", ".join(mail.organisations) or "-"
            self.log(
                f"  Invitation (moto sends no mail): {mail.email}  temporary password "
                f"{mail.temporary_password}  contact person of {organisations}"
            )


def _signature(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns
