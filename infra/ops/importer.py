"""Load a dataset (see infra.ops.dataset) into the portal's tables, locally or in an AWS account.

    python -m infra.ops.importer FOLDER_OR_JSON --user-pool-id POOL [--region R] \
        [--endpoint-url URL]

Table and bucket names come from the same environment variables the functions read
(ORGANISATIONS_TABLE, CONTACTS_TABLE, HOLDERS_TABLE, REGISTRATIONS_TABLE, REQUESTS_TABLE,
PASSES_BUCKET). Nothing is written when a row is bad or a contact's email is not the verified
email of exactly one enabled Cognito user. Each organisation in the dataset gets exactly the
registrations and contact persons the dataset gives it; organisations and holders are added or
replaced. A contact person dropped from an organisation loses access at once: the API checks
membership on every call, and the import deletes their requests of that organisation with
their ZIPs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import boto3

from infra.ops.dataset import Dataset, DatasetError, organisations_for, parse, rows_for
from pasjes import audit
from pasjes.dal import contacts, holders, organisations, pass_requests, passes_bucket, registrations
from pasjes.settings import SettingsError, get_settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


class UnknownContact(LookupError):
    """A resolver raises this for an email that does not identify exactly one user."""


@dataclass(frozen=True)
class LoadReport:
    organisations: int
    holders: int
    qualifications: int
    registrations: int
    # Registration items written: one row per registration plus one per exam it lists.
    registration_items: int
    contacts: int
    memberships: int
    # Requests deleted because their owner is no longer a contact of their organisation.
    revoked_requests: int = 0

    def summary(self) -> str:
        return (
            f"Loaded {self.organisations} organisations, {self.holders} holders with "
            f"{self.qualifications} qualifications, {self.registrations} registrations "
            f"({self.registration_items} items) and {self.memberships} memberships of "
            f"{self.contacts} contact persons; {self.revoked_requests} requests of removed "
            "contact persons deleted."
        )


def load(dataset: Dataset, *, resolve_sub: Callable[[str], str]) -> LoadReport:
    """Write the dataset through the data-access modules.

    Every contact's `sub` is resolved before the first write, so an unknown email loads nothing.
    Raises DatasetError listing every email `resolve_sub` rejected with UnknownContact.
    """
    subs: dict[str, str] = {}
    unknown: list[str] = []
    for email in dataset.memberships:
        try:
            subs[email] = resolve_sub(email)
        except UnknownContact as error:
            unknown.append(f"contacts: {email}: {error}")
    if unknown:
        raise DatasetError(unknown)

    with_exam_types = organisations_for(dataset)
    by_id = {o.id: o for o in with_exam_types}
    organisations.put_organisations(with_exam_types)
    holders.put_holders(dataset.holders)
    items = 0
    for organisation_id, rows in rows_for(dataset).items():
        registrations.replace_rows(organisation_id, rows)
        items += sum(1 + len(r.exam_numbers) for r in rows)
    memberships = [
        (subs[email], email, by_id[organisation_id])
        for email, organisation_ids in dataset.memberships.items()
        for organisation_id in organisation_ids
    ]
    ended = contacts.replace_memberships([o.id for o in dataset.organisations], memberships)
    revoked_of: dict[str, list[str]] = {}
    for sub, organisation_id in ended:
        ids = pass_requests.ids_of(sub, organisation_id)
        revoked_of.setdefault(sub, []).extend(ids)
        for request_id in ids:
            audit.request_deleted(
                request_id=request_id,
                organisation=organisation_id,
                sub=sub,
                reason="membership_ended",
            )
    revoked = [rid for ids in revoked_of.values() for rid in ids]
    # ZIPs first: should the import stop in between, a request left without its ZIP is
    # invisible anyway, since every read checks membership.
    passes_bucket.delete_zips(revoked)
    for sub, ids in revoked_of.items():
        # Frees the pending slots of those not rendered yet: the person keeps their quota.
        pass_requests.delete_requests(sub, ids)
    return LoadReport(
        organisations=len(with_exam_types),
        holders=len(dataset.holders),
        qualifications=sum(len(h.qualifications) for h in dataset.holders),
        registrations=len(dataset.registrations),
        registration_items=items,
        contacts=len(dataset.memberships),
        memberships=len(memberships),
        revoked_requests=len(revoked),
    )


def cognito_resolver(
    client: CognitoIdentityProviderClient, user_pool_id: str
) -> Callable[[str], str]:
    """Resolve an email to the `sub` of the one user in the pool with that email."""

    def resolve(email: str) -> str:
        # The dataset refuses emails with quotes or backslashes, so the filter cannot be broken.
        response = client.list_users(UserPoolId=user_pool_id, Filter=f'email = "{email}"')
        users = response.get("Users", [])
        if len(users) > 1:
            raise UnknownContact(f"{len(users)} users in user pool {user_pool_id} have this email")
        if not users:
            raise UnknownContact(f"no user in user pool {user_pool_id} has this email")
        user = users[0]
        attributes = {a["Name"]: a.get("Value", "") for a in user.get("Attributes", [])}
        # An unverified address proves nothing: whoever typed it in could take over the
        # membership of its real owner.
        if attributes.get("email_verified") != "true":
            raise UnknownContact("the user's email is not verified")
        if not user.get("Enabled", False):
            raise UnknownContact("the user is disabled")
        return attributes["sub"]

    return resolve


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.ops.importer",
        description="Validate a dataset and load it into the portal's tables.",
        epilog="Names are read from the variables every function gets: ORGANISATIONS_TABLE, "
        "CONTACTS_TABLE, HOLDERS_TABLE, REGISTRATIONS_TABLE, REQUESTS_TABLE, IDEMPOTENCY_TABLE, "
        "and PASSES_BUCKET (the stack's resources); none has a default.",
    )
    parser.add_argument("source", type=Path, help="a folder of CSV files, or one JSON file")
    parser.add_argument(
        "--user-pool-id", required=True, help="the Cognito user pool of the contact persons"
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
    resolved = get_settings().region
    # pynamodb's botocore session reads AWS_DEFAULT_REGION only, not AWS_REGION.
    os.environ.setdefault("AWS_DEFAULT_REGION", resolved)
    return resolved


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    try:
        dataset = parse(arguments.source)
    except DatasetError as error:
        sys.stderr.write("\n".join(error.errors) + "\n")
        sys.stderr.write(f"{len(error.errors)} error(s); nothing was loaded.\n")
        return 1
    try:
        region = _configure_aws(arguments.region, arguments.endpoint_url)
    except SettingsError as error:
        sys.stderr.write(f"{error}\nNothing was loaded.\n")
        return 2
    client = boto3.client("cognito-idp", region_name=region)
    try:
        report = load(dataset, resolve_sub=cognito_resolver(client, arguments.user_pool_id))
    except DatasetError as error:
        sys.stderr.write("\n".join(error.errors) + "\n")
        sys.stderr.write("Create these users or verify their emails first; nothing was loaded.\n")
        return 1
    sys.stdout.write(report.summary() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
