"""Create the portal's tables from their pynamodb models (the one definition of each table)."""

from __future__ import annotations

from pynamodb.models import Model

from pasjes.dal.contacts import ContactModel
from pasjes.dal.holders import HolderModel
from pasjes.dal.idempotency import IdempotencyModel
from pasjes.dal.imports import ImportModel
from pasjes.dal.organisations import OrganisationModel
from pasjes.dal.pass_requests import RequestModel
from pasjes.dal.registrations import RegistrationModel

MODELS: tuple[type[Model], ...] = (
    OrganisationModel,
    ContactModel,
    HolderModel,
    RegistrationModel,
    RequestModel,
    IdempotencyModel,
    ImportModel,
)


def create_tables() -> None:
    """Create every table that does not exist yet, with its TTL attribute switched on."""
    for model in MODELS:
        if not model.exists():
            model.create_table(wait=True)
            model.update_ttl(ignore_update_ttl_errors=True)
