"""Verify: the public check of a pass's QR code. GET /verify/{code}, without sign-in.

Anyone holding a pass may ask; the answer says whether that one qualification is valid now,
from the registry as the last import left it, and nothing else about the holder. Every code
the registry does not know, well-formed or not, gets the same 404 after the same work (see
pasjes.logic.verification).
"""

from __future__ import annotations

from pasjes import coldstart  # isort: skip (first: it pauses the collector for the imports below)

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes.api import api_entry, make_resolver, reject_unknown_parameters, resolve_public
from pasjes.api_models.verification import Verification
from pasjes.clock import utc_now
from pasjes.errors import CodeNotFound
from pasjes.logic.public_check import verify_code
from pasjes.settings import get_settings

metrics = Metrics()
router = Router()


@router.get("/verify/<code>")
def get_verification(
    # Unconstrained on purpose: a malformed code must get the very answer an unknown one gets,
    # not a validation error that tells the two apart.
    code: Annotated[str, Path()],
) -> Response[Verification]:
    reject_unknown_parameters(router, ())
    verdict = verify_code(code, now=utc_now())
    if verdict is None:
        metrics.add_metric(name="VerifyUnknown", unit=MetricUnit.Count, value=1)
        raise CodeNotFound()
    metrics.add_metric(name=f"Verify{verdict.status.name.title()}", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=HTTPStatus.OK,
        content_type=content_types.APPLICATION_JSON,
        body=Verification.of(verdict),
    )


app = make_resolver(router)


@api_entry
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Validated on the first call (not at import); a missing key secret is the route's 503.
    get_settings()
    # Public: resolved without pasjes.api.resolve, which answers 401 to a caller without claims.
    # The answer is the registry's state now: no cache may keep it, errors included (400, 404,
    # 503), and no search engine list it (resolve_public marks every answer).
    return resolve_public(app, event, context)


coldstart.finished()
