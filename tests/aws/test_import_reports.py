"""Where an export's report goes, and when an earlier one is kept: the function and the local
folder's watcher name it alike (by the manifest alone), and only a run that changes nothing
keeps a loaded export's report."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from functions.importer.app import handler
from infra.local.imports import ImportsWatcher, report_path
from pasjes.logic.exports import report_name
from tests.aws.test_import_function import EXPORTS_BUCKET, Exports, dataset, export, exports
from tests.conftest import REGION, FakeContext

__all__ = ["exports"]  # a fixture, used by name


def with_file(payload: bytes, name: str, change: Any) -> bytes:
    """The ZIP with one of its files changed by `change` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(payload))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data) if info.filename == name else data)
    return buffer.getvalue()


def bad_birth_date(payload: bytes) -> bytes:
    def change(data: bytes) -> bytes:
        header, first, *rest = data.split(b"\n")
        cells = first.split(b",")
        cells[2] = b"31-12-1990"
        return b"\n".join([header, b",".join(cells), *rest])

    return with_file(payload, "holders.csv", change)


def with_export_id(payload: bytes, export_id: str) -> bytes:
    def change(data: bytes) -> bytes:
        return json.dumps(json.loads(data) | {"exportId": export_id}).encode()

    return with_file(payload, "manifest.json", change)


def test_a_zip_with_a_bad_row_is_named_by_its_manifest_as_the_function_names_it(
    exports: Exports,
) -> None:
    payload = bad_birth_date(export("export-9"))

    exports.run(exports.drop("bad.zip", payload))

    assert report_name("bad.zip", payload) == "export-9"
    report = exports.report("export-9")
    assert report["outcome"] == "failed"
    assert report["errors"][0] == "holders.csv:2: birthDate is not a date written YYYY-MM-DD"
    assert "31-12-1990" not in json.dumps(report)


def test_an_unreadable_export_is_named_by_its_key() -> None:
    assert report_name("kapot.zip", b"this is not a zip file") == "kapot.zip"
    assert report_name("a.json", b'{"manifest": {"exportId": "../x"}}') == "a.json"


class Invoker:
    """The import function as the watcher invokes it, in this process."""

    def invoke(self, event: dict[str, Any]) -> Any:
        return handler(event, FakeContext())


def test_a_bad_zip_dropped_in_the_local_folder_gets_its_failed_report_beside_it(
    exports: Exports, tmp_path: Path
) -> None:
    lines: list[str] = []
    watcher = ImportsWatcher(
        tmp_path,
        Invoker(),  # type: ignore[arg-type]
        exports.s3,
        EXPORTS_BUCKET,
        REGION,
        lines.append,
    )
    dropped = tmp_path / "bad.zip"
    dropped.write_bytes(bad_birth_date(export("export-9")))

    watcher.take(dropped)

    report = json.loads(report_path(dropped).read_text())
    assert report["outcome"] == "failed"
    assert report["errors"][0] == "holders.csv:2: birthDate is not a date written YYYY-MM-DD"
    assert lines[0].startswith("Import bad.zip: failed, export export-9")
    assert not any("was loaded before" in line for line in lines)
    # Dropped again, the same failure is reported again (the function writes it again).
    report_path(dropped).unlink()
    watcher.take(dropped)
    assert json.loads(report_path(dropped).read_text())["outcome"] == "failed"


def test_a_refusal_is_written_over_the_report_of_the_export_loaded_under_that_id(
    exports: Exports,
) -> None:
    exports.run(exports.drop("registry-1.zip", export("export-1")))
    loaded = exports.report("export-1")

    other_files = export("export-1", dataset(holder_count=5), allow_large_removal=True)
    exports.run(exports.drop("registry-1b.zip", other_files))

    report = exports.report("export-1")
    assert loaded["outcome"] == "loaded"
    assert report["outcome"] == "refused"
    assert "a changed export needs an exportId of its own" in report["errors"][0]


def test_a_second_delivery_keeps_the_loaded_report(exports: Exports) -> None:
    payload = export("export-1")
    exports.run(exports.drop("registry-1.zip", payload))
    loaded = exports.report("export-1")

    exports.run(exports.drop("registry-1-again.zip", payload))

    assert exports.report("export-1") == loaded


@pytest.mark.parametrize("export_id", ["a/b", "../x", ".hidden", "x" * 129, "een spatie"])
def test_an_export_id_that_cannot_name_a_report_fails_under_the_objects_key(
    exports: Exports, export_id: str
) -> None:
    exports.run(exports.drop("odd.zip", with_export_id(export("e"), export_id)))

    report = exports.report("odd.zip")
    assert report["outcome"] == "failed"
    assert report["exportId"] is None
    assert any(e.startswith("manifest.json: exportId must be") for e in report["errors"])
    listed = exports.s3.list_objects_v2(Bucket=EXPORTS_BUCKET, Prefix="reports/")["Contents"]
    assert [o["Key"] for o in listed] == ["reports/odd.zip.json"]
