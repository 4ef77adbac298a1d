"""Search: who am I, which exam types, which holders, and one holder's qualifications."""

from __future__ import annotations

from pasjes import coldstart  # isort: skip (first: it pauses the collector for the imports below)

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes.api import api_entry, current_caller, make_resolver, reject_unknown_parameters, resolve
from pasjes.api_models.common import (
    Code,
    ExamNumberQuery,
    IsoDate,
    OrganisationId,
    QualificationNumber,
    SearchText,
)
from pasjes.api_models.holders import ExamTypes, HolderDetails, HolderList, Me
from pasjes.domain import SortKey, SortOrder
from pasjes.logic.expiry import ExpiryWindow, default_sort
from pasjes.logic.holders import exam_types, holder_details, holder_list, me
from pasjes.logic.search import HolderSearch

router = Router()

OrganisationParam = Annotated[
    OrganisationId | None,
    Query(
        description=(
            "The organisation's id (see GET /me). Required for a contact person of several "
            "organisations, who gets 400 organisation_required without it; a contact person of "
            "one organisation may leave it out. Another organisation's id answers 404."
        )
    ),
]


@router.get("/me")
def get_me() -> Me:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    return me(caller.sub, caller.email)


@router.get("/exam-types")
def get_exam_types(organisation: OrganisationParam = None) -> ExamTypes:
    reject_unknown_parameters(router, ("organisation",))
    return exam_types(current_caller(router).sub, organisation)


@router.get("/holders")
def get_holders(
    organisation: OrganisationParam = None,
    exam_type: Annotated[Code | None, Query(alias="examType")] = None,
    exam_number: Annotated[
        ExamNumberQuery | None,
        Query(alias="examNumber", description="Case and surrounding spaces are ignored."),
    ] = None,
    expiry_from: Annotated[IsoDate | None, Query(alias="expiryFrom")] = None,
    expiry_to: Annotated[IsoDate | None, Query(alias="expiryTo")] = None,
    q: Annotated[
        SearchText | None,
        Query(
            description="A qualification number prefix, a birth date (dd-mm-jjjj or YYYY-MM-DD) "
            "or words of the name; accents, case and fullwidth characters are ignored."
        ),
    ] = None,
    expiring: Annotated[
        ExpiryWindow | None,
        Query(
            description="Verloopt binnen: only holders with a qualification (not withdrawn) whose "
            "own expiry date falls in the next 1, 3, 6 or 12 months (from today through the same "
            "day then, on the month's last day where it is shorter), or in the past 12 months "
            "(past12m: through yesterday); each item then lists them in `expiring`. Whatever "
            "the holder's other qualifications; one without an expiry date never counts."
        ),
    ] = None,
    sort: Annotated[
        SortKey | None,
        Query(
            description="Default: name, or with `expiring` expiryDate, which then means the "
            "earliest expiry date in the window."
        ),
    ] = None,
    order: SortOrder = SortOrder.ASC,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[
        str | None,
        Query(
            max_length=1000,
            description="Opaque: the nextCursor of the previous page of the same search, signed "
            "by the server. Anything else, or a cursor of another search, answers 400 "
            "invalid_cursor.",
        ),
    ] = None,
) -> HolderList:
    reject_unknown_parameters(router, _HOLDER_PARAMETERS)
    search = HolderSearch(
        # The caller's chosen organisation replaces it in holder_list.
        organisation_id=organisation or "",
        exam_type=exam_type,
        exam_number=exam_number,
        expiry_from=expiry_from,
        expiry_to=expiry_to,
        q=q,
        expiring=expiring,
        sort=sort or default_sort(expiring),
        order=order,
        limit=limit,
    )
    return holder_list(current_caller(router).sub, organisation, search, cursor=cursor)


_HOLDER_PARAMETERS = (
    "organisation",
    "examType",
    "examNumber",
    "expiryFrom",
    "expiryTo",
    "q",
    "expiring",
    "sort",
    "order",
    "limit",
    "cursor",
)


@router.get("/holders/<qualificationNumber>")
def get_holder(
    qualification_number: Annotated[QualificationNumber, Path(alias="qualificationNumber")],
    organisation: OrganisationParam = None,
) -> HolderDetails:
    reject_unknown_parameters(router, ("organisation",))
    return holder_details(current_caller(router).sub, organisation, qualification_number)


app = make_resolver(router)


@api_entry
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context, needs=("cursor_secret_name",))


coldstart.finished()
