"""The search function's routes as plain functions: who am I, which exam types, which holders,
and one holder with their qualifications. Each asks pasjes.logic.access who may see what, and
reads the caller's memberships afresh on every call."""

from __future__ import annotations

from datetime import date

from pasjes import audit
from pasjes.api_models.common import OrganisationOut
from pasjes.api_models.holders import (
    ExamTypeOut,
    ExamTypes,
    HolderDetails,
    HolderList,
    HolderOut,
    Me,
)
from pasjes.clock import Clock, portal_today, utc_now
from pasjes.dal import contacts, holders, organisations, registrations
from pasjes.domain import HolderRow, Organisation
from pasjes.logic.access import organisation_of, registered_holder
from pasjes.logic.cursor import cursor_secret
from pasjes.logic.expiry import expiring, span_of
from pasjes.logic.search import HolderSearch, search_holders


def _organisation(caller_sub: str, requested: str) -> Organisation:
    return organisation_of(contacts.organisations_of(caller_sub), requested)


def me(caller_sub: str, email: str) -> Me:
    mine = contacts.organisations_of(caller_sub)
    return Me(email=email, organisations=[OrganisationOut.model_validate(o) for o in mine])


def exam_types(caller_sub: str, organisation: str) -> ExamTypes:
    chosen = _organisation(caller_sub, organisation)
    stored = organisations.get_organisation(chosen.id)
    types = stored.exam_types if stored else ()
    return ExamTypes(items=[ExamTypeOut.model_validate(t) for t in types])


def searched_rows(caller_sub: str, search: HolderSearch) -> tuple[Organisation, list[HolderRow]]:
    """The search's organisation, if it is the caller's (their memberships read afresh), and
    the rows the search looks through: an exam's holders, or the organisation's whole list."""
    chosen = _organisation(caller_sub, search.organisation_id)
    rows = (
        registrations.rows_of_exam(chosen.id, search.exam_number)
        if search.exam_number
        else registrations.rows_of_organisation(chosen.id)
    )
    return chosen, rows


def holder_list(
    caller_sub: str, search: HolderSearch, *, cursor: str | None, now: Clock = utc_now
) -> HolderList:
    """`search` as the caller asked it, a page of it."""
    chosen, rows = searched_rows(caller_sub, search)
    today: date = portal_today(now())
    page = search_holders(rows, search, cursor=cursor, today=today, secret=cursor_secret())
    audit.holders_listed(
        organisation=chosen.id, sub=caller_sub, returned=len(page.items), total=page.total
    )
    span = span_of(search.expiring, today=today) if search.expiring else None
    return HolderList(
        items=[
            HolderOut.of(row, today=today, expiring=expiring(row, span) if span else None)
            for row in page.items
        ],
        total=page.total,
        next_cursor=page.next_cursor,
    )


def holder_details(
    caller_sub: str, organisation: str, qualification_number: str, *, now: Clock = utc_now
) -> HolderDetails:
    chosen = _organisation(caller_sub, organisation)
    row = registrations.get_rows(chosen.id, [qualification_number]).get(qualification_number)
    # The registry is read only for a holder registered here.
    row, holder = registered_holder(
        row, holders.get_holder(qualification_number) if row is not None else None
    )
    audit.holder_read(
        organisation=chosen.id, sub=caller_sub, qualification_number=qualification_number
    )
    return HolderDetails.of(row, holder, today=portal_today(now()))
