"""Amazon SES (v2): the monthly overview's mails, and the marks that make one mail per person
and month.

Mails go through the template's configuration set, whose suppression options put an address that
bounced or complained on SES's suppression list: SES sends nothing to it again.
The marks are create-only items in the idempotency table (`overview#{month}#{sub}`), with a TTL
of some weeks, so a rerun of the schedule or a retried invocation sends nobody a second mail.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PutError

from pasjes.dal.idempotency import IdempotencyModel
from pasjes.mail_text import Mail
from pasjes.settings import get_settings

MARK_DAYS = 45


class MailNotSent(Exception):
    """The mail may not have gone (after the SDK's retries). `refused`: SES answered that it
    did not take it (an error response), so it surely did not go; otherwise (a timeout, a
    broken connection) SES may have taken it after all."""

    def __init__(self, to: str, *, refused: bool) -> None:
        super().__init__(to)
        self.refused = refused


@cache
def _ses() -> Any:
    import boto3
    from botocore.config import Config

    # Short timeouts (the SDK's default read timeout is 60 s): the overview stops claiming
    # people when 20 s are left (pasjes.logic.overview.STOP_MARGIN_MS), and a send must fit.
    config = Config(
        connect_timeout=3, read_timeout=5, retries={"mode": "standard", "max_attempts": 2}
    )
    return boto3.client("sesv2", region_name=get_settings().region, config=config)


def send(mail: Mail) -> None:
    settings = get_settings()
    content = {
        "Simple": {
            "Subject": {"Data": mail.subject, "Charset": "UTF-8"},
            "Body": {
                "Text": {"Data": mail.text, "Charset": "UTF-8"},
                "Html": {"Data": mail.html, "Charset": "UTF-8"},
            },
        }
    }
    if mail.unsubscribe_url:
        content["Simple"]["Headers"] = [
            {"Name": "List-Unsubscribe", "Value": f"<{mail.unsubscribe_url}>"}
        ]
    try:
        _ses().send_email(
            FromEmailAddress=settings.required("mail_sender"),
            Destination={"ToAddresses": [mail.to]},
            Content=content,
            ConfigurationSetName=settings.required("mail_configuration_set"),
        )
    except ClientError as error:
        raise MailNotSent(mail.to, refused=True) from error
    except BotoCoreError as error:
        raise MailNotSent(mail.to, refused=False) from error


def _key(sub: str, month: str) -> str:
    return f"overview#{month}#{sub}"


def claim(sub: str, month: str, *, now: datetime) -> bool:
    """Marks (sub, month) as sent; False when it was marked already."""
    mark = IdempotencyModel(_key(sub, month), expiration=now + timedelta(days=MARK_DAYS))
    try:
        mark.save(condition=IdempotencyModel.id.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release(sub: str, month: str) -> None:
    IdempotencyModel(_key(sub, month)).delete()
