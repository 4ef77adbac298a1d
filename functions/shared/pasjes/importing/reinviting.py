"""Invitations sent again: a contact person the import invited who never signed in, once their
temporary password expired (Cognito takes it for TemporaryPasswordValidityDays), is sent a new
one when a later export still names them. Nothing else would: the import invites only users
who are not in the pool, and a user made by hand is the operator's."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from pasjes.importing.directory import (
    NOT_SIGNED_IN,
    QUOTA_CODE,
    Directory,
    DirectoryError,
    DirectoryUser,
)
from pasjes.importing.report import Invitation
from pasjes.rules import TEMPORARY_PASSWORD_VALIDITY_DAYS


def expired_invitation(user: DirectoryUser, now: datetime) -> bool:
    """A user the import made who never signed in, whose temporary password expired. The last
    change of the user is when it was sent at the latest (an enable or disable since only
    delays the next)."""
    return (
        user.managed
        and user.status == NOT_SIGNED_IN
        and user.modified_at is not None
        and now - user.modified_at >= timedelta(days=TEMPORARY_PASSWORD_VALIDITY_DAYS)
    )


def expired_invitations(
    contacts: Mapping[str, Sequence[str]],
    users: Mapping[str, DirectoryUser],
    now: datetime,
    left_out: Collection[str],
) -> dict[str, list[str]]:
    """email -> organisation ids, of the contact persons the export names (`contacts`: by
    organisation) whose invitation expired; not those left out (no memberships written)."""
    found: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    for organisation_id, emails in contacts.items():
        for email in emails:
            key = email.casefold()
            user = users.get(key)
            if user is None or key in left_out or not expired_invitation(user, now):
                continue
            found.setdefault(spelled.setdefault(key, email), []).append(organisation_id)
    return found


def send_again(
    reinvite: Mapping[str, Sequence[str]],
    names: Mapping[str, str],
    directory: Directory,
) -> tuple[list[Invitation], dict[str, str]]:
    """The invitations sent again, and the emails the pool refused with its error code (a
    quota: the next export tries again, the person still waiting; once the quota is reached
    the rest are not asked). `names`: organisation id -> name."""
    sent: list[Invitation] = []
    refused: dict[str, str] = {}
    for email, organisation_ids in reinvite.items():
        if QUOTA_CODE in refused.values():
            refused[email] = QUOTA_CODE
            continue
        try:
            sent.append(directory.reinvite(email, [names[o] for o in organisation_ids]))
        except DirectoryError as error:
            refused[email] = error.code
    return sent, refused
