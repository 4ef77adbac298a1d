"""The import format's tables and fields, the dataset they make, and the error a bad one gives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from pasjes.domain import ExamType, Holder, Organisation, Registration

# The tables in load order, each with the fields of its CSV header (and JSON objects).
FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "organisations": ("id", "name"),
    "contacts": ("email", "organisationId"),
    # initials, prefix (tussenvoegsel) and surname: optional parts of the name as written.
    "holders": ("qualificationNumber", "name", "birthDate", "initials", "prefix", "surname"),
    "qualifications": (
        "qualificationNumber",
        "code",
        "name",
        "type",
        "examType",
        "examTypeName",
        "examNumber",
        "examDate",
        "expiryDate",
        "parentCode",
        "withdrawnOn",
    ),
    "registrations": ("organisationId", "qualificationNumber", "externalNumber"),
}
# Columns a CSV header may leave out (added to the format later: older files stay valid).
OMISSIBLE_COLUMNS: Final = frozenset({"withdrawnOn", "initials", "prefix", "surname"})


class DatasetError(Exception):
    """The dataset has bad rows; `errors` holds one `file:line: message` per problem."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        super().__init__(f"{count} error(s) in the dataset:\n" + "\n".join(self.errors))


@dataclass(frozen=True)
class Dataset:
    # Without exam types: those follow from the holders registered (see `organisations_for`).
    organisations: tuple[Organisation, ...]
    # Contact person's email -> the ids of the organisations they are contact of.
    memberships: Mapping[str, tuple[str, ...]]
    holders: tuple[Holder, ...]
    registrations: tuple[Registration, ...]
    # The names of the exam type codes that qualifications use.
    exam_types: tuple[ExamType, ...] = ()
    # Lower-cased email -> its first line (`contacts.csv:3`): messages name a person by it.
    contact_places: Mapping[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Record:
    """One row of a table as read, every field a stripped string ("" when empty or null)."""

    where: str  # "holders.csv:3", or "data.json:holders[1]"
    values: dict[str, str]
