"""The demo data as the registry exports it: one ZIP with `manifest.json` and the five CSV files
(`python -m infra.ops.demo_data --export PATH.zip`), to drop into the local stack's imports
folder or the deployed exports bucket. See README, "Importing the registry"."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from infra.ops.dataset import Dataset, Manifest, write_folder, write_json
from infra.ops.dataset.exporting import write_export


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


def write_demo_export(dataset: Dataset, arguments: argparse.Namespace) -> Manifest:
    """Write `arguments.export` (a full export of `dataset`); returns its manifest."""
    exported_at = arguments.exported_at or datetime.now(UTC).replace(microsecond=0)
    manifest = Manifest(
        export_id=arguments.export_id or f"demo-{exported_at:%Y%m%dT%H%M%SZ}",
        exported_at=exported_at,
        scope="full",
        allow_large_removal=arguments.allow_large_removal,
    )
    write_export(with_contacts(dataset, arguments.contact), manifest, arguments.export)
    return manifest


def write(dataset: Dataset, arguments: argparse.Namespace) -> str:
    """Write the dataset where the arguments say (--export, or --out: a .json file or a
    folder of CSV files); what was written, for the output."""
    if arguments.export is not None:
        manifest = write_demo_export(dataset, arguments)
        return f"{arguments.export} (exportId {manifest.export_id})"
    if arguments.out.suffix == ".json":
        write_json(dataset, arguments.out)
    else:
        write_folder(dataset, arguments.out)
    return str(arguments.out)
