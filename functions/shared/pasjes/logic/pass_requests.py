"""Download requests: which passes a selection yields, who may see a request, and its life."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pasjes.domain import (
    Holder,
    HolderRow,
    Organisation,
    Pass,
    PassRequest,
    QualificationType,
    RequestStatus,
)
from pasjes.errors import NoPasses, RequestNotReady, TooManyPasses
from pasjes.logic.access import require_registered
from pasjes.rules import MAX_PASSES_PER_REQUEST, expires_at


def new_request_id() -> str:
    """128 random bits: a request id cannot be guessed from another one."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Selection:
    """What the contact person chose before 'Dien verzoek in'."""

    organisation: Organisation
    qualification_numbers: Sequence[str]
    qualification_codes: frozenset[str] = frozenset()
    expiry_dates: frozenset[date] = frozenset()
    reference: str | None = None


def passes_of(holder: Holder, row: HolderRow, selection: Selection) -> list[Pass]:
    """One pass per chosen qualification; a diploma's pass always lists the modules held.

    Choosing only a diploma's code ("only the diploma") leaves its modules without passes of
    their own, while they still appear on the diploma's pass. A withdrawn qualification is on
    no new pass, neither its own nor a diploma's.
    """
    codes, dates = selection.qualification_codes, selection.expiry_dates
    return [
        Pass(
            qualification_number=holder.qualification_number,
            name=holder.name,
            birth_date=holder.birth_date,
            external_number=row.external_number,
            qualification=q,
            modules=tuple(m for m in holder.modules_of(q.code) if m.withdrawn_on is None)
            if q.type is QualificationType.DIPLOMA
            else (),
        )
        for q in holder.qualifications
        if q.withdrawn_on is None
        and (not codes or q.code in codes)
        and (not dates or q.expiry_date in dates)
    ]


def plan_request(
    selection: Selection,
    *,
    owner_sub: str,
    rows: Mapping[str, HolderRow],
    holders: Mapping[str, Holder],
    now: datetime,
) -> PassRequest:
    """The request a selection makes; `rows` are the holders registered at the organisation."""
    require_registered(selection.qualification_numbers, rows, holders)
    passes: list[Pass] = []
    skipped: list[str] = []
    for number in selection.qualification_numbers:
        found = passes_of(holders[number], rows[number], selection)
        passes.extend(found)
        if not found:
            skipped.append(number)
    if not passes:
        raise NoPasses()
    if len(passes) > MAX_PASSES_PER_REQUEST:
        raise TooManyPasses(len(passes), MAX_PASSES_PER_REQUEST)
    return PassRequest(
        id=new_request_id(),
        owner_sub=owner_sub,
        organisation=Organisation(id=selection.organisation.id, name=selection.organisation.name),
        reference=selection.reference or None,
        holder_count=len(selection.qualification_numbers) - len(skipped),
        pass_count=len(passes),
        skipped=tuple(skipped),
        created_at=now,
        expires_at=expires_at(now),
        passes=tuple(passes),
    )


def downloadable(request: PassRequest) -> PassRequest:
    if request.status is not RequestStatus.READY:
        raise RequestNotReady(request.status.value)
    return request
