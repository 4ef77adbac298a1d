"""The monthly overview by e-mail ("Maandelijks overzicht"): on the first working day of the
month, one mail per contact person with, for each of their organisations, how many holders have
a qualification expiring in the next 3 months and how many had one expire last month. Counts
only: no name, number or birth date ever goes into a mail.

Reads: the organisation list (the import's digests), then per organisation its packed list (one
pass, as the holder list reads it) and its contact persons (the contacts table's byOrganisation
index); the people's settings in one BatchGet. Sends are paced to SES's send rate, and a run
whose time runs short claims nobody more: the next day's run sends to them. Nobody gets two
mails in a month: a mark per person and month is written (create-only) before the mail goes,
and taken back when SES refused the mail (so the retry sends it); after a timeout the mail may
have gone, and the mark stays.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pasjes.clock import Clock, portal_today, utc_now
from pasjes.dal import contacts, imports, mail, organisations, registrations
from pasjes.dal.mail import MailNotSent
from pasjes.domain import HolderRow, Organisation
from pasjes.logic import working_days
from pasjes.logic.expiry import ExpiryWindow, span_of
from pasjes.mail_text import Mail, OrganisationCounts, overview_mail, settings_url
from pasjes.settings import get_settings

# What the mail counts ahead: the "3 maanden" of "Verloopt binnen".
AHEAD = ExpiryWindow.THREE_MONTHS
# The time kept back at the end of an invocation: one send with the SES client's timeouts and
# retries (pasjes.dal.mail) fits in it, and the function ends normally.
STOP_MARGIN_MS = 20_000
# What it counts back: the previous calendar month, the list its link opens (lastMonth).
BEHIND = ExpiryWindow.LAST_MONTH
# The handler's metrics per run (namespace Pasjesportaal); template.yaml alarms on the failed.
SENT_METRIC = "OverviewMailsSent"
FAILED_METRIC = "OverviewMailsFailed"


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
    # Left for the next day's run: the time ran short before their turn (never claimed).
    deferred: list[str] = field(default_factory=list)
    # Before the month's first working day: the run read and sent nothing.
    not_due: bool = False


class Pacer:
    """At most `per_second` sends a second (SES's maximum send rate): waits before a send that
    would come too early."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1 / per_second
        self.clock, self.sleep = clock, sleep
        self.next = 0.0

    def __call__(self) -> None:
        now = self.clock()
        if now < self.next:
            self.sleep(self.next - now)
            now = self.next
        self.next = now + self.interval


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
    # Called before each send (the pacer); and whether to stop claiming people (time is short).
    pace: Callable[[], None] = lambda: None
    out_of_time: Callable[[], bool] = lambda: False


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
        if sources.out_of_time():
            # Claimed and then killed, a person would get no mail this month: claim nobody more.
            run.deferred.append(sub)
            continue
        if not sources.claim(sub, month):
            run.already_sent.append(sub)
            continue
        subject, text, html = overview_mail(counts, today=today, portal_url=portal_url)
        sources.pace()
        try:
            sources.send(
                Mail(emails[sub], subject, text, html, unsubscribe_url=settings_url(portal_url))
            )
        except MailNotSent as error:
            # Refused: the mark goes, so the retry of this run (the handler raises) sends it.
            # Unknown (a timeout): it may have gone, and a second mail is worse than none.
            if error.refused:
                sources.release(sub, month)
            run.failed.append(sub)
            continue
        run.sent.append(sub)
    return run


def send_monthly_overview(
    *,
    now: Clock = utc_now,
    remaining_ms: Callable[[], int] = lambda: 1 << 40,
    any_day: bool = False,
) -> OverviewRun:
    """This month's overview, read from the tables and sent through SES; from the month's first
    working day on (the schedule runs it on days 1 to 7), claiming nobody when less than
    STOP_MARGIN_MS of the invocation's time (`remaining_ms`, the Lambda context's) is left.
    `any_day`: today, whatever the day (`make overview`)."""
    moment = now()
    today = portal_today(moment)
    if not any_day and not working_days.overview_due(today):
        return OverviewRun(not_due=True)

    sources = Sources(
        organisations=lambda: organisations.get_organisations(imports.organisation_digests()),
        rows_of=registrations.rows_of_organisation,
        contacts_of=contacts.contacts_of,
        settings_of=contacts.monthly_overview_of,
        claim=lambda sub, month: mail.claim(sub, month, now=moment),
        release=mail.release,
        send=mail.send,
        pace=Pacer(get_settings().mail_send_rate),
        out_of_time=lambda: remaining_ms() < STOP_MARGIN_MS,
    )
    return run_overview(today, portal_url=get_settings().required("public_origin"), sources=sources)
