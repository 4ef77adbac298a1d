"""Search: who am I, which exam types, which holders, and one holder's qualifications."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes import audit
from pasjes.api import current_caller, make_resolver, reject_unknown_parameters, resolve
from pasjes.api_models import (
    Code,
    ExamTypeOut,
    ExamTypes,
    HolderDetails,
    HolderList,
    HolderOut,
    IsoDate,
    Me,
    OrganisationId,
    OrganisationOut,
    QualificationNumber,
    QualificationOut,
    SearchText,
)
from pasjes.dal import contacts, holders, organisations, registrations
from pasjes.domain import Organisation, SortKey, SortOrder
from pasjes.errors import HolderNotFound
from pasjes.logic.cursor import cursor_secret
from pasjes.logic.pass_requests import utc_now
from pasjes.logic.search import HolderSearch, choose_organisation, search_holders

logger = Logger()
tracer = Tracer()
metrics = Metrics()
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


def _organisation(requested: str | None) -> Organisation:
    caller = current_caller(router)
    return choose_organisation(contacts.organisations_of(caller.sub), requested)


@router.get("/me")
def get_me() -> Me:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    mine = contacts.organisations_of(caller.sub)
    return Me(email=caller.email, organisations=[OrganisationOut.of(o) for o in mine])


@router.get("/exam-types")
def get_exam_types(organisation: OrganisationParam = None) -> ExamTypes:
    reject_unknown_parameters(router, ("organisation",))
    chosen = _organisation(organisation)
    stored = organisations.get_organisation(chosen.id)
    exam_types = stored.exam_types if stored else ()
    return ExamTypes(items=[ExamTypeOut(code=t.code, name=t.name) for t in exam_types])


@router.get("/holders")
def get_holders(
    organisation: OrganisationParam = None,
    exam_type: Annotated[Code | None, Query(alias="examType")] = None,
    exam_number: Annotated[Code | None, Query(alias="examNumber")] = None,
    expiry_from: Annotated[IsoDate | None, Query(alias="expiryFrom")] = None,
    expiry_to: Annotated[IsoDate | None, Query(alias="expiryTo")] = None,
    q: Annotated[
        SearchText | None,
        Query(
            description="A qualification number prefix, a birth date (dd-mm-jjjj or YYYY-MM-DD) "
            "or words of the name; accents, case and fullwidth characters are ignored."
        ),
    ] = None,
    sort: SortKey = SortKey.NAME,
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
    chosen = _organisation(organisation)
    search = HolderSearch(
        organisation_id=chosen.id,
        exam_type=exam_type,
        exam_number=exam_number,
        expiry_from=expiry_from,
        expiry_to=expiry_to,
        q=q,
        sort=sort,
        order=order,
        limit=limit,
    )
    rows = (
        registrations.rows_of_exam(chosen.id, exam_number)
        if exam_number
        else registrations.rows_of_organisation(chosen.id)
    )
    today = utc_now().date()
    page = search_holders(rows, search, cursor=cursor, today=today, secret=cursor_secret())
    audit.holders_listed(
        organisation=chosen.id,
        sub=current_caller(router).sub,
        returned=len(page.items),
        total=page.total,
    )
    return HolderList(
        items=[HolderOut.of(row, today=today) for row in page.items],
        total=page.total,
        next_cursor=page.next_cursor,
    )


_HOLDER_PARAMETERS = (
    "organisation",
    "examType",
    "examNumber",
    "expiryFrom",
    "expiryTo",
    "q",
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
    chosen = _organisation(organisation)
    row = registrations.get_rows(chosen.id, [qualification_number]).get(qualification_number)
    holder = holders.get_holder(qualification_number) if row else None
    if row is None or holder is None:
        raise HolderNotFound()
    audit.holder_read(
        organisation=chosen.id,
        sub=current_caller(router).sub,
        qualification_number=qualification_number,
    )
    today = utc_now().date()
    return HolderDetails(
        **HolderOut.of(row, today=today).model_dump(),
        qualifications=[
            QualificationOut.of(q, holder.modules_of(q.code), today=today)
            for q in holder.qualifications
        ],
    )


app = make_resolver()
app.include_router(router)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True
)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context, needs=("cursor_secret_name",))
