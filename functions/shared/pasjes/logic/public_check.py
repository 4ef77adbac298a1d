"""The public check of a pass's QR code (GET /verify/{code}) as a plain function: the
deployment's keys, the registry as the last import left it (read afresh), and an audit line.

Every code the registry does not know, well-formed or not, gets the same answer after the same
work (see pasjes.logic.verification.check), so the answer tells nothing about why.
"""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from pasjes import audit
from pasjes.dal import holders
from pasjes.domain import Holder
from pasjes.errors import VerificationUnavailable
from pasjes.logic.verification import Verdict, check, key_id_of, load_keys
from pasjes.settings import get_settings

logger = Logger()


def _read_holder(qualification_number: str) -> Holder | None:
    # Consistent: a qualification withdrawn by the last import must not be shown valid.
    return holders.get_holder(qualification_number, consistent=True)


def verify_code(code: str, *, now: datetime) -> Verdict | None:
    """The verdict on `code` now, or None for a code the registry does not know."""
    secret_name = get_settings().verification_secret_name
    if not secret_name:
        logger.error("VERIFICATION_SECRET_NAME is not set: passes cannot be checked")
        raise VerificationUnavailable()
    verdict = check(code, keys=load_keys(secret_name), read_holder=_read_holder, now=now)
    audit.code_verified(
        key_id=key_id_of(code), outcome=verdict.status.name.lower() if verdict else "unknown"
    )
    return verdict
