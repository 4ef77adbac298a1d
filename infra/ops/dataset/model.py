"""The import format's model lives in the shared layer now (pasjes.importing.model)."""

from pasjes.importing.model import FIELDS, OMISSIBLE_COLUMNS, Dataset, DatasetError, Record

__all__ = ["FIELDS", "OMISSIBLE_COLUMNS", "Dataset", "DatasetError", "Record"]
