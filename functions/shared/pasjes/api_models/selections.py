"""What a contact person chooses: the bodies of POST /requests and POST /requests/preview, and
the preview's answer."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from pasjes.api_models.common import (
    SKIPPED,
    SKIPPED_REASONS,
    ApiModel,
    Code,
    IsoDate,
    OrganisationId,
    QualificationNumber,
    Reference,
)
from pasjes.domain import QualificationType, SkipReason
from pasjes.rules import MAX_PASSES_PER_REQUEST, MAX_PREVIEW_HOLDERS


def _distinct(numbers: list[str]) -> list[str]:
    """Each holder once; the message names a few repeats, not all of 10,000."""
    repeated = sorted(n for n, times in Counter(numbers).items() if times > 1)
    if repeated:
        shown = ", ".join(repeated[:10])
        more = f" and {len(repeated) - 10} more" if len(repeated) > 10 else ""
        raise ValueError(f"each holder may be chosen once; repeated: {shown}{more}")
    return numbers


# The chosen holders of a request or a preview: at least one, each once. Each body adds its cap.
ChosenHolders = Annotated[
    list[QualificationNumber],
    Field(min_length=1, json_schema_extra={"uniqueItems": True}),
    AfterValidator(_distinct),
]


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
        ChosenHolders,
        Field(max_length=MAX_PASSES_PER_REQUEST, description="The chosen holders, each once."),
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
    """The body of POST /requests/preview: that of POST /requests, for a whole organisation."""

    qualification_numbers: Annotated[
        ChosenHolders,
        Field(
            max_length=MAX_PREVIEW_HOLDERS,
            description="The chosen holders, each once; up to a whole organisation.",
        ),
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


class PreviewOut(ApiModel):
    holder_count: int = Field(description="Chosen holders that yield at least one pass.")
    pass_count: int = Field(description="Passes the selection makes with the chosen options.")
    skipped: list[str] = SKIPPED
    skipped_reasons: dict[str, SkipReason] = SKIPPED_REASONS
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
