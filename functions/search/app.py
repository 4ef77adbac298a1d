"""Search: who am I, which exam types, which holders, and one holder's qualifications."""

from __future__ import annotations

from pasjes import coldstart  # isort: skip (first: it pauses the collector for the imports below)

import base64
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
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
from pasjes.logic.holder_export import ExportFormat, export_holders
from pasjes.logic.holders import exam_types, holder_details, holder_list, me
from pasjes.logic.search import HolderSearch
from pasjes.rules import MAX_EXPORT_ROWS
from pasjes.spreadsheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE

router = Router()

# Required of everyone, as the document says: a contact person of one organisation sends it too,
# so what a request means never depends on how many organisations its sender has.
OrganisationParam = Annotated[
    OrganisationId,
    Query(
        description=(
            "The organisation's id (see GET /me). Required: without it 400 "
            "organisation_required. Another organisation's id answers 404."
        )
    ),
]


@router.get("/me")
def get_me() -> Me:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    return me(caller.sub, caller.email)


@router.get("/exam-types")
def get_exam_types(organisation: OrganisationParam) -> ExamTypes:
    reject_unknown_parameters(router, ("organisation",))
    return exam_types(current_caller(router).sub, organisation)


ExamTypeParam = Annotated[Code | None, Query(alias="examType")]
ExamNumberParam = Annotated[
    ExamNumberQuery | None,
    Query(alias="examNumber", description="Case and surrounding spaces are ignored."),
]
ExpiryFromParam = Annotated[IsoDate | None, Query(alias="expiryFrom")]
ExpiryToParam = Annotated[IsoDate | None, Query(alias="expiryTo")]
SearchParam = Annotated[
    SearchText | None,
    Query(
        description="A qualification number prefix, a birth date (dd-mm-jjjj or YYYY-MM-DD) "
        "or words of the name; accents, case and fullwidth characters are ignored."
    ),
]
ExpiringParam = Annotated[
    ExpiryWindow | None,
    Query(
        description="Verloopt binnen: only holders with a qualification (not withdrawn) whose "
        "own expiry date falls in the next 1, 3, 6 or 12 months (from today through the same "
        "day then, on the month's last day where it is shorter), or in the past 12 months "
        "(past12m: through yesterday), or in the previous calendar month (lastMonth: the "
        "monthly overview's count, which its mail links to); each item then lists them in "
        "`expiring`. Whatever the holder's other qualifications; one without an expiry date "
        "never counts."
    ),
]
SortParam = Annotated[
    SortKey | None,
    Query(
        description="Default: name, or with `expiring` expiryDate, which then means the "
        "earliest expiry date in the window."
    ),
]


@router.get("/holders")
def get_holders(
    organisation: OrganisationParam,
    exam_type: ExamTypeParam = None,
    exam_number: ExamNumberParam = None,
    expiry_from: ExpiryFromParam = None,
    expiry_to: ExpiryToParam = None,
    q: SearchParam = None,
    expiring: ExpiringParam = None,
    sort: SortParam = None,
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
    reject_unknown_parameters(router, (*_SEARCH_PARAMETERS, "limit", "cursor"))
    search = HolderSearch(
        organisation_id=organisation,
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
    return holder_list(current_caller(router).sub, search, cursor=cursor)


_SEARCH_PARAMETERS = (
    "organisation",
    "examType",
    "examNumber",
    "expiryFrom",
    "expiryTo",
    "q",
    "expiring",
    "sort",
    "order",
)


@router.get(
    "/holders/export",
    summary="The holder list as a CSV or XLSX file (Exporteer)",
    description=(
        "The whole result of GET /holders with the same filters and sort (every page), one "
        "line per qualification, under the same access rules. CSV: UTF-8 with BOM, `;`, CRLF, "
        "dates dd-mm-jjjj, no cell starting a formula. XLSX: real dates, a header row, frozen "
        "panes; ask with `Accept: " + XLSX_MEDIA_TYPE + "` so API Gateway sends it as binary. "
        f"At most {MAX_EXPORT_ROWS} holders, and a file that fits Lambda's 6 MB answer (else "
        "422 export_too_large)."
    ),
    responses={
        200: {
            "description": "The file, with its name in Content-Disposition.",
            "content": {
                CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def get_holders_export(
    export_format: Annotated[ExportFormat, Query(alias="format")],
    organisation: OrganisationParam,
    exam_type: ExamTypeParam = None,
    exam_number: ExamNumberParam = None,
    expiry_from: ExpiryFromParam = None,
    expiry_to: ExpiryToParam = None,
    q: SearchParam = None,
    expiring: ExpiringParam = None,
    sort: SortParam = None,
    order: SortOrder = SortOrder.ASC,
) -> Response[str]:
    reject_unknown_parameters(router, (*_SEARCH_PARAMETERS, "format"))
    search = HolderSearch(
        organisation_id=organisation,
        exam_type=exam_type,
        exam_number=exam_number,
        expiry_from=expiry_from,
        expiry_to=expiry_to,
        q=q,
        expiring=expiring,
        sort=sort or default_sort(expiring),
        order=order,
    )
    exported = export_holders(current_caller(router).sub, search, export_format)
    binary = export_format is ExportFormat.XLSX
    response = Response(
        status_code=200,
        content_type=exported.media_type,
        # The CSV is text (its BOM included); the XLSX goes base64, which API Gateway turns
        # back into bytes for a request that accepts the type (the template's BinaryMediaTypes).
        body=base64.b64encode(exported.body).decode() if binary else exported.body.decode(),
        headers={"Content-Disposition": f'attachment; filename="{exported.file_name}"'},
    )
    response.base64_encoded = binary
    return response


@router.get("/holders/<qualificationNumber>")
def get_holder(
    qualification_number: Annotated[QualificationNumber, Path(alias="qualificationNumber")],
    organisation: OrganisationParam,
) -> HolderDetails:
    reject_unknown_parameters(router, ("organisation",))
    return holder_details(current_caller(router).sub, organisation, qualification_number)


app = make_resolver(router)


@api_entry
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context, needs=("cursor_secret_name",))


coldstart.finished()
