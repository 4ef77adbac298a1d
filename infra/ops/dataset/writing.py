"""Writing a dataset in the import format: the inverse of reading it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from pasjes.importing.model import FIELDS, Dataset


def records_of(dataset: Dataset) -> dict[str, list[dict[str, str]]]:
    """The dataset as the five lists of the import format (the inverse of parsing)."""
    exam_type_names = {t.code: t.name for t in dataset.exam_types}
    return {
        "organisations": [{"id": o.id, "name": o.name} for o in dataset.organisations],
        "contacts": [
            {"email": email, "organisationId": organisation_id}
            for email, ids in dataset.memberships.items()
            for organisation_id in ids
        ],
        "holders": [
            {
                "qualificationNumber": h.qualification_number,
                "name": h.name,
                "birthDate": h.birth_date.isoformat(),
                "initials": h.initials or "",
                "prefix": h.prefix or "",
                "surname": h.surname or "",
            }
            for h in dataset.holders
        ],
        "qualifications": [
            {
                "qualificationNumber": h.qualification_number,
                "code": q.code,
                "name": q.name,
                "type": q.type.value,
                "examType": q.exam_type,
                "examTypeName": exam_type_names.get(q.exam_type, q.exam_type),
                "examNumber": q.exam_number,
                "examDate": q.exam_date.isoformat(),
                "expiryDate": q.expiry_date.isoformat() if q.expiry_date else "",
                "parentCode": q.parent_code or "",
                "withdrawnOn": q.withdrawn_on.isoformat() if q.withdrawn_on else "",
            }
            for h in dataset.holders
            for q in h.qualifications
        ],
        "registrations": [
            {
                "organisationId": r.organisation_id,
                "qualificationNumber": r.qualification_number,
                "externalNumber": r.external_number or "",
            }
            for r in dataset.registrations
        ],
    }


def write_folder(dataset: Dataset, path: Path | str) -> None:
    """Write the dataset as the five CSV files that `parse_folder` reads."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for table, records in records_of(dataset).items():
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=FIELDS[table], lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)


def write_json(dataset: Dataset, path: Path | str) -> None:
    Path(path).write_text(
        json.dumps(records_of(dataset), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
