"""The monthly overview on moto: the scheduled function reads the organisations, their packed
lists and their contact persons, and sends each person one mail through SES, never two, none to
someone who turned it off, none when there is nothing to say."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from functions.overview.app import OverviewIncomplete, handler
from pasjes.clock import portal_today
from pasjes.dal import contacts, holders, imports, registrations
from pasjes.domain import Holder, HolderRow
from tests.conftest import (
    BRIGADE,
    COLLEAGUE,
    CONTACT,
    HOLDERS,
    KEIRA,
    OTHER,
    REGION,
    STRANGER,
    FakeContext,
    qualification,
)

SENDER = "overzicht@pasjes.example"
PORTAL = "https://pasjes.example"
# The portal's today (the date in Amsterdam), as the handlers count it.
TODAY = portal_today(datetime.now(UTC))
SOON = Holder(
    "60000001",
    "Mevr. Vertrouwelijk",
    date(1980, 2, 3),
    (dataclasses.replace(qualification("DEH"), expiry_date=TODAY + timedelta(days=20)),),
)


@pytest.fixture
def overview(portal: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIL_SENDER", SENDER)
    monkeypatch.setenv("MAIL_CONFIGURATION_SET", "pasjes-mail")
    monkeypatch.setenv("PUBLIC_ORIGIN", PORTAL)
    from pasjes.settings import get_settings

    get_settings.cache_clear()
    # The tests run on any day; when a run goes on is tests/unit/test_working_days.py's.
    from pasjes.logic import working_days

    monkeypatch.setattr(working_days, "overview_due", lambda day: True)
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
    boto3.client("sesv2", region_name=REGION).create_configuration_set(
        ConfigurationSetName="pasjes-mail"
    )
    # Keira BHV gets a holder whose diploma expires in 20 days; EHBO West and the brigade have
    # nothing expiring soon or last month.
    holders.put_holders([SOON])
    keira = [HolderRow.of(h, None) for h in HOLDERS if h.qualification_number in {"73029884"}]
    registrations.replace_rows(KEIRA.id, [*keira, HolderRow.of(SOON, None)])
    digest = imports.OrganisationDigest("", "", "", 0, ())
    imports.write_organisation_digests({o.id: digest for o in (KEIRA, OTHER, BRIGADE)}, [])


def sent() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def run() -> dict[str, int]:
    answer: dict[str, int] = handler({"source": "aws.scheduler"}, FakeContext())
    return answer


def test_each_contact_of_an_organisation_with_something_to_say_gets_one_mail(
    overview: None,
) -> None:
    answer = run()

    mails = sent()
    # Keira BHV's two contact persons; the brigade's contact has nothing to read.
    assert sorted(m.destinations["ToAddresses"][0] for m in mails) == [
        "collega@keira-bhv.example",
        "contact@keira-bhv.example",
    ]
    assert answer["sent"] == 2
    assert answer["nothingToSay"] == 1
    mail = mails[0]
    assert mail.source == SENDER
    assert mail.subject.startswith("Hercertificering: overzicht van ")
    # moto keeps the HTML part: the count links to the list it counts.
    assert "1 kwalificatiehouder</a> met een kwalificatie die binnen 3 maanden verloopt" in (
        mail.body
    )
    assert f"{PORTAL}/?organisatie=keira-bhv&amp;verloopt=3m" in mail.body
    assert f"{PORTAL}/instellingen" in mail.body
    for secret in (SOON.name, SOON.qualification_number, "03-02-1980", "1980-02-03"):
        assert secret not in mail.body + mail.subject


def test_a_second_run_in_the_same_month_sends_nobody_a_second_mail(overview: None) -> None:
    run()
    again = run()

    assert len(sent()) == 2
    assert (again["sent"], again["alreadySent"]) == (0, 2)


def test_someone_who_turned_the_overview_off_gets_none(overview: None) -> None:
    contacts.set_monthly_overview(COLLEAGUE, False)

    answer = run()

    assert [m.destinations["ToAddresses"][0] for m in sent()] == ["contact@keira-bhv.example"]
    assert answer["optedOut"] == 1
    # The setting is no membership: the colleague still sees only Keira BHV.
    assert [o.id for o in contacts.organisations_of(COLLEAGUE)] == [KEIRA.id]


def test_nothing_is_sent_when_every_count_is_zero(overview: None) -> None:
    registrations.replace_rows(KEIRA.id, [])

    answer = run()

    assert sent() == []
    # The three contact persons (of Keira BHV and EHBO West, of Keira BHV, of the brigade).
    assert answer["nothingToSay"] == len({CONTACT, COLLEAGUE, STRANGER})


def test_a_run_with_a_mail_ses_refused_raises_so_lambda_retries_it(
    overview: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    from pasjes.dal import mail

    real = mail._ses()

    class Refusing:
        refuse = True

        def send_email(self, **kwargs: Any) -> Any:
            if self.refuse and kwargs["Destination"]["ToAddresses"] == [
                "collega@keira-bhv.example"
            ]:
                raise ClientError({"Error": {"Code": "MessageRejected"}}, "SendEmail")
            return real.send_email(**kwargs)

    ses = Refusing()
    monkeypatch.setattr(mail, "_ses", lambda: ses)
    with pytest.raises(OverviewIncomplete):
        run()
    ses.refuse = False
    retry = run()

    assert sorted(m.destinations["ToAddresses"][0] for m in sent()) == [
        "collega@keira-bhv.example",
        "contact@keira-bhv.example",
    ]
    assert (retry["sent"], retry["alreadySent"]) == (1, 1)


def test_a_run_before_the_months_first_working_day_sends_nothing(
    overview: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pasjes.logic import working_days

    monkeypatch.setattr(working_days, "overview_due", lambda day: False)

    answer = run()

    assert sent() == []
    assert (answer["notDue"], answer["sent"]) == (1, 0)


def test_each_mail_names_the_settings_page_as_its_list_unsubscribe_header(
    overview: None,
) -> None:
    from pasjes.dal import mail

    requests: list[dict[str, Any]] = []

    def keep(params: dict[str, Any], **_: Any) -> None:
        # After the SDK validated the call against SES's model: what goes over the wire.
        requests.append(json.loads(params["body"]))

    mail._ses().meta.events.register("before-call.sesv2.SendEmail", keep)
    try:
        run()
    finally:
        mail._ses().meta.events.unregister("before-call.sesv2.SendEmail", keep)

    assert len(requests) == 2
    for request in requests:
        headers = request["Content"]["Simple"]["Headers"]
        assert headers == [{"Name": "List-Unsubscribe", "Value": f"<{PORTAL}/instellingen>"}]
