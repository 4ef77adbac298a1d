"""The monthly overview by e-mail ("Maandelijks overzicht"): on the first working day of the
month, one mail per contact person with, for each of their organisations, how many holders have
a qualification expiring in the next 3 months and how many had one expire last month. Counts
only: no name, number or birth date ever goes into a mail.

Reads: the organisation list (the import's digests), then per organisation its packed list (one
pass, as the holder list reads it) and its contact persons (the contacts table's byOrganisation
index); the people's settings in one BatchGet. Nobody gets two mails in a month: a mark per
person and month is written (create-only) before the mail goes, and taken back when SES refused
the mail (so the retry sends it); after a timeout the mail may have gone, and the mark stays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pasjes.dal import contacts, imports, mail, organisations, registrations
from pasjes.dal.mail import MailNotSent
from pasjes.domain import HolderRow, Organisation
from pasjes.logic.expiry import ExpiryWindow, span_of
from pasjes.logic.pass_requests import Clock, utc_now
from pasjes.mail_text import Mail, OrganisationCounts, overview_mail
from pasjes.settings import get_settings

# What the mail counts ahead: the "3 maanden" of "Verloopt binnen".
AHEAD = ExpiryWindow.THREE_MONTHS
# What it counts back: the previous calendar month, the list its link opens (lastMonth).
BEHIND = ExpiryWindow.LAST_MONTH


def counts_of(rows: Iterable[HolderRow], *, today: date) -> tuple[int, int]:
    """(holders with a qualification expiring in the next 3 months, holders with one that
    expired last month), each qualification by its own expiry date, withdrawn ones left out."""
    ahead, past = span_of(AHEAD, today=today), span_of(BEHIND, today=today)
    expiring = expired = 0
    for row in rows:
        expiring += any(ahead.holds(q) for q in row.qualifications)
        expired += any(past.holds(q) for q in row.qualifications)
    return expiring, expired


@dataclass
class OverviewRun:
    """What a run did, for its log line and the tests."""

    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    opted_out: list[str] = field(default_factory=list)
    nothing_to_say: list[str] = field(default_factory=list)
    # Not sent: refused by SES (mark taken back) or unknown (timeout: mark kept).
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Sources:
    """Where a run reads and writes: the data layer in a function, fakes in a test."""

    organisations: Callable[[], Sequence[Organisation]]
    rows_of: Callable[[str], Sequence[HolderRow]]
    contacts_of: Callable[[str], Mapping[str, str]]
    settings_of: Callable[[Iterable[str]], Mapping[str, bool]]
    # Create-only mark of (sub, month): False when it was there already.
    claim: Callable[[str, str], bool]
    release: Callable[[str, str], None]
    send: Callable[[Mail], None]


def run_overview(today: date, *, portal_url: str, sources: Sources) -> OverviewRun:
    month = today.strftime("%Y-%m")
    per_person: dict[str, list[OrganisationCounts]] = defaultdict(list)
    emails: dict[str, str] = {}
    for organisation in sources.organisations():
        contacts = sources.contacts_of(organisation.id)
        if not contacts:
            continue
        expiring, expired = counts_of(sources.rows_of(organisation.id), today=today)
        for sub, email in contacts.items():
            emails[sub] = email
            per_person[sub].append(OrganisationCounts(organisation, expiring, expired))
    settings = sources.settings_of(per_person)
    run = OverviewRun()
    for sub in sorted(per_person):
        counts = sorted(
            per_person[sub], key=lambda c: (c.organisation.name.casefold(), c.organisation.id)
        )
        if not settings.get(sub, True):
            run.opted_out.append(sub)
            continue
        if all(c.expiring == 0 and c.expired_last_month == 0 for c in counts):
            run.nothing_to_say.append(sub)
            continue
        if not sources.claim(sub, month):
            run.already_sent.append(sub)
            continue
        subject, text, html = overview_mail(counts, today=today, portal_url=portal_url)
        try:
            sources.send(Mail(emails[sub], subject, text, html))
        except MailNotSent as error:
            # Refused: the mark goes, so the retry of this run (the handler raises) sends it.
            # Unknown (a timeout): it may have gone, and a second mail is worse than none.
            if error.refused:
                sources.release(sub, month)
            run.failed.append(sub)
            continue
        run.sent.append(sub)
    return run


def send_monthly_overview(*, now: Clock = utc_now) -> OverviewRun:
    """This month's overview, read from the tables and sent through SES."""
    moment = now()

    def organisation_list() -> list[Organisation]:
        found = (organisations.get_organisation(i) for i in sorted(imports.organisation_digests()))
        return [o for o in found if o is not None]

    sources = Sources(
        organisations=organisation_list,
        rows_of=registrations.rows_of_organisation,
        contacts_of=contacts.contacts_of,
        settings_of=contacts.monthly_overview_of,
        claim=lambda sub, month: mail.claim(sub, month, now=moment),
        release=mail.release,
        send=mail.send,
    )
    return run_overview(
        moment.date(), portal_url=get_settings().required("public_origin"), sources=sources
    )
