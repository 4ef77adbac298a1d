"""The search function's answers: who am I, the exam types, the holders and one holder."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from pasjes.api_models.common import ApiModel, OrganisationOut
from pasjes.domain import (
    Holder,
    HolderRow,
    HolderStatus,
    Qualification,
    QualificationType,
    RowQualification,
)


class Me(ApiModel):
    email: str
    organisations: list[OrganisationOut]


class ExamTypeOut(ApiModel):
    code: str
    name: str


class ExamTypes(ApiModel):
    items: list[ExamTypeOut]


class ExpiringOut(ApiModel):
    """A qualification whose own expiry date falls in the chosen window."""

    code: str
    name: str
    expiry_date: date

    @classmethod
    def of(cls, q: RowQualification) -> ExpiringOut:
        return cls(code=q.code, name=q.name, expiry_date=date.fromisoformat(q.expiry_date or ""))


class _HolderFields(ApiModel):
    qualification_number: str
    name: str
    birth_date: date
    expiry_date: date | None
    status: HolderStatus
    external_number: str | None


class HolderOut(_HolderFields):
    expiring: list[ExpiringOut] | None = Field(
        default=None,
        description="Only with `expiring`: the holder's qualifications (not withdrawn) whose own "
        "expiry date falls in the window, earliest first.",
    )

    @classmethod
    def of(
        cls, row: HolderRow, *, today: date, expiring: list[RowQualification] | None = None
    ) -> HolderOut:
        return cls(
            qualification_number=row.qualification_number,
            name=row.name,
            birth_date=date.fromisoformat(row.birth_date),
            expiry_date=date.fromisoformat(row.expiry_date) if row.expiry_date else None,
            status=row.status(today=today),
            external_number=row.external_number,
            expiring=None if expiring is None else [ExpiringOut.of(q) for q in expiring],
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
    expiry_date: date | None = Field(description="None: the registry gives no expiry date.")
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


class HolderDetails(_HolderFields):
    qualifications: list[QualificationOut]

    @classmethod
    def of(cls, row: HolderRow, holder: Holder, *, today: date) -> HolderDetails:
        return cls(
            **HolderOut.of(row, today=today).model_dump(exclude={"expiring"}),
            qualifications=[
                QualificationOut.of(q, holder.modules_of(q.code), today=today)
                for q in holder.qualifications
            ],
        )
