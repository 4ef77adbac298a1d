"""The API's request and response shapes (camelCase JSON, ISO dates), apart from table models."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

from pasjes.domain import (
    CODE_PATTERN,
    ORGANISATION_ID_PATTERN,
    QUALIFICATION_NUMBER_PATTERN,
    REQUEST_ID_PATTERN,
    ExamType,
    Holder,
    HolderRow,
    HolderStatus,
    Organisation,
    PassRequest,
    Qualification,
    QualificationType,
    RequestStatus,
    SkipReason,
)
from pasjes.rules import MAX_PASSES_PER_REQUEST, MAX_PREVIEW_HOLDERS
from pasjes.text import ascii_digits, invisible_characters

if TYPE_CHECKING:
    from pasjes.logic.preview import Preview
    from pasjes.logic.verification import Verdict

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
    if _REPLACEMENT in value:
        # What a decoder leaves of bytes that are not UTF-8: the text the person meant is lost.
        raise ValueError("is not valid UTF-8 text (it contains U+FFFD where bytes were unreadable)")
    return value


def _in_reference_repertoire(value: str) -> str:
    if not _REFERENCE_CHARACTERS.fullmatch(value):
        other = sorted({c for c in value if not _REFERENCE_CHARACTERS.fullmatch(c)})
        codes = ", ".join(f"U+{ord(c):04X}" for c in other[:10])
        raise ValueError(
            f"may hold letters, digits and punctuation of European scripts, not {codes}"
        )
    return value


_REPLACEMENT = "\ufffd"
# What a reference may hold, as a class both the server and the document state: printable Latin
# (with its extensions and Vietnamese), Greek and Cyrillic letters, punctuation and the euro
# sign. Every character in it is assigned and visible, so no control, bidi override, zero-width
# or private character can reach a file name, and a fuzzer's "valid" text is valid here too.
_REFERENCE_CLASS = (
    "[ -~\u00a0-\u00ac\u00ae-\u024f\u0391-\u03a1\u03a3-\u03c9\u0400-\u04ff"
    "\u1e00-\u1eff\u2010-\u2027\u2030-\u205e\u20ac]"
)
_REFERENCE_CHARACTERS = re.compile(f"{_REFERENCE_CLASS}*")
Reference = Annotated[
    str,
    # The length as sent, then trimmed: the document's maxLength is the server's.
    Field(max_length=100, json_schema_extra={"pattern": f"^{_REFERENCE_CLASS}*$"}),
    AfterValidator(_printable),
    AfterValidator(_in_reference_repertoire),
    AfterValidator(str.strip),
]
# The search text: digits of any script count as the ASCII digits of a qualification number.
SearchText = Annotated[str, StringConstraints(max_length=100), AfterValidator(ascii_digits)]


class ApiModel(BaseModel):
    # defer_build: a model's validator and serializer are built when first used, not at import;
    # a cold call builds the few its route needs (pydantic merges this into subclasses' configs).
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, defer_build=True
    )


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

    @classmethod
    def of(cls, exam_type: ExamType) -> ExamTypeOut:
        return cls(code=exam_type.code, name=exam_type.name)


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
            status=row.status(today=today),
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
    status: HolderStatus
    withdrawn_on: date | None = Field(description="The day the registry withdrew it, if it did.")
    modules: list[str] = Field(description="Codes of the add-on modules this diploma carries.")

    @classmethod
    def of(
        cls, q: Qualification, modules: tuple[Qualification, ...], *, today: date
    ) -> QualificationOut:
        return cls(
            code=q.code,
            name=q.name,
            type=q.type,
            exam_type=q.exam_type,
            exam_number=q.exam_number,
            exam_date=q.exam_date,
            expiry_date=q.expiry_date,
            status=q.status(today=today),
            withdrawn_on=q.withdrawn_on,
            modules=[m.code for m in modules],
        )


class HolderDetails(HolderOut):
    qualifications: list[QualificationOut]

    @classmethod
    def of(cls, row: HolderRow, holder: Holder, *, today: date) -> HolderDetails:  # type: ignore[override]
        return cls(
            **HolderOut.of(row, today=today).model_dump(),
            qualifications=[
                QualificationOut.of(q, holder.modules_of(q.code), today=today)
                for q in holder.qualifications
            ],
        )


def _distinct(numbers: list[str]) -> list[str]:
    """Each holder once; the message names a few repeats, not all of 10,000."""
    repeated = sorted(n for n, times in Counter(numbers).items() if times > 1)
    if repeated:
        shown = ", ".join(repeated[:10])
        more = f" and {len(repeated) - 10} more" if len(repeated) > 10 else ""
        raise ValueError(f"each holder may be chosen once; repeated: {shown}{more}")
    return numbers


class SubmitRequestBody(ApiModel):
    # camelCase only, as documented: a snake_case twin of a field is an unknown field.
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=False,
        frozen=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "organisation": "keira-bhv",
                    "qualificationNumbers": ["99600953", "99694102", "99731441"],
                    "qualificationCodes": ["DEH"],
                    "reference": "Examen EX45465",
                }
            ]
        },
    )

    organisation: OrganisationId
    qualification_numbers: Annotated[
        list[QualificationNumber],
        Field(
            min_length=1,
            max_length=MAX_PASSES_PER_REQUEST,
            json_schema_extra={"uniqueItems": True},
            description="The chosen holders, each once.",
        ),
        AfterValidator(_distinct),
    ]
    qualification_codes: Annotated[
        list[Code],
        Field(max_length=50, description="Only these qualifications; empty: all of them."),
    ] = []
    expiry_dates: Annotated[
        list[IsoDate],
        Field(max_length=50, description="Only qualifications expiring on these; empty: all."),
    ] = []
    reference: Reference | None = None


class PreviewRequestBody(SubmitRequestBody):
    """The body of POST /requests, for up to a whole organisation's holders."""

    qualification_numbers: Annotated[
        list[QualificationNumber],
        Field(
            min_length=1,
            max_length=MAX_PREVIEW_HOLDERS,
            json_schema_extra={"uniqueItems": True},
            description="The chosen holders, each once; up to a whole organisation.",
        ),
        AfterValidator(_distinct),
    ]


class QualificationCodeCount(ApiModel):
    code: str
    name: str
    type: QualificationType
    count: int = Field(
        description="Passes of this qualification under the chosen expiry dates (whatever codes "
        "are chosen): what ticking it would make. 0 when no chosen date fits it."
    )


class ExpiryDateCount(ApiModel):
    day: date = Field(alias="date")
    count: int = Field(
        description="Passes expiring on this date under the chosen qualification codes (whatever "
        "dates are chosen)."
    )


_SKIPPED_REASONS = Field(
    description="Why each skipped holder yields no pass: withdrawn (the qualifications that "
    "match the chosen options are all withdrawn) or no_match (none matches them)."
)


class PreviewOut(ApiModel):
    holder_count: int = Field(description="Chosen holders that yield at least one pass.")
    pass_count: int = Field(description="Passes the selection makes with the chosen options.")
    skipped: list[str] = Field(
        description="Qualification numbers of the chosen holders that yield no pass."
    )
    skipped_reasons: dict[str, SkipReason] = _SKIPPED_REASONS
    qualification_codes: list[QualificationCodeCount] = Field(
        description="Every qualification the chosen holders have, by code."
    )
    expiry_dates: list[ExpiryDateCount] = Field(
        description="Every expiry date of the chosen holders' qualifications, oldest first."
    )
    parts: list[list[str]] = Field(
        description=(
            "The holders that yield passes, in the order chosen, cut into lists of at most "
            f"{MAX_PASSES_PER_REQUEST} passes each: one POST /requests per part. A holder's "
            "passes are never split over two parts; one part when everything fits; none when "
            "there is no pass."
        )
    )

    @classmethod
    def of(cls, preview: Preview) -> PreviewOut:
        return cls(
            holder_count=preview.holder_count,
            pass_count=preview.pass_count,
            skipped=list(preview.skipped),
            skipped_reasons=dict(preview.skipped_reasons),
            qualification_codes=[
                QualificationCodeCount(code=c.code, name=c.name, type=c.type, count=c.count)
                for c in preview.qualification_codes
            ],
            expiry_dates=[ExpiryDateCount(day=d.day, count=d.count) for d in preview.expiry_dates],
            parts=[list(part) for part in preview.parts],
        )


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
    error: str | None = Field(description="Why the request failed, in English.")
    error_code: str | None = Field(
        description="Why the request failed, as a stable code to translate: render_failed, "
        "expired_before_rendered or queue_unavailable."
    )
    download_count: int = Field(description="How often a download link was issued for it.")
    last_downloaded_at: datetime | None = Field(description="When the last link was issued.")

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
            error_code=request.error_code,
            download_count=request.download_count,
            last_downloaded_at=request.last_downloaded_at,
        )


class SubmittedRequest(RequestOut):
    skipped: list[str] = Field(
        description="Qualification numbers of the chosen holders that yield no pass."
    )
    skipped_reasons: dict[str, SkipReason] = _SKIPPED_REASONS

    @classmethod
    def of(
        cls, request: PassRequest, reasons: Mapping[str, SkipReason] | None = None
    ) -> SubmittedRequest:
        return cls(
            **RequestOut.of(request).model_dump(),
            skipped=list(request.skipped),
            skipped_reasons=dict(reasons or {}),
        )


class RequestList(ApiModel):
    items: list[RequestOut]


class Download(ApiModel):
    url: str
    expires_at: datetime
    file_name: str


# The public check, GET /verify/{code}.


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
    expiry_date: date
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
