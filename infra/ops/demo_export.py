"""The demo data as the registry exports it: one ZIP with `manifest.json` and the five CSV files
(`python -m infra.ops.demo_data --export PATH.zip`), to drop into the local stack's imports
folder or the deployed exports bucket. See README, "Importing the registry"."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from infra.ops.dataset import Dataset, Manifest, write_folder, write_json
from infra.ops.dataset.exporting import write_export
from infra.ops.demo_manual import KEIRA_BHV
from pasjes.domain import Registration

# The new exam of --new-exam-holders, and the first qualification number it gives out.
NEW_EXAM = "EX99001"
_FIRST_NEW_NUMBER = 98_000_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("export (instead of --out)")
    group.add_argument("--export", type=Path, help="write an export ZIP (with its manifest)")
    group.add_argument(
        "--export-id", help="the manifest's exportId (default: demo-{exportedAt, compact})"
    )
    group.add_argument(
        "--exported-at",
        type=_utc,
        help="the manifest's exportedAt, ISO 8601 (default: now, UTC)",
    )
    group.add_argument(
        "--contact",
        action="append",
        default=[],
        metavar="EMAIL=ORGANISATION_ID",
        help="also make EMAIL contact person of that organisation (repeatable)",
    )
    group.add_argument(
        "--new-exam-holders",
        type=int,
        default=0,
        metavar="N",
        help="add N holders who passed a new exam at Keira BHV today (a changed export)",
    )
    group.add_argument(
        "--allow-large-removal",
        action="store_true",
        help="set the manifest's allowLargeRemoval (the import's mass-removal guard is off)",
    )


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def with_contacts(dataset: Dataset, contacts: list[str]) -> Dataset:
    """The dataset with each EMAIL=ORGANISATION_ID membership added."""
    memberships = {email: list(ids) for email, ids in dataset.memberships.items()}
    known = {o.id for o in dataset.organisations}
    for pair in contacts:
        email, _, organisation_id = pair.partition("=")
        if not email.strip() or organisation_id not in known:
            raise ValueError(f"--contact {pair}: expected EMAIL=ORGANISATION_ID, one of {known}")
        memberships.setdefault(email.strip(), []).append(organisation_id)
    return replace(dataset, memberships={e: tuple(ids) for e, ids in memberships.items()})


def with_new_exam(dataset: Dataset, count: int, today: date) -> Dataset:
    """The dataset and `count` holders more at Keira BHV, who passed exam NEW_EXAM today: the
    same people as the first of its holders, under new qualification numbers."""
    if count <= 0:
        return dataset
    registered = {
        r.qualification_number for r in dataset.registrations if r.organisation_id == KEIRA_BHV
    }
    taken = {h.qualification_number for h in dataset.holders}
    numbers = (
        str(n) for n in range(_FIRST_NEW_NUMBER, _FIRST_NEW_NUMBER * 2) if str(n) not in taken
    )
    added = []
    for holder in (h for h in dataset.holders if h.qualification_number in registered):
        first = next((q for q in holder.qualifications if q.parent_code is None), None)
        if first is None:
            continue
        validity = (first.expiry_date - first.exam_date) if first.expiry_date else None
        passed = replace(
            first,
            exam_number=NEW_EXAM,
            exam_date=today,
            expiry_date=today + validity if validity else None,
            withdrawn_on=None,
        )
        added.append(replace(holder, qualification_number=next(numbers), qualifications=(passed,)))
        if len(added) == count:
            break
    return replace(
        dataset,
        holders=(*dataset.holders, *added),
        registrations=(
            *dataset.registrations,
            *(Registration(KEIRA_BHV, h.qualification_number) for h in added),
        ),
    )


def write_demo_export(dataset: Dataset, arguments: argparse.Namespace) -> Manifest:
    """Write `arguments.export` (a full export of `dataset`); returns its manifest."""
    exported_at = arguments.exported_at or datetime.now(UTC).replace(microsecond=0)
    manifest = Manifest(
        export_id=arguments.export_id or f"demo-{exported_at:%Y%m%dT%H%M%SZ}",
        exported_at=exported_at,
        scope="full",
        allow_large_removal=arguments.allow_large_removal,
    )
    changed = with_new_exam(dataset, arguments.new_exam_holders, arguments.today)
    write_export(with_contacts(changed, arguments.contact), manifest, arguments.export)
    return manifest


def write(dataset: Dataset, arguments: argparse.Namespace) -> str:
    """Write the dataset where the arguments say (--export, or --out: a .json file or a
    folder of CSV files); what was written, for the output."""
    if arguments.export is not None:
        manifest = write_demo_export(dataset, arguments)
        added = arguments.new_exam_holders
        more = f", and {added} holders of exam {NEW_EXAM} at {KEIRA_BHV}" if added > 0 else ""
        return f"{arguments.export} (exportId {manifest.export_id}{more})"
    if arguments.out.suffix == ".json":
        write_json(dataset, arguments.out)
    else:
        write_folder(dataset, arguments.out)
    return str(arguments.out)
