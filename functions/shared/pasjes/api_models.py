"""The API's request and response shapes (camelCase JSON, ISO dates), apart from table models."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic.alias_generators import to_camel

from pasjes.domain import (
    CODE_PATTERN,
    ORGANISATION_ID_PATTERN,
    QUALIFICATION_NUMBER_PATTERN,
    REQUEST_ID_PATTERN,
    HolderRow,
    HolderStatus,
    Organisation,
    PassRequest,
    Qualification,
    QualificationType,
    RequestStatus,
    status_of,
)
from pasjes.settings import MAX_PASSES_PER_REQUEST
from pasjes.text import invisible_characters

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

QualificationNumber = Annotated[str, StringConstraints(pattern=QUALIFICATION_NUMBER_PATTERN)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
RequestId = Annotated[str, StringConstraints(pattern=REQUEST_ID_PATTERN)]
OrganisationId = Annotated[str, StringConstraints(pattern=ORGANISATION_ID_PATTERN)]


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic alone would also take datetimes and Unix timestamps."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _printable(value: str) -> str:
    if bad := invisible_characters(value):
        codes = ", ".join(f"U+{ord(c):04X}" for c in bad)
        raise ValueError(f"contains control or invisible characters ({codes})")
    return value


class ApiModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class OrganisationOut(ApiModel):
    id: str
    name: str

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationOut:
        return cls(id=organisation.id, name=organisation.name)


class Me(ApiModel):
    email: str
    organisations: list[OrganisationOut]


class ExamTypeOut(ApiModel):
    code: str
    name: str


class ExamTypes(ApiModel):
    items: list[ExamTypeOut]


class HolderOut(ApiModel):
    qualification_number: str
    name: str
    birth_date: date
    expiry_date: date | None
    status: HolderStatus
    external_number: str | None

    @classmethod
    def of(cls, row: HolderRow, *, today: date) -> HolderOut:
        return cls(
            qualification_number=row.qualification_number,
            name=row.name,
            birth_date=date.fromisoformat(row.birth_date),
            expiry_date=date.fromisoformat(row.expiry_date) if row.expiry_date else None,
            status=status_of(row.expiry_date, today=today),
            external_number=row.external_number,
        )


class HolderList(ApiModel):
    items: list[HolderOut]
    total: int
    next_cursor: str | None


class QualificationOut(ApiModel):
    code: str
    name: str
    type: QualificationType
    exam_type: str
    exam_number: str
    exam_date: date
    expiry_date: date
    modules: list[str] = Field(description="Codes of the add-on modules this diploma carries.")

    @classmethod
    def of(cls, q: Qualification, modules: tuple[Qualification, ...]) -> QualificationOut:
        return cls(
            code=q.code,
            name=q.name,
            type=q.type,
            exam_type=q.exam_type,
            exam_number=q.exam_number,
            exam_date=q.exam_date,
            expiry_date=q.expiry_date,
            modules=[m.code for m in modules],
        )


class HolderDetails(HolderOut):
    qualifications: list[QualificationOut]


class SubmitRequestBody(ApiModel):
    # camelCase only, as documented: a snake_case twin of a field is an unknown field.
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=False, frozen=True, extra="forbid"
    )

    organisation: OrganisationId
    qualification_numbers: Annotated[
        list[QualificationNumber], Field(min_length=1, max_length=MAX_PASSES_PER_REQUEST)
    ]
    qualification_codes: Annotated[list[Code], Field(max_length=50)] = []
    expiry_dates: Annotated[list[IsoDate], Field(max_length=50)] = []
    reference: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=100),
            AfterValidator(_printable),
        ]
        | None
    ) = None

    @field_validator("qualification_numbers")
    @classmethod
    def _distinct(cls, numbers: list[str]) -> list[str]:
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise ValueError(f"each holder may be chosen once; repeated: {', '.join(repeated)}")
        return numbers


class RequestOut(ApiModel):
    id: str
    status: RequestStatus
    organisation: OrganisationOut
    reference: str | None
    holder_count: int
    pass_count: int
    rendered_count: int = Field(description="Passes made so far; passCount once ready.")
    created_at: datetime
    expires_at: datetime
    ready_at: datetime | None
    error: str | None

    @classmethod
    def of(cls, request: PassRequest) -> RequestOut:
        return cls(
            id=request.id,
            status=request.status,
            organisation=OrganisationOut.of(request.organisation),
            reference=request.reference,
            holder_count=request.holder_count,
            pass_count=request.pass_count,
            rendered_count=request.rendered_count,
            created_at=request.created_at,
            expires_at=request.expires_at,
            ready_at=request.ready_at,
            error=request.error,
        )


class SubmittedRequest(RequestOut):
    skipped: list[str] = Field(
        description="Qualification numbers of the chosen holders that yield no pass."
    )

    @classmethod
    def of(cls, request: PassRequest) -> SubmittedRequest:
        return cls(**RequestOut.of(request).model_dump(), skipped=list(request.skipped))


class RequestList(ApiModel):
    items: list[RequestOut]


class Download(ApiModel):
    url: str
    expires_at: datetime
    file_name: str
