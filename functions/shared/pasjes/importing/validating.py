"""Checking a record's values: each problem is one `file:line: message`, in reading order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from pasjes.domain import (
    CODE_PATTERN,
    ORGANISATION_ID_PATTERN,
    QUALIFICATION_NUMBER_PATTERN,
    Holder,
    Organisation,
    QualificationType,
)
from pasjes.importing.model import FIELDS, Record
from pasjes.text import invisible_characters

_QUALIFICATION_NUMBER = re.compile(QUALIFICATION_NUMBER_PATTERN)
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# The API's own patterns: an id the API would refuse could be imported but never asked for.
_ORGANISATION_ID = re.compile(ORGANISATION_ID_PATTERN)
_CODE = re.compile(CODE_PATTERN)
# Deliberately loose: the user pool decides what an email is. Quotes and backslashes are refused
# because the importer puts the email inside a Cognito `email = "..."` filter.
_EMAIL_PART = r'[^@\s"\\\x00-\x1f\x7f]+'
_EMAIL = re.compile(rf"{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}")
_MAX_TEXT = 200
# A person's data never goes into a message (the report and the logs hold ids and counts only):
# the message names the field and the rule, and `file:line` finds the value.
PERSONAL_FIELDS = frozenset({"name", "birthDate", "initials", "prefix", "surname", "email"})


class KnownValues:
    """Values that passed their check, by the text read. What repeats from row to row (codes,
    qualification names, exam numbers, dates) is checked once and kept once: a national
    export's 600,000 qualifications then share their few thousand distinct values instead of
    each holding copies (about a tenth of an import's peak memory, and of its CPU)."""

    __slots__ = ("dates", "identifiers", "texts")

    def __init__(self) -> None:
        self.dates: dict[str, date] = {}
        self.identifiers: dict[str, str] = {}
        self.texts: dict[str, str] = {}


class Row:
    """One record being checked: each getter records a problem and returns None when bad."""

    def __init__(self, record: Record, errors: list[str], known: KnownValues) -> None:
        self.record = record
        self.errors = errors
        self.known = known
        self.ok = True

    def error(self, message: str) -> None:
        self.errors.append(f"{self.record.where}: {message}")
        self.ok = False

    def raw(self, field: str) -> str:
        return self.record.values[field]

    def required(self, field: str) -> str | None:
        value = self.raw(field)
        if not value:
            self.error(f"{field} is empty")
            return None
        return value

    def text(self, field: str, *, repeats: bool = False) -> str | None:
        """Free text such as a name: non-empty, printable, NFC (so 'Zoë' is one form only).
        `repeats`: a value many rows share (a qualification's name), checked and kept once."""
        if repeats and (known := self.known.texts.get(self.raw(field))) is not None:
            return known
        value = self.required(field)
        if value is None:
            return None
        raw = value
        value = unicodedata.normalize("NFC", value)
        # isprintable() is a fast superset check: it also refuses spaces other than ' '.
        bad = invisible_characters(value)
        if bad:
            codes = ", ".join(f"U+{ord(c):04X}" for c in bad)
            self.error(f"{field} contains control or invisible characters ({codes})")
            return None
        if len(value) > _MAX_TEXT:
            self.error(f"{field} is longer than {_MAX_TEXT} characters")
            return None
        if repeats:
            self.known.texts[raw] = value
        return value

    def optional_text(self, field: str) -> str | None:
        """Free text that may be left empty (or its column left out)."""
        return self.text(field) if self.raw(field) else None

    def identifier(self, field: str, *, optional: bool = False) -> str | None:
        """A qualification code, exam type or exam number, as the API accepts them."""
        if (known := self.known.identifiers.get(self.raw(field))) is not None:
            return known
        value = self._matching(
            field, _CODE, "may hold only letters, digits, '_' and '-' (at most 20)", optional
        )
        if value is not None:
            self.known.identifiers[value] = value
        return value

    def organisation_id(self, field: str) -> str | None:
        return self._matching(
            field,
            _ORGANISATION_ID,
            "may hold only lower-case letters, digits and '-' (at most 64, not starting with '-')",
            optional=False,
        )

    def _matching(
        self, field: str, pattern: re.Pattern[str], rule: str, optional: bool
    ) -> str | None:
        value = self.raw(field)
        if optional and not value:
            return None
        if self.required(field) is None:
            return None
        if not pattern.match(value):
            self.error(f"{field} {value!r} {rule}")
            return None
        return value

    def qualification_number(self) -> str | None:
        value = self.required("qualificationNumber")
        if value is not None and not _QUALIFICATION_NUMBER.fullmatch(value):
            self.error(f"qualificationNumber {value!r} is not 8 digits")
            return None
        return value

    def optional_date(self, field: str) -> date | None:
        return self.date(field) if self.raw(field) else None

    def date(self, field: str) -> date | None:
        if (known := self.known.dates.get(self.raw(field))) is not None:
            return known
        value = self.required(field)
        if value is None:
            return None
        if _ISO_DATE.fullmatch(value):
            try:
                parsed = self.known.dates[value] = date.fromisoformat(value)
                return parsed
            except ValueError:
                pass
        shown = "" if field in PERSONAL_FIELDS else f" {value!r}"
        self.error(f"{field}{shown} is not a date written YYYY-MM-DD")
        return None

    def email(self) -> str | None:
        value = self.required("email")
        if value is not None and (len(value) > _MAX_TEXT or not _EMAIL.fullmatch(value)):
            self.error("email does not look like an email address")
            return None
        return value

    def qualification_type(self) -> QualificationType | None:
        value = self.required("type")
        if value is None:
            return None
        try:
            return QualificationType(value)
        except ValueError:
            self.error(f"type {value!r} must be Diploma or Certificaat")
            return None


def first_seen(seen: dict[Any, str], key: Any, row: Row, what: str) -> bool:
    """Record a key's first place; report and return False when it was seen before."""
    if key in seen:
        row.error(f"duplicate {what} (first at {seen[key]})")
        return False
    seen[key] = row.record.where
    return True


def known_organisation(row: Row, organisations: Mapping[str, Organisation]) -> str | None:
    organisation_id = row.required("organisationId")
    if organisation_id is not None and organisation_id not in organisations:
        row.error(f"organisationId {organisation_id!r} is not in organisations")
        return None
    return organisation_id


def known_holder(row: Row, holders: Mapping[str, Holder]) -> str | None:
    number = row.qualification_number()
    if number is not None and number not in holders:
        row.error(f"qualificationNumber {number} is not in holders")
        return None
    return number


_PLACE = re.compile(
    r"^(?P<file>[^:]+?)(?:\.csv)?(?::(?P<line>[0-9]+)|:(?P<list>\w+)\[(?P<index>[0-9]+)\])?: "
)
_TABLES = list(FIELDS)


def _reading_order(error: str) -> tuple[int, int]:
    """Errors are found check by check; a reader wants them file by file, line by line."""
    match = _PLACE.match(error)
    if match is None:
        return (-1, 0)
    table = match["list"] or match["file"]
    rank = _TABLES.index(table) if table in _TABLES else -1
    return (rank, int(match["line"] or match["index"] or 0))


def in_reading_order(errors: list[str]) -> list[str]:
    return sorted(errors, key=_reading_order)
