"""template.yaml: with a MailSender the user pool mails its invitations through SES (Cognito's
own mail stops at 50 a day, and a first national import invites thousands); without one it
keeps Cognito's."""

from __future__ import annotations

import pytest
from cfnlint.decode import decode

from pasjes.rules import TEMPORARY_PASSWORD_VALIDITY_DAYS
from tests.template.test_template import TEMPLATE, Template, properties


@pytest.fixture(scope="module")
def template() -> Template:
    decoded, problems = decode(str(TEMPLATE))
    assert decoded is not None, problems
    return dict(decoded)


def test_the_pool_sends_through_ses_from_the_mail_sender_when_one_is_set(
    template: Template,
) -> None:
    condition, with_sender, without = properties(template, "UserPool")["EmailConfiguration"][
        "Fn::If"
    ]

    assert condition == "HasMailSender"
    assert with_sender["EmailSendingAccount"] == "DEVELOPER"
    assert with_sender["SourceArn"]["Fn::Sub"].endswith(":identity/${MailSender}")
    assert "${MailSender}" in with_sender["From"]["Fn::Sub"]
    assert without == {"Ref": "AWS::NoValue"}
    assert template["Conditions"]["HasMailSender"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "MailSender"}, ""]}]
    }


def test_the_import_judges_invitations_expired_by_the_pools_own_validity(
    template: Template,
) -> None:
    policy = properties(template, "UserPool")["Policies"]["PasswordPolicy"]

    assert policy["TemporaryPasswordValidityDays"] == TEMPORARY_PASSWORD_VALIDITY_DAYS
