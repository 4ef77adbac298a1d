"""A contact person the import invited who never signed in is sent the invitation again once
their temporary password expired (the pool's TemporaryPasswordValidityDays), by the next export
that still names them: the same user, a new temporary password."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from infra.local.moto_cognito import teach_moto_resend
from pasjes.importing import (
    CognitoDirectory,
    DirectoryError,
    ImportReport,
    Invitation,
    import_export,
)
from pasjes.rules import TEMPORARY_PASSWORD_VALIDITY_DAYS
from tests.aws.test_import_export import T0, cognito_user, dataset, export, pool, run
from tests.conftest import REGION

__all__ = ["pool", "run"]  # fixtures, used by name

CONTACT = "contact@keira.example"


@pytest.fixture(autouse=True)
def resending_pool() -> None:
    teach_moto_resend()


def days_later(days: int) -> Callable[[], datetime]:
    return lambda: datetime.now(UTC) + timedelta(days=days)


def test_an_expired_invitation_is_sent_again_by_the_next_export(
    run: Callable[..., ImportReport], pool: str
) -> None:
    first = run(export(dataset(), "e1"))
    sub = cognito_user(pool, CONTACT)["sub"]

    later = run(
        export(dataset(keira=61), "e2", T0 + timedelta(days=8)),
        now=days_later(TEMPORARY_PASSWORD_VALIDITY_DAYS + 1),
    )

    assert later.outcome == "loaded"
    assert later.counts["contactPersonsReinvited"] == 2
    assert later.counts["contactPersonsInvited"] == 0
    again = next(i for i in later.invitations if i.email == CONTACT)
    assert again.again
    assert again.organisations == ("Keira BHV",)
    password = next(i for i in first.invitations if i.email == CONTACT).temporary_password
    assert again.temporary_password != password
    assert cognito_user(pool, CONTACT)["sub"] == sub
    user = boto3.client("cognito-idp", region_name=REGION).admin_get_user(
        UserPoolId=pool, Username=CONTACT
    )
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_an_invitation_still_valid_is_not_sent_again(run: Callable[..., ImportReport]) -> None:
    run(export(dataset(), "e1"))

    later = run(
        export(dataset(keira=61), "e2", T0 + timedelta(days=1)),
        now=days_later(TEMPORARY_PASSWORD_VALIDITY_DAYS - 1),
    )

    assert later.counts["contactPersonsReinvited"] == 0
    assert later.invitations == ()


def test_a_contact_person_who_signed_in_is_never_invited_again(
    run: Callable[..., ImportReport], pool: str
) -> None:
    run(export(dataset(), "e1"))
    boto3.client("cognito-idp", region_name=REGION).admin_set_user_password(
        UserPoolId=pool, Username=CONTACT, Password="Een-eigen-wachtwoord-1", Permanent=True
    )

    later = run(export(dataset(keira=61), "e2", T0 + timedelta(days=30)), now=days_later(30))

    assert [i.email for i in later.invitations] == ["joris@example.org"]
    assert later.counts["contactPersonsReinvited"] == 1


def test_the_same_files_under_a_new_id_send_expired_invitations_again(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e1"))

    later = run(export(dataset(), "e2", T0 + timedelta(days=8)), now=days_later(8))

    assert later.outcome == "unchanged"
    assert later.counts["contactPersonsReinvited"] == 2
    assert sorted((i.email, i.organisations) for i in later.invitations) == [
        (CONTACT, ("Keira BHV",)),
        ("joris@example.org", ("EHBO-vereniging Sint Joris",)),
    ]


def test_a_dry_run_counts_the_invitations_it_would_send_again_and_sends_none(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e1"))

    dry = run(
        export(dataset(keira=61), "e2", T0 + timedelta(days=8)), now=days_later(8), dry_run=True
    )

    assert dry.counts["contactPersonsReinvited"] == 2
    assert dry.invitations == ()


class RefusingResend(CognitoDirectory):
    def reinvite(self, email: str, organisations: Sequence[str]) -> Invitation:
        raise DirectoryError("LimitExceededException", email)


def test_a_refused_resend_is_reported_and_the_rest_loads(pool: str) -> None:
    directory = RefusingResend(pool, client=boto3.client("cognito-idp", region_name=REGION))
    import_export(export(dataset(), "e1"), directory=directory)

    later = import_export(
        export(dataset(keira=61), "e2", T0 + timedelta(days=8)),
        directory=directory,
        now=days_later(8),
    )

    assert later.outcome == "loaded"
    assert later.counts["holdersAdded"] == 1
    assert later.counts["contactPersonsReinvited"] == 0
    assert len(later.errors) == 2
    assert all(
        e.startswith("contacts.csv:")
        and e.endswith(": invitation not sent again (LimitExceededException)")
        for e in later.errors
    )
    assert "@" not in " ".join(later.errors)
