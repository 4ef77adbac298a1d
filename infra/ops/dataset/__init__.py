"""The import format, for the operator's tools: read in the shared layer (pasjes.importing, where
the import function reads it too), written here (`writing`: a dataset back to files, and an
export as the registry sends it).

A dataset is a folder of five UTF-8 CSV files with a header line, or one JSON file holding the same
five lists under the same field names; an export is those files in one ZIP with a
`manifest.json` (see docs/data-model.md, "Import format").
"""

from infra.ops.dataset.exporting import export_bytes, write_export
from infra.ops.dataset.writing import records_of, write_folder, write_json
from pasjes.importing import (
    FIELDS,
    OMISSIBLE_COLUMNS,
    Dataset,
    DatasetError,
    Manifest,
    parse,
    parse_export,
    parse_folder,
    parse_json,
)
from pasjes.importing.building import organisations_for, rows_for

__all__ = [
    "FIELDS",
    "OMISSIBLE_COLUMNS",
    "Dataset",
    "DatasetError",
    "Manifest",
    "export_bytes",
    "organisations_for",
    "parse",
    "parse_export",
    "parse_folder",
    "parse_json",
    "records_of",
    "rows_for",
    "write_export",
    "write_folder",
    "write_json",
]
