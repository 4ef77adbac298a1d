"""Which invitations an import sends again, and what a refusal does: plain, no AWS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pasjes.importing import DirectoryError, DirectoryUser, Invitation, StaticDirectory
from pasjes.importing.reinviting import expired_invitations, send_again
from pasjes.rules import TEMPORARY_PASSWORD_VALIDITY_DAYS

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
VALIDITY = timedelta(days=TEMPORARY_PASSWORD_VALIDITY_DAYS)
WAITING = DirectoryUser(
    "u1", "s1", True, True, status="FORCE_CHANGE_PASSWORD", modified_at=NOW - VALIDITY
)


def reinvited(user: DirectoryUser, left_out: Sequence[str] = ()) -> dict[str, list[str]]:
    contacts = {"keira": ["Piet@Keira.example"], "joris": ["piet@keira.example"]}
    return expired_invitations(contacts, {"piet@keira.example": user}, NOW, left_out)


def test_a_managed_user_who_never_signed_in_is_invited_again_once_the_password_expired() -> None:
    assert reinvited(WAITING) == {"Piet@Keira.example": ["keira", "joris"]}


def test_no_one_else_is_invited_again() -> None:
    assert reinvited(replace(WAITING, modified_at=NOW - VALIDITY + timedelta(minutes=1))) == {}
    assert reinvited(replace(WAITING, status="CONFIRMED")) == {}
    assert reinvited(replace(WAITING, managed=False)) == {}
    assert reinvited(replace(WAITING, modified_at=None)) == {}
    assert reinvited(WAITING, left_out=["piet@keira.example"]) == {}


class Refusing(StaticDirectory):
    def __init__(self, code: str) -> None:
        super().__init__({})
        self.code = code
        self.asked = 0

    def reinvite(self, email: str, organisations: Sequence[str]) -> Invitation:
        self.asked += 1
        raise DirectoryError(self.code, email)


def test_invitations_are_sent_again_with_the_organisations_names() -> None:
    directory = StaticDirectory({})

    sent, refused = send_again({"a@x.example": ["keira"]}, {"keira": "Keira BHV"}, directory)

    assert [(i.email, i.organisations, i.again) for i in sent] == [
        ("a@x.example", ("Keira BHV",), True)
    ]
    assert refused == {}


def test_past_the_mail_quota_the_pool_is_not_asked_again() -> None:
    directory = Refusing("LimitExceededException")
    reinvite = {"a@x.example": ["keira"], "b@x.example": ["keira"]}

    sent, refused = send_again(reinvite, {"keira": "Keira BHV"}, directory)

    assert sent == []
    assert refused == dict.fromkeys(reinvite, "LimitExceededException")
    assert directory.asked == 1
