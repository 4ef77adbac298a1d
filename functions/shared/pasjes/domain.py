"""The portal's plain data: what the logic works on, free of any SDK or API shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from pasjes.text import name_key, surname_key

# What identifiers look like, for the API and the import alike. ASCII digits only ([0-9], not
# \d, which also matches other scripts' digits). Codes and exam numbers end up in sort keys
# (`X#{examNumber}#`) and file names, so they hold no '#', '/' or spaces.
QUALIFICATION_NUMBER_PATTERN = r"^[0-9]{8}$"
ORGANISATION_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
CODE_PATTERN = r"^[A-Za-z0-9_-]{1,20}$"
REQUEST_ID_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"


class QualificationType(StrEnum):
    DIPLOMA = "Diploma"
    CERTIFICATE = "Certificaat"


class HolderStatus(StrEnum):
    VALID = "Geldig"
    EXPIRED = "Verlopen"
    # Withdrawn by the registry (ingetrokken): never valid again, whatever the expiry date.
    WITHDRAWN = "Ingetrokken"


class RequestStatus(StrEnum):
    PENDING = "pending"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


class SkipReason(StrEnum):
    """Why a chosen holder yields no pass."""

    # Qualifications match the chosen options, but every one of them is withdrawn.
    WITHDRAWN = "withdrawn"
    # None of the holder's qualifications matches the chosen codes and expiry dates.
    NO_MATCH = "no_match"


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
    # None: the registry gives no expiry date (some stopped printing one); valid for good, and
    # never in an expiry window.
    expiry_date: date | None
    # A module (a certificate added to a diploma) names its diploma's code here.
    parent_code: str | None = None
    # The day the registry withdrew it (ingetrokken), from the import; withdrawn from then on.
    withdrawn_on: date | None = None

    def status(self, *, today: date) -> HolderStatus:
        return status_of(self.expiry_date, today=today, withdrawn=self.withdrawn_on is not None)


@dataclass(frozen=True)
class Holder:
    qualification_number: str
    name: str
    birth_date: date
    qualifications: tuple[Qualification, ...] = ()
    # The parts of the name as the registry knows them (optional import columns): voorletters,
    # tussenvoegsel ("van der") and achternaam. `name` stays the name as written and shown;
    # the surname, where given, is what the list sorts by (see pasjes.text.surname_key).
    initials: str | None = None
    prefix: str | None = None
    surname: str | None = None

    @property
    def expiry_date(self) -> date | None:
        """The holder's expiry date is that of the qualification valid longest; a withdrawn
        qualification is valid no longer, so it does not count. None when none stands, or when
        one that stands has no expiry date (valid for good: see HolderRow.status)."""
        standing = [q.expiry_date for q in self.qualifications if q.withdrawn_on is None]
        if any(day is None for day in standing):
            return None
        return max((day for day in standing if day is not None), default=None)

    @property
    def withdrawn(self) -> bool:
        """Every one of the holder's qualifications is withdrawn."""
        return bool(self.qualifications) and all(
            q.withdrawn_on is not None for q in self.qualifications
        )

    def modules_of(self, diploma_code: str) -> tuple[Qualification, ...]:
        return tuple(q for q in self.qualifications if q.parent_code == diploma_code)


class RowQualification(NamedTuple):
    """One qualification as a list row carries it: what the expiry windows ("Verloopt binnen")
    and the export need, so neither reads an item per holder. Dates as ISO strings, the type as
    its value (see HolderRow)."""

    code: str
    name: str
    type: str
    exam_date: str
    expiry_date: str | None
    withdrawn: bool = False

    @classmethod
    def of(cls, q: Qualification) -> RowQualification:
        return cls(
            code=q.code,
            name=q.name,
            type=q.type.value,
            exam_date=q.exam_date.isoformat(),
            expiry_date=q.expiry_date.isoformat() if q.expiry_date else None,
            withdrawn=q.withdrawn_on is not None,
        )


class HolderRow(NamedTuple):
    """A holder as listed for one organisation: one row of the search results.

    A tuple with dates kept as ISO strings, because search decodes 10,000 of them per request:
    msgspec decodes stored rows straight into these tuples, where a dataclass with parsed dates
    would cost several times as much. ISO dates compare and sort as strings.
    """

    qualification_number: str
    name: str
    # The folded name (see pasjes.text.name_key), stored so a search needs no folding per row.
    name_key: str
    birth_date: str
    expiry_date: str | None
    external_number: str | None
    exam_types: tuple[str, ...] = ()
    exam_numbers: tuple[str, ...] = ()
    # Every qualification of the holder is withdrawn. Last, with a default: rows stored before
    # it existed decode without it.
    withdrawn: bool = False
    # Each of the holder's qualifications, in the holder's order. At the end, with a default:
    # rows stored before it existed decode without it.
    qualifications: tuple[RowQualification, ...] = ()
    # What the list sorts names on (pasjes.text.surname_key: the surname first, the Dutch way).
    # At the end, with a default: rows stored before it existed sort on name_key.
    sort_name: str = ""

    def status(self, *, today: date) -> HolderStatus:
        if self.expiry_date is None and not self.withdrawn and not self.undated:
            # No qualification stands (a holder registered without any): nothing is valid.
            return HolderStatus.EXPIRED
        return status_of(self.expiry_date, today=today, withdrawn=self.withdrawn)

    @property
    def undated(self) -> bool:
        """A qualification that stands has no expiry date: the holder is valid for good."""
        return any(q.expiry_date is None and not q.withdrawn for q in self.qualifications)

    @classmethod
    def of(cls, holder: Holder, external_number: str | None) -> HolderRow:
        expiry = holder.expiry_date
        return cls(
            qualification_number=holder.qualification_number,
            name=holder.name,
            name_key=name_key(holder.name),
            birth_date=holder.birth_date.isoformat(),
            expiry_date=expiry.isoformat() if expiry else None,
            external_number=external_number,
            exam_types=tuple(sorted({q.exam_type for q in holder.qualifications})),
            exam_numbers=tuple(sorted({q.exam_number for q in holder.qualifications})),
            withdrawn=holder.withdrawn,
            qualifications=tuple(RowQualification.of(q) for q in holder.qualifications),
            sort_name=surname_key(
                holder.name,
                surname=holder.surname,
                prefix=holder.prefix,
                initials=holder.initials,
            ),
        )


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
    # Passes rendered so far: the progress a contact person sees while the ZIP is being made.
    rendered_count: int = 0
    error: str | None = None
    # A stable code for the failure (render_failed, expired_before_rendered, queue_unavailable),
    # which the web app translates; `error` is the same in English.
    error_code: str | None = None
    # How often a download link was issued for it, and when last: what its owner is shown.
    download_count: int = 0
    last_downloaded_at: datetime | None = None


def status_of(
    expiry_date: date | str | None, *, today: date, withdrawn: bool = False
) -> HolderStatus:
    """The one definition of a status (of a qualification, or of a holder's list row): derived
    on every read, so it is never stored stale. Takes a date or ISO string. Withdrawn comes
    first: a withdrawn qualification is not valid whatever its expiry date. No expiry date
    (None) is valid for good."""
    if withdrawn:
        return HolderStatus.WITHDRAWN
    if expiry_date is None:
        return HolderStatus.VALID
    if isinstance(expiry_date, str):
        return HolderStatus.VALID if expiry_date >= today.isoformat() else HolderStatus.EXPIRED
    return HolderStatus.VALID if expiry_date >= today else HolderStatus.EXPIRED
