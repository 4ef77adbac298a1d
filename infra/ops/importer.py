"""Import a registry export (or a dataset) into the portal's tables, locally or in an AWS account.

    python -m infra.ops.importer EXPORT --user-pool-id POOL [--dry-run] [--region R] \
        [--endpoint-url URL]

EXPORT is what the registry drops in the exports bucket (a ZIP of the five CSV files and
manifest.json, or the JSON form, either gzipped), imported by the same code as the importer
function (pasjes.importing): checked, diffed against what is loaded, refused when it looks like
a mistake, and written where it changed; contact persons without a user are invited. With
--dry-run nothing is written and the report says what an import would do.

EXPORT may also be a folder of the five CSV files or one JSON file without a manifest: then
--scope (default partial: the organisations in it get exactly the registrations and contact
persons it lists, all others are left alone) and --allow-large-removal say what a manifest
would; such a load is not recorded as the last export.

Table and bucket names come from the same environment variables the functions read
(ORGANISATIONS_TABLE, CONTACTS_TABLE, HOLDERS_TABLE, REGISTRATIONS_TABLE, REQUESTS_TABLE,
IDEMPOTENCY_TABLE, IMPORTS_TABLE, PASSES_BUCKET). The report is printed as JSON; the exit status
is 0 when loaded, unchanged or a dry run, 1 when failed or refused.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from infra.ops.dataset import Dataset, DatasetError, parse
from pasjes.importing import (
    CognitoDirectory,
    DirectoryUser,
    ImportReport,
    Manifest,
    StaticDirectory,
    import_dataset,
    import_export,
)
from pasjes.settings import SettingsError, get_settings


class UnknownContact(LookupError):
    """A resolver raises this for an email that does not identify exactly one user."""


@dataclass(frozen=True)
class LoadReport:
    organisations: int
    holders: int
    qualifications: int
    registrations: int
    contacts: int
    memberships: int
    # Requests deleted because their owner is no longer a contact of their organisation.
    revoked_requests: int
    report: ImportReport

    def summary(self) -> str:
        return (
            f"Loaded {self.organisations} organisations, {self.holders} holders with "
            f"{self.qualifications} qualifications, {self.registrations} registrations and "
            f"{self.memberships} memberships of {self.contacts} contact persons "
            f"({self.report.items_written} items written); {self.revoked_requests} requests of "
            "removed contact persons deleted."
        )


def load(
    dataset: Dataset,
    *,
    resolve_sub: Callable[[str], str],
    scope: str = "partial",
    allow_large_removal: bool = True,
) -> LoadReport:
    """Load a dataset whose contact persons have users already (`resolve_sub` gives each email's
    sub, or raises UnknownContact): nobody is invited, disabled or enabled. By default as the
    importer always did: the dataset's organisations get exactly what it lists, others stay.
    Raises DatasetError when it cannot be loaded (nothing is written then)."""
    users: dict[str, DirectoryUser] = {}
    unknown: list[str] = []
    for email in dataset.memberships:
        try:
            users[email] = DirectoryUser(
                username=email, sub=resolve_sub(email), enabled=True, managed=False
            )
        except UnknownContact as error:
            unknown.append(f"contacts: {email}: {error}")
    if unknown:
        raise DatasetError(unknown)
    manifest = Manifest(
        export_id=f"load-{uuid.uuid4().hex[:12]}",
        exported_at=datetime.now(UTC),
        scope="full" if scope == "full" else "partial",
        organisations=tuple(o.id for o in dataset.organisations) if scope != "full" else (),
        allow_large_removal=allow_large_removal,
    )
    report = import_dataset(dataset, manifest, directory=StaticDirectory(users), keep_order=False)
    if report.outcome in ("failed", "refused"):
        raise DatasetError(report.errors)
    return LoadReport(
        organisations=len(dataset.organisations),
        holders=len(dataset.holders),
        qualifications=sum(len(h.qualifications) for h in dataset.holders),
        registrations=len(dataset.registrations),
        contacts=len(dataset.memberships),
        memberships=sum(len(ids) for ids in dataset.memberships.values()),
        revoked_requests=report.counts["requestsDeleted"],
        report=report,
    )


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.ops.importer",
        description="Check a registry export, and load what it changes.",
        epilog="Names are read from the variables every function gets: ORGANISATIONS_TABLE, "
        "CONTACTS_TABLE, HOLDERS_TABLE, REGISTRATIONS_TABLE, REQUESTS_TABLE, IDEMPOTENCY_TABLE, "
        "IMPORTS_TABLE and PASSES_BUCKET (the stack's resources); none has a default.",
    )
    parser.add_argument(
        "source",
        type=Path,
        help="an export (ZIP, JSON, gzipped), or a folder of CSV files or one JSON file",
    )
    parser.add_argument(
        "--user-pool-id", required=True, help="the Cognito user pool of the contact persons"
    )
    parser.add_argument("--dry-run", action="store_true", help="check and diff, write nothing")
    parser.add_argument(
        "--scope",
        choices=("full", "partial"),
        default="partial",
        help="for a folder or JSON file without a manifest (default partial)",
    )
    parser.add_argument(
        "--allow-large-removal",
        action="store_true",
        help="for a folder or JSON file without a manifest: let it remove more than 10%%",
    )
    parser.add_argument("--region", help="AWS region (default: AWS_REGION or AWS_DEFAULT_REGION)")
    parser.add_argument(
        "--endpoint-url", help="an AWS emulator's URL, such as the local stack's moto server"
    )
    return parser.parse_args(argv)


def _configure_aws(region: str | None, endpoint_url: str | None) -> str:
    """Point boto3 and pynamodb at the region and endpoint; both read these at client creation."""
    if region:
        os.environ["AWS_DEFAULT_REGION"] = region
        os.environ["AWS_REGION"] = region
    if endpoint_url:
        # botocore (>= 1.31) uses AWS_ENDPOINT_URL for every client created without an
        # endpoint_url, and pynamodb creates its clients that way (Meta.host is unset).
        os.environ["AWS_ENDPOINT_URL"] = endpoint_url
        # An emulator accepts any credentials; a newcomer without an AWS profile has none.
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    get_settings.cache_clear()
    resolved = get_settings().require("imports_table").region
    # pynamodb's botocore session reads AWS_DEFAULT_REGION only, not AWS_REGION.
    os.environ.setdefault("AWS_DEFAULT_REGION", resolved)
    return resolved


def _is_dataset(source: Path) -> bool:
    """A folder, or a JSON file without a manifest: the format before exports had one."""
    if source.is_dir():
        return True
    data = source.read_bytes()
    if data[:1] not in (b"{", b"\xef"):
        return False
    try:
        return "manifest" not in json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return False


def _import(arguments: argparse.Namespace, directory: CognitoDirectory) -> ImportReport:
    source: Path = arguments.source
    if not _is_dataset(source):
        return import_export(source.read_bytes(), dry_run=arguments.dry_run, directory=directory)
    dataset = parse(source)
    manifest = Manifest(
        export_id=f"cli-{source.name}-{uuid.uuid4().hex[:8]}",
        exported_at=datetime.now(UTC),
        scope=arguments.scope,
        organisations=()
        if arguments.scope == "full"
        else tuple(o.id for o in dataset.organisations),
        allow_large_removal=arguments.allow_large_removal,
    )
    return import_dataset(
        dataset, manifest, dry_run=arguments.dry_run, directory=directory, keep_order=False
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    if not arguments.source.exists():
        sys.stderr.write(f"{arguments.source}: no such file or folder\n")
        return 2
    try:
        region = _configure_aws(arguments.region, arguments.endpoint_url)
    except SettingsError as error:
        sys.stderr.write(f"{error}\nNothing was loaded.\n")
        return 2
    import boto3

    client = boto3.client("cognito-idp", region_name=region)
    directory = CognitoDirectory(arguments.user_pool_id, client=client)
    try:
        report = _import(arguments, directory)
    except DatasetError as error:
        sys.stderr.write("\n".join(error.errors) + "\n")
        sys.stderr.write(f"{len(error.errors)} error(s); nothing was loaded.\n")
        return 1
    sys.stdout.write(json.dumps(report.as_json(), indent=1) + "\n")
    for invitation in report.invitations:
        # A real pool mails the temporary password; an emulator sends nothing, so say it here.
        password = f" {invitation.temporary_password}" if arguments.endpoint_url else ""
        invited = "invited again" if invitation.again else "invited"
        sys.stdout.write(
            f"{invited} {invitation.email}{password} ({', '.join(invitation.organisations)})\n"
        )
    if report.errors:
        sys.stderr.write("\n".join(report.errors) + "\n")
    sys.stderr.write(report.summary() + "\n")
    return 1 if report.outcome in ("failed", "refused") else 0


if __name__ == "__main__":
    sys.exit(main())
