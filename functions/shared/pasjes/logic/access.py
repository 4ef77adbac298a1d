"""Who may see what, decided in one place.

- Membership: a contact person works for the organisations the contacts table lists for them,
  and only there (`organisation_of`).
- Registration: a holder is seen through an organisation only while registered there, that is,
  while the organisation's registrations hold their row (`registered_holder`,
  `require_registered`).
- Ownership: a request is its owner's alone, and only while the owner is still a contact person
  of the request's organisation: membership ends, access ends, even for requests made before
  (`may_see`, `visible_requests`, `visible_request`).

Anything the caller may not see looks nonexistent (404), so probing reveals nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from pasjes.domain import Holder, HolderRow, Organisation, PassRequest
from pasjes.errors import (
    HolderNotFound,
    HoldersNotFound,
    OrganisationNotFound,
    RequestExpired,
    RequestNotFound,
)
from pasjes.rules import expired

_Holder = TypeVar("_Holder")


def organisation_of(mine: Sequence[Organisation], requested: str) -> Organisation:
    """The organisation a call is about, among the caller's own (`mine`); one that is not the
    caller's looks nonexistent. Every call names it (the API answers organisation_required
    without it), a contact person of one organisation too."""
    for organisation in mine:
        if organisation.id == requested:
            return organisation
    raise OrganisationNotFound()


def registered_holder(row: HolderRow | None, holder: _Holder | None) -> tuple[HolderRow, _Holder]:
    """One holder seen through an organisation: `row` is their registration there (None: not
    registered), `holder` what the registry holds of them."""
    if row is None or holder is None:
        raise HolderNotFound()
    return row, holder


def require_registered(
    numbers: Sequence[str],
    rows: Mapping[str, HolderRow],
    holders: Mapping[str, Holder] | None = None,
) -> None:
    """Every chosen holder is registered at the organisation (`rows` are its registrations of
    them) and, where `holders` is given, known to the registry; else a 404 naming the others."""
    missing = [n for n in numbers if n not in rows or (holders is not None and n not in holders)]
    if missing:
        raise HoldersNotFound(missing)


def may_see(request: PassRequest, *, caller_sub: str, member_of: Collection[str]) -> bool:
    """`member_of`: the ids of the organisations the caller is contact person of right now."""
    return request.owner_sub == caller_sub and request.organisation.id in member_of


def visible_requests(
    requests: Iterable[PassRequest], *, caller_sub: str, member_of: Collection[str]
) -> list[PassRequest]:
    return [r for r in requests if may_see(r, caller_sub=caller_sub, member_of=member_of)]


def visible_request(
    request: PassRequest | None, *, caller_sub: str, member_of: Collection[str], now: datetime
) -> PassRequest:
    """The caller's own request of one of their organisations, unexpired; else an error."""
    if request is None or not may_see(request, caller_sub=caller_sub, member_of=member_of):
        raise RequestNotFound()
    if expired(request.expires_at, now=now):
        raise RequestExpired()
    return request
