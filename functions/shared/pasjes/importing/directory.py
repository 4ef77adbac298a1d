"""The contact persons' user pool, as the import needs it: who is there, invite, disable, enable.

The import touches only the users it created itself: those carry `custom:managed = import`
(an immutable custom attribute of the pool). Operators and other users made by hand are never
invited, disabled or enabled by it; they can still be contact persons (their memberships follow
the export), if their email is verified and they are enabled.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from pasjes.importing.report import Invitation
from pasjes.logic.invitation import MANAGED_ATTRIBUTE, MANAGED_VALUE, invitation_metadata

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import UserTypeTypeDef


# A user of the pool who has not yet chosen a password (signed in with the temporary one).
NOT_SIGNED_IN = "FORCE_CHANGE_PASSWORD"
# What AdminCreateUser answers once the pool's mail quota (Cognito's, or SES's) is used up.
QUOTA_CODE = "LimitExceededException"


class DirectoryError(Exception):
    """The user pool refused a change (an address it does not take, a quota). `code` is the
    pool's error code (LimitExceededException, InvalidParameterException...), which the report
    may show; the message may hold the address, which it may not."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code


@dataclass(frozen=True)
class DirectoryUser:
    username: str
    sub: str
    enabled: bool
    # Created by the import (custom:managed): only these does it disable and enable.
    managed: bool
    email_verified: bool = True
    # FORCE_CHANGE_PASSWORD until the person signs in with the temporary password.
    status: str = "CONFIRMED"
    # When the user last changed (created, invited again, disabled, enabled): a temporary
    # password is at least this old.
    modified_at: datetime | None = None


class Directory(Protocol):
    def users(self) -> Mapping[str, DirectoryUser]:
        """Every user of the pool by lower-cased email."""
        ...

    def waiting_users(self) -> Mapping[str, DirectoryUser]:
        """The users who never signed in (FORCE_CHANGE_PASSWORD) by lower-cased email: few,
        where `users` are all the contact persons."""
        ...

    def invite(self, email: str, organisations: Sequence[str]) -> tuple[DirectoryUser, Invitation]:
        """Create a managed user with a verified email and send Cognito's invitation, which
        names `organisations` (their names) and where to sign in."""
        ...

    def reinvite(self, email: str, organisations: Sequence[str]) -> Invitation:
        """Send a managed user who never signed in the invitation again, with a new temporary
        password (theirs expired): Cognito's AdminCreateUser with MessageAction RESEND."""
        ...

    def disable(self, username: str) -> None:
        """Disable the user and sign them out everywhere."""
        ...

    def enable(self, username: str) -> None: ...


def temporary_password() -> str:
    """12 random characters from each class the pool's policy asks for, shuffled: 24 in all."""
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    characters = [secrets.choice(c) for c in classes for _ in range(8)]
    secrets.SystemRandom().shuffle(characters)
    return "".join(characters)


class CognitoDirectory:
    """The real pool, through boto3's cognito-idp client (made when first needed)."""

    def __init__(
        self, user_pool_id: str, *, client: CognitoIdentityProviderClient | None = None
    ) -> None:
        self.user_pool_id = user_pool_id
        self._client = client

    @property
    def client(self) -> CognitoIdentityProviderClient:
        if self._client is None:
            import boto3

            from pasjes.settings import get_settings

            self._client = boto3.client("cognito-idp", region_name=get_settings().region)
        return self._client

    def users(self) -> Mapping[str, DirectoryUser]:
        return self._listed("")

    def waiting_users(self) -> Mapping[str, DirectoryUser]:
        return self._listed(f'cognito:user_status = "{NOT_SIGNED_IN}"')

    def _listed(self, only: str) -> dict[str, DirectoryUser]:
        found: dict[str, DirectoryUser] = {}
        paginator = self.client.get_paginator("list_users")
        pages = (
            paginator.paginate(UserPoolId=self.user_pool_id, Filter=only)
            if only
            else paginator.paginate(UserPoolId=self.user_pool_id)
        )
        for page in pages:
            for user in page.get("Users", []):
                email, directory_user = _directory_user(user)
                if email:
                    found[email.casefold()] = directory_user
        return found

    def invite(self, email: str, organisations: Sequence[str]) -> tuple[DirectoryUser, Invitation]:
        from botocore.exceptions import ClientError

        password = temporary_password()
        try:
            created = self._create(email, password, organisations)
        except ClientError as error:
            raise _directory_error(error) from None
        _, user = _directory_user(created)
        return user, Invitation(
            email=email, temporary_password=password, organisations=tuple(organisations)
        )

    def reinvite(self, email: str, organisations: Sequence[str]) -> Invitation:
        from botocore.exceptions import ClientError

        password = temporary_password()
        try:
            self.client.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email,
                MessageAction="RESEND",
                TemporaryPassword=password,
                DesiredDeliveryMediums=["EMAIL"],
                ClientMetadata=_invitation_metadata(organisations),
            )
        except ClientError as error:
            raise _directory_error(error) from None
        return Invitation(email, password, tuple(organisations), again=True)

    def _create(self, email: str, password: str, organisations: Sequence[str]) -> UserTypeTypeDef:
        return self.client.admin_create_user(
            UserPoolId=self.user_pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                # The registry vouches for the address: the invitation goes to it.
                {"Name": "email_verified", "Value": "true"},
                {"Name": MANAGED_ATTRIBUTE, "Value": MANAGED_VALUE},
            ],
            TemporaryPassword=password,
            DesiredDeliveryMediums=["EMAIL"],
            # For the pool's custom message trigger, which names them in the Dutch invitation
            # (the invitation template itself can only say {username} and {####}).
            ClientMetadata=_invitation_metadata(organisations),
        )["User"]

    def disable(self, username: str) -> None:
        self.client.admin_disable_user(UserPoolId=self.user_pool_id, Username=username)
        # Disabling stops new sign-ins and token refreshes; this revokes the refresh tokens
        # issued already, so no session outlives the membership.
        self.client.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=username)

    def enable(self, username: str) -> None:
        self.client.admin_enable_user(UserPoolId=self.user_pool_id, Username=username)


def _directory_error(error: Exception) -> DirectoryError:
    detail = getattr(error, "response", {}).get("Error", {})
    return DirectoryError(str(detail.get("Code") or "Unknown"), str(detail.get("Message") or ""))


def _invitation_metadata(organisation_names: Sequence[str]) -> dict[str, str]:
    """What the pool's custom message trigger (functions/invitation) reads: the organisations'
    names and where to sign in."""
    from pasjes.settings import get_settings

    return invitation_metadata(organisation_names, get_settings().public_origin)


def _directory_user(user: UserTypeTypeDef) -> tuple[str, DirectoryUser]:
    attributes = {a["Name"]: a.get("Value", "") for a in user.get("Attributes", [])}
    return attributes.get("email", ""), DirectoryUser(
        username=user.get("Username", ""),
        sub=attributes.get("sub", ""),
        enabled=bool(user.get("Enabled", True)),
        managed=attributes.get(MANAGED_ATTRIBUTE) == MANAGED_VALUE,
        email_verified=attributes.get("email_verified") == "true",
        status=str(user.get("UserStatus", "")),
        modified_at=user.get("UserLastModifiedDate"),
    )


class StaticDirectory:
    """A directory of known users that invites nobody: the operator's `load` of a dataset
    against resolved subs, and tests. Disabling and enabling flip the flag in memory."""

    def __init__(self, users: Mapping[str, DirectoryUser]) -> None:
        self._users = {email.casefold(): user for email, user in users.items()}
        self.invited: list[Invitation] = []
        self.reinvited: list[Invitation] = []
        self.disabled: list[str] = []
        self.enabled: list[str] = []

    def users(self) -> Mapping[str, DirectoryUser]:
        return dict(self._users)

    def waiting_users(self) -> Mapping[str, DirectoryUser]:
        return {e: u for e, u in self._users.items() if u.status == NOT_SIGNED_IN}

    def invite(self, email: str, organisations: Sequence[str]) -> tuple[DirectoryUser, Invitation]:
        user = DirectoryUser(
            username=email, sub=f"sub-{email.casefold()}", enabled=True, managed=True
        )
        self._users[email.casefold()] = user
        invitation = Invitation(email, temporary_password(), tuple(organisations))
        self.invited.append(invitation)
        return user, invitation

    def reinvite(self, email: str, organisations: Sequence[str]) -> Invitation:
        invitation = Invitation(email, temporary_password(), tuple(organisations), again=True)
        self.reinvited.append(invitation)
        return invitation

    def disable(self, username: str) -> None:
        self._flip(username, enabled=False)
        self.disabled.append(username)

    def enable(self, username: str) -> None:
        self._flip(username, enabled=True)
        self.enabled.append(username)

    def _flip(self, username: str, *, enabled: bool) -> None:
        for email, user in self._users.items():
            if user.username == username:
                self._users[email] = replace(user, enabled=enabled)
