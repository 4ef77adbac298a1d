"""The import format: organisations, contact persons, holders, qualifications and registrations.

A dataset is a folder of five UTF-8 CSV files with a header line, or one JSON file holding the same
five lists under the same field names:

- `organisations.csv`: id,name
- `contacts.csv`: email,organisationId (one line per membership)
- `holders.csv`: qualificationNumber,name,birthDate
- `qualifications.csv`: qualificationNumber,code,name,type,examType,examTypeName,examNumber,
  examDate,expiryDate,parentCode,withdrawnOn (withdrawnOn: the day the registry withdrew the
  qualification, ingetrokken; empty while it stands. The column may be left out altogether.)
- `registrations.csv`: organisationId,qualificationNumber,externalNumber

Every row is checked and every problem is reported as `file:line: message` in one `DatasetError`,
so that a file with one bad row loads nothing rather than half.

The modules: `model` (the tables, `Dataset`, `DatasetError`), `reading` (files to records, and
`parse`), `validating` (a record's values checked, problems as `file:line: message`),
`building` (checked records to the domain's objects; the tables' rows and organisations) and
`writing` (a dataset back to files).
"""

from infra.ops.dataset.building import organisations_for, rows_for
from infra.ops.dataset.model import FIELDS, OMISSIBLE_COLUMNS, Dataset, DatasetError
from infra.ops.dataset.reading import parse, parse_folder, parse_json
from infra.ops.dataset.writing import records_of, write_folder, write_json

__all__ = [
    "FIELDS",
    "OMISSIBLE_COLUMNS",
    "Dataset",
    "DatasetError",
    "organisations_for",
    "parse",
    "parse_folder",
    "parse_json",
    "records_of",
    "rows_for",
    "write_folder",
    "write_json",
]
