"""An export larger than the import reads (a gzip or ZIP bomb, a mistaken upload) fails with a
clear error before it is unpacked whole, instead of running the importer out of memory."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pytest

from pasjes.importing import DatasetError, parse_export
from pasjes.importing import reading as reading_module
from pasjes.importing.reading import fingerprint, manifest_in, unpacked
from pasjes.importing.run import _import_export
from tests.unit.test_dataset import MANIFEST, VALID, zipped

LIMIT = 4_000


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading_module, "MAX_EXPORT_UNPACKED_BYTES", LIMIT)


def errors_of(payload: bytes) -> list[str]:
    with pytest.raises(DatasetError) as raised:
        parse_export(payload)
    return raised.value.errors


def test_a_gzip_bomb_is_refused_once_its_output_passes_the_limit(small_limit: None) -> None:
    bomb = gzip.compress(b"\0" * (LIMIT * 50))

    assert errors_of(bomb) == ["export: unpacked larger than 0 MB, more than an export can be"]


def test_the_gzip_is_unpacked_in_chunks_and_stopped_past_the_limit(
    small_limit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading_module, "_CHUNK", 1_000)
    read: list[int] = []
    original = gzip.GzipFile.read

    def counting(self: gzip.GzipFile, size: int = -1) -> bytes:
        data = original(self, size)
        read.append(len(data))
        return data

    monkeypatch.setattr(gzip.GzipFile, "read", counting)

    with pytest.raises(DatasetError):
        unpacked(gzip.compress(b"\0" * (LIMIT * 1_000)))

    assert sum(read) <= LIMIT + 1_000


def test_a_gzipped_export_within_the_limit_is_read(small_limit: None) -> None:
    manifest, dataset = parse_export(gzip.compress(zipped(VALID)))

    assert manifest.export_id == MANIFEST["exportId"]
    assert len(dataset.holders) == 3


def test_a_zip_whose_files_together_pass_the_limit_is_refused_before_reading(
    small_limit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each file under the limit, their sum over it: the sum is what the import holds.
    padding = "\n" * (LIMIT // 2)
    payload = zipped(VALID | {"holders": VALID["holders"] + padding, "contacts": padding})

    def never(*_: object) -> bytes:
        raise AssertionError("a member was read")

    monkeypatch.setattr(zipfile.ZipFile, "read", never)

    message = "export: its files unpacked together larger than 0 MB, more than an export can be"
    assert errors_of(payload) == [message]
    with pytest.raises(DatasetError):
        fingerprint(payload)


def test_a_huge_manifest_is_not_read_for_the_reports_name(small_limit: None) -> None:
    payload = zipped(VALID, MANIFEST | {"padding": " " * LIMIT})

    assert manifest_in(payload) is None


def test_an_unpacked_export_over_the_limit_is_refused(small_limit: None) -> None:
    assert errors_of(b"{" + b" " * LIMIT + b"}") == [
        "export: larger than 0 MB, more than an export can be"
    ]


def test_the_import_answers_failed_with_the_error(small_limit: None) -> None:
    report = _import_export(
        gzip.compress(b"\0" * (LIMIT * 50)),
        dry_run=False,
        directory=None,  # type: ignore[arg-type]  # never reached
        now=lambda: None,  # type: ignore[arg-type,return-value]
    )

    assert report.outcome == "failed"
    assert report.errors == ("export: unpacked larger than 0 MB, more than an export can be",)


def test_a_member_not_the_size_its_directory_says_is_reported_not_raised() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", json.dumps(MANIFEST))
        for table, text in VALID.items():
            archive.writestr(f"{table}.csv", text)
    payload = buffer.getvalue()
    # One byte of holders.csv changed: a member that unpacks to other bytes than it says.
    at = payload.index(b"99600953,Dhr.")
    damaged = payload[:at] + b"8" + payload[at + 1 :]

    assert fingerprint(damaged) is None
    errors = errors_of(damaged)
    assert any(
        e.startswith("holders.csv: not readable in the ZIP file (Bad CRC-32") for e in errors
    )
