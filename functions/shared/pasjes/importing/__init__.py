"""The registry's import: check an export, diff it against what is loaded, refuse what looks
like a mistake, write only what changed, and keep the contact persons' users in step.

The import function (functions/importer) and the operator's CLI (infra.ops.importer) both call
`import_export`. The modules: `model`, `reading`, `validating`, `building` (the file format: an
export's bytes to a checked `Dataset`, every problem as `file:line: message`), `manifest`,
`digest` (content hashes), `plan` (the diff, its counts and the guards; plain), `loading` (the
writes), `directory` (the user pool), `report`, and `run` (the whole import).
"""

from pasjes.importing.claiming import ImportBusy
from pasjes.importing.directory import (
    CognitoDirectory,
    Directory,
    DirectoryError,
    DirectoryUser,
    StaticDirectory,
)
from pasjes.importing.manifest import Manifest, ManifestError
from pasjes.importing.model import FIELDS, OMISSIBLE_COLUMNS, Dataset, DatasetError
from pasjes.importing.reading import parse, parse_export, parse_folder, parse_json
from pasjes.importing.report import COUNT_KEYS, ImportReport, Invitation, Outcome
from pasjes.importing.run import import_dataset, import_export, unreadable_export

__all__ = [
    "COUNT_KEYS",
    "FIELDS",
    "OMISSIBLE_COLUMNS",
    "CognitoDirectory",
    "Dataset",
    "DatasetError",
    "Directory",
    "DirectoryError",
    "DirectoryUser",
    "ImportBusy",
    "ImportReport",
    "Invitation",
    "Manifest",
    "ManifestError",
    "Outcome",
    "StaticDirectory",
    "import_dataset",
    "import_export",
    "parse",
    "parse_export",
    "parse_folder",
    "parse_json",
    "unreadable_export",
]
