"""The public check's answer, GET /verify/{code}: what a verifier needs and nothing more."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pasjes.api_models.common import ApiModel
from pasjes.domain import HolderStatus, QualificationType

if TYPE_CHECKING:
    from pasjes.logic.verification import Verdict


class VerifyStatus(StrEnum):
    VALID = "geldig"
    EXPIRED = "verlopen"
    WITHDRAWN = "ingetrokken"


_STATUS = {
    HolderStatus.VALID: VerifyStatus.VALID,
    HolderStatus.EXPIRED: VerifyStatus.EXPIRED,
    HolderStatus.WITHDRAWN: VerifyStatus.WITHDRAWN,
}


class VerifiedQualification(ApiModel):
    name: str
    type: QualificationType


class Verification(ApiModel):
    """Only what a verifier needs: never the birth date, a number or another qualification."""

    status: VerifyStatus
    qualification: VerifiedQualification
    holder_name: str
    exam_date: date
    # None: the registry gives no expiry date (valid for good).
    expiry_date: date | None
    checked_at: datetime

    @classmethod
    def of(cls, verdict: Verdict) -> Verification:
        q = verdict.qualification
        return cls(
            status=_STATUS[verdict.status],
            qualification=VerifiedQualification(name=q.name, type=q.type),
            holder_name=verdict.holder_name,
            exam_date=q.exam_date,
            expiry_date=q.expiry_date,
            checked_at=verdict.checked_at,
        )
