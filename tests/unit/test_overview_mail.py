"""The monthly overview without AWS: its counts (each qualification by its own date, last month
as a calendar month), who gets a mail and who not, and the mail's Dutch text."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from urllib.parse import parse_qs, urlsplit

from pasjes.dal.mail import MailNotSent
from pasjes.domain import Holder, HolderRow, Organisation
from pasjes.logic.expiry import ExpiryWindow, Span, last_month
from pasjes.logic.overview import Pacer, Sources, counts_of, run_overview
from pasjes.logic.search import HolderSearch, select_rows
from pasjes.mail_text import Mail, OrganisationCounts, overview_mail
from tests.conftest import qualification

TODAY = date(2027, 3, 1)
PORTAL = "https://pasjes.example"
KEIRA = Organisation("keira-bhv", "Keira BHV")
WEST = Organisation("ehbo-west", "EHBO West")


def holder(number: str, *expiries: date, withdrawn: bool = False) -> HolderRow:
    qualifications = tuple(
        dataclasses.replace(
            qualification(f"Q{i}"),
            expiry_date=day,
            withdrawn_on=date(2026, 1, 1) if withdrawn else None,
        )
        for i, day in enumerate(expiries)
    )
    return HolderRow.of(Holder(number, "Mevr. Geheim", date(1990, 1, 1), qualifications), None)


def test_last_month_is_the_calendar_month_before_today() -> None:
    assert last_month(date(2027, 3, 1)) == Span("2027-02-01", "2027-02-28")
    assert last_month(date(2028, 3, 31)) == Span("2028-02-01", "2028-02-29")
    assert last_month(date(2027, 1, 4)) == Span("2026-12-01", "2026-12-31")


def test_counts_are_holders_by_each_qualification_and_leave_withdrawn_ones_out() -> None:
    rows = [
        holder("10000001", date(2027, 4, 1), date(2030, 1, 1)),  # expiring, whatever the other
        holder("10000002", date(2027, 2, 28)),  # expired last month
        holder("10000003", date(2027, 2, 1), date(2027, 5, 31)),  # both
        holder("10000004", date(2027, 6, 2)),  # beyond 3 months
        holder("10000005", date(2027, 3, 15), withdrawn=True),
        holder("10000006", date(2027, 1, 31)),  # expired before last month
    ]

    assert counts_of(rows, today=TODAY) == (2, 2)


def test_the_expired_count_is_what_its_link_lists() -> None:
    rows = [
        holder("10000002", date(2027, 2, 28)),
        holder("10000003", date(2027, 2, 1), date(2027, 5, 31)),
        holder("10000006", date(2027, 1, 31)),  # in the past 12 months, not last month
        holder("10000007", date(2026, 12, 1)),
        holder("10000008", date(2027, 2, 14), withdrawn=True),
    ]
    _, expired = counts_of(rows, today=TODAY)
    _, text, _ = overview_mail(
        [OrganisationCounts(KEIRA, 0, expired)], today=TODAY, portal_url=PORTAL
    )
    link = next(w for w in text.split() if "verloopt=" in w and "verloopt=3m" not in w)
    window = ExpiryWindow(parse_qs(urlsplit(link).query)["verloopt"][0])

    listed, _ = select_rows(rows, HolderSearch(KEIRA.id, expiring=window), today=TODAY)

    assert window is ExpiryWindow.LAST_MONTH
    assert expired == len(listed) == 2
    assert f"{expired} kwalificatiehouders met een kwalificatie die in februari 2027" in text


class Recorder:
    def __init__(
        self, rows: Mapping[str, Sequence[HolderRow]], fail_for: str = "", *, refused: bool = True
    ) -> None:
        self.rows = rows
        self.marks: set[tuple[str, str]] = set()
        self.mails: list[Mail] = []
        self.fail_for = fail_for
        self.refused = refused
        self.settings: dict[str, bool] = {}

    def claim(self, sub: str, month: str) -> bool:
        if (sub, month) in self.marks:
            return False
        self.marks.add((sub, month))
        return True

    def send(self, mail: Mail) -> None:
        if mail.to == self.fail_for:
            raise MailNotSent(mail.to, refused=self.refused)
        self.mails.append(mail)

    def sources(self) -> Sources:
        contacts = {
            KEIRA.id: {"a": "a@keira.example", "b": "b@keira.example"},
            WEST.id: {"a": "a@keira.example", "c": "c@west.example"},
        }

        def settings_of(subs: Iterable[str]) -> dict[str, bool]:
            return {s: self.settings[s] for s in subs if s in self.settings}

        return Sources(
            organisations=lambda: [KEIRA, WEST],
            rows_of=lambda organisation_id: self.rows[organisation_id],
            contacts_of=lambda organisation_id: contacts[organisation_id],
            settings_of=settings_of,
            claim=self.claim,
            release=lambda sub, month: self.marks.discard((sub, month)),
            send=self.send,
        )


ROWS = {KEIRA.id: [holder("10000001", date(2027, 4, 1))], WEST.id: []}


def test_one_mail_per_person_for_all_their_organisations_and_none_twice() -> None:
    recorder = Recorder(ROWS)

    first = run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())
    second = run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())

    # c is contact of EHBO West only, where nothing expires: no mail.
    assert sorted(m.to for m in recorder.mails) == ["a@keira.example", "b@keira.example"]
    assert (first.sent, first.nothing_to_say) == (["a", "b"], ["c"])
    assert (second.sent, second.already_sent) == ([], ["a", "b"])
    both = next(m for m in recorder.mails if m.to == "a@keira.example")
    assert "Keira BHV" in both.text
    assert "EHBO West" in both.text


def test_someone_who_turned_it_off_gets_nothing() -> None:
    recorder = Recorder(ROWS)
    recorder.settings["b"] = False

    run = run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())

    assert [m.to for m in recorder.mails] == ["a@keira.example"]
    assert run.opted_out == ["b"]


def test_a_mail_that_fails_is_sent_by_the_next_run() -> None:
    recorder = Recorder(ROWS, fail_for="b@keira.example")
    first = run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())
    recorder.fail_for = ""
    second = run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())

    assert (first.failed, second.sent) == (["b"], ["b"])


def test_a_mail_that_timed_out_is_not_sent_twice() -> None:
    # A timeout: SES may have taken it, so the mark stays and the retry sends nothing.
    recorder = Recorder(ROWS, fail_for="b@keira.example", refused=False)
    first = run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())
    recorder.fail_for = ""
    second = run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())

    assert (first.failed, second.sent, second.already_sent) == (["b"], [], ["a", "b"])


def test_the_mail_says_counts_and_links_in_dutch_and_names_nobody() -> None:
    counts = [OrganisationCounts(KEIRA, 12, 1), OrganisationCounts(WEST, 0, 3)]

    subject, text, html = overview_mail(counts, today=TODAY, portal_url=PORTAL + "/")

    assert subject == "Hercertificering: overzicht van maart 2027"
    assert "12 kwalificatiehouders met een kwalificatie die binnen 3 maanden verloopt" in text
    assert "1 kwalificatiehouder met een kwalificatie die in februari 2027 is verlopen" in text
    assert f"{PORTAL}/?organisatie=keira-bhv&verloopt=3m" in text
    assert f"{PORTAL}/?organisatie=ehbo-west&verloopt=lastMonth" in text
    assert f"{PORTAL}/instellingen" in text
    assert "\r\n" in text
    assert f'href="{PORTAL}/?organisatie=keira-bhv&amp;verloopt=3m"' in html
    assert f'href="{PORTAL}/instellingen"' in html


def test_a_name_with_markup_is_escaped_in_the_html() -> None:
    odd = Organisation("odd", "<b>Odd & Co</b>")

    _, text, html = overview_mail([OrganisationCounts(odd, 1, 0)], today=TODAY, portal_url=PORTAL)

    assert "&lt;b&gt;Odd &amp; Co&lt;/b&gt;" in html
    assert "<b>Odd" not in html
    assert "<b>Odd & Co</b>" in text


def test_no_holder_data_reaches_a_mail() -> None:
    recorder = Recorder(ROWS)

    run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())

    for mail in recorder.mails:
        for secret in ("Mevr. Geheim", "10000001", "1990", "01-01-1990"):
            assert secret not in mail.text + mail.html + mail.subject


def test_when_time_runs_short_nobody_more_is_claimed_and_the_next_run_sends_to_them() -> None:
    recorder = Recorder(ROWS)
    checks = iter([False, True])
    short = dataclasses.replace(recorder.sources(), out_of_time=lambda: next(checks, True))

    first = run_overview(TODAY, portal_url=PORTAL, sources=short)
    second = run_overview(TODAY, portal_url=PORTAL, sources=recorder.sources())

    assert (first.sent, first.deferred) == (["a"], ["b"])
    assert recorder.marks == {("a", "2027-03"), ("b", "2027-03")}
    assert (second.sent, second.already_sent) == (["b"], ["a"])


def test_sends_are_paced_to_the_send_rate() -> None:
    clock = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        clock[0] += seconds

    pace = Pacer(4, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        pace()
    clock[0] += 1.0
    pace()

    assert slept == [0.25, 0.25]
