"""Instellingen: a contact person's own settings (the monthly overview by e-mail)."""

from __future__ import annotations

from pasjes import coldstart  # isort: skip (first: it pauses the collector for the imports below)

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.utilities.typing import LambdaContext

from pasjes.api import api_entry, current_caller, make_resolver, reject_unknown_parameters, resolve
from pasjes.api_models.settings import PersonalSettings
from pasjes.logic.personal_settings import my_settings, save_my_settings

router = Router()


@router.get("/settings")
def get_settings_route() -> PersonalSettings:
    reject_unknown_parameters(router, ())
    return my_settings(current_caller(router).sub)


@router.put("/settings")
def put_settings(body: Annotated[PersonalSettings, Body()]) -> PersonalSettings:
    reject_unknown_parameters(router, ())
    caller = current_caller(router)
    return save_my_settings(caller.sub, body)


app = make_resolver(router)


@api_entry
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)


coldstart.finished()
