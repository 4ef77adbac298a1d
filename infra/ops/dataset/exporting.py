"""An export as the registry sends it: the five CSV files and `manifest.json` in one ZIP."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from infra.ops.dataset.writing import records_of
from pasjes.importing import FIELDS, Dataset, Manifest
from pasjes.importing.manifest import MANIFEST_FILE


def export_bytes(dataset: Dataset, manifest: Manifest) -> bytes:
    """The export object: a ZIP of `manifest.json` and the five CSV files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST_FILE, json.dumps(manifest.as_json(), indent=1) + "\n")
        for table, records in records_of(dataset).items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=FIELDS[table], lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
            archive.writestr(f"{table}.csv", text.getvalue())
    return buffer.getvalue()


def write_export(dataset: Dataset, manifest: Manifest, path: Path | str) -> Path:
    """Write the export to `path` (a `.zip`); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(export_bytes(dataset, manifest))
    return target
