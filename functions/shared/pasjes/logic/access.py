"""Who may see what, decided in one place.

A request is its owner's alone, and only while the owner is still a contact person of the
request's organisation: membership ends, access ends, even for requests made before.
Anything the caller may not see looks nonexistent (404), so probing reveals nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from pasjes.domain import PassRequest
from pasjes.errors import RequestExpired, RequestNotFound


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
    if now >= request.expires_at:
        raise RequestExpired()
    return request
