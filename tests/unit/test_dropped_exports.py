"""Which exports an S3 event announces to the importer: every object created in the exports
bucket, except the importer's own reports, "folders", S3's test event and other buckets; an
export under dry-run/ is a dry run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pasjes.logic.exports import DroppedExport, dropped_exports
from pasjes.settings import get_settings

BUCKET = "pasjes-exports-test"


@pytest.fixture(autouse=True)
def exports_bucket(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("EXPORTS_BUCKET", BUCKET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def event(*keys: str, name: str = "ObjectCreated:Put", bucket: str = BUCKET) -> str:
    records: list[dict[str, Any]] = [
        {
            "eventName": name,
            "s3": {"bucket": {"name": bucket}, "object": {"key": key, "versionId": "v1"}},
        }
        for key in keys
    ]
    return json.dumps({"Records": records})


def test_an_uploaded_export_is_announced_with_its_version() -> None:
    assert dropped_exports(event("registry-2026-12-01.zip")) == [
        DroppedExport(key="registry-2026-12-01.zip", version_id="v1")
    ]


def test_a_key_is_decoded_as_s3_encodes_it_in_events() -> None:
    (dropped,) = dropped_exports(event("dry-run/export+van+1+december%C3%A9.zip"))

    assert dropped.key == "dry-run/export van 1 decemberé.zip"
    assert dropped.dry_run


def test_an_export_outside_dry_run_is_a_real_import() -> None:
    (dropped,) = dropped_exports(event("exports/dry-run.zip"))

    assert not dropped.dry_run


def test_the_importers_own_reports_and_folders_are_not_imported() -> None:
    assert dropped_exports(event("reports/export-1.json", "dry-run/")) == []


def test_s3s_test_event_other_buckets_and_removals_announce_nothing() -> None:
    test_event = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET})

    assert dropped_exports(test_event) == []
    assert dropped_exports(event("x.zip", bucket="someone-else")) == []
    assert dropped_exports(event("x.zip", name="ObjectRemoved:Delete")) == []
