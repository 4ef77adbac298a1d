"""The portal's plain data: what the logic works on, free of any SDK or API shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class QualificationType(StrEnum):
    DIPLOMA = "Diploma"
    CERTIFICATE = "Certificaat"


class HolderStatus(StrEnum):
    VALID = "Geldig"
    EXPIRED = "Verlopen"


class RequestStatus(StrEnum):
    PENDING = "pending"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


class SortKey(StrEnum):
    QUALIFICATION_NUMBER = "qualificationNumber"
    NAME = "name"
    BIRTH_DATE = "birthDate"
    EXPIRY_DATE = "expiryDate"
    STATUS = "status"
    EXTERNAL_NUMBER = "externalNumber"


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True)
class ExamType:
    code: str
    name: str


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    exam_types: tuple[ExamType, ...] = ()


@dataclass(frozen=True)
class Qualification:
    code: str
    name: str
    type: QualificationType
    exam_type: str
    exam_number: str
    exam_date: date
    expiry_date: date
    # A module (a certificate added to a diploma) names its diploma's code here.
    parent_code: str | None = None


@dataclass(frozen=True)
class Holder:
    qualification_number: str
    name: str
    birth_date: date
    qualifications: tuple[Qualification, ...] = ()

    @property
    def expiry_date(self) -> date | None:
        """The holder's expiry date is that of the qualification valid longest."""
        return max((q.expiry_date for q in self.qualifications), default=None)

    def modules_of(self, diploma_code: str) -> tuple[Qualification, ...]:
        return tuple(q for q in self.qualifications if q.parent_code == diploma_code)


@dataclass(frozen=True)
class HolderRow:
    """A holder as listed for one organisation: one row of the search results."""

    qualification_number: str
    name: str
    birth_date: date
    expiry_date: date | None
    external_number: str | None
    # The folded name (see pasjes.text.name_key), stored so a search needs no folding per row.
    name_key: str = ""
    exam_types: tuple[str, ...] = ()
    exam_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registration:
    """A holder registered at an organisation, with the organisation's own number for them."""

    organisation_id: str
    qualification_number: str
    external_number: str | None = None


@dataclass(frozen=True)
class Pass:
    """One digital pass: one holder, one qualification, as printed."""

    qualification_number: str
    name: str
    birth_date: date
    external_number: str | None
    qualification: Qualification
    modules: tuple[Qualification, ...] = ()


@dataclass(frozen=True)
class PassRequest:
    id: str
    owner_sub: str
    organisation: Organisation
    reference: str | None
    holder_count: int
    pass_count: int
    skipped: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    status: RequestStatus = RequestStatus.PENDING
    passes: tuple[Pass, ...] = field(default=(), repr=False)
    ready_at: datetime | None = None
    zip_size: int | None = None
    error: str | None = None


def status_of(expiry_date: date | None, *, today: date) -> HolderStatus:
    """Derived on every read, so a status is never stored stale."""
    if expiry_date is not None and expiry_date >= today:
        return HolderStatus.VALID
    return HolderStatus.EXPIRED
