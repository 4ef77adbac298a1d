"""The exports bucket: the registry drops its exports here, and the importer writes a report of
each under `reports/`. Only the importer reads it (the bucket policy says so)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from pasjes import rules
from pasjes.aws import s3_client
from pasjes.settings import get_settings

REPORTS_PREFIX = "reports/"
DRY_RUN_PREFIX = "dry-run/"


class ExportGone(LookupError):
    """The object an event names is no longer there (deleted, or its version expired)."""


class ExportTooLarge(ValueError):
    """The object is larger than an export can be (rules.MAX_EXPORT_OBJECT_BYTES): not read."""

    def __init__(self, size: int) -> None:
        limit = rules.MAX_EXPORT_OBJECT_BYTES // (1024 * 1024)
        super().__init__(
            f"export: the object is {size / (1024 * 1024):.0f} MB, larger than an export can be "
            f"({limit} MB); not read"
        )
        self.size = size


def bucket_name() -> str:
    name: str = get_settings().required("exports_bucket")
    return name


def read_export(key: str, version_id: str | None = None) -> bytes:
    """The object's bytes; with `version_id`, exactly the version the upload created, so an
    export overwritten under the same key meanwhile is read by its own event, not this one."""
    arguments = {"Bucket": bucket_name(), "Key": key}
    if version_id:
        arguments["VersionId"] = version_id
    try:
        response = s3_client().get_object(**arguments)  # type: ignore[arg-type]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "NoSuchVersion", "404"):
            raise ExportGone(key) from error
        raise
    limit = rules.MAX_EXPORT_OBJECT_BYTES
    body = response["Body"]
    if response.get("ContentLength", 0) > limit:
        body.close()
        raise ExportTooLarge(response["ContentLength"])
    # One byte past the limit at most, whatever the length said.
    payload: bytes = body.read(limit + 1)
    body.close()
    if len(payload) > limit:
        raise ExportTooLarge(len(payload))
    return payload


def report_key(name: str) -> str:
    return f"{REPORTS_PREFIX}{name}.json"


def read_report(name: str) -> dict[str, Any] | None:
    """The report `reports/{name}.json` written earlier, or None."""
    try:
        response = s3_client().get_object(Bucket=bucket_name(), Key=report_key(name))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    document = json.loads(response["Body"].read())
    return document if isinstance(document, dict) else None


def write_report(name: str, report: Mapping[str, object]) -> str:
    """The report as `reports/{name}.json`; returns its key."""
    key = report_key(name)
    s3_client().put_object(
        Bucket=bucket_name(),
        Key=key,
        Body=json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"),
        ContentType="application/json",
        ServerSideEncryption="AES256",
    )
    return key
