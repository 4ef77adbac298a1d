"""What the API's models share: the base model and the constrained strings of identifiers,
dates and texts, validated the same way wherever they appear."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

from pasjes.domain import (
    CODE_PATTERN,
    ORGANISATION_ID_PATTERN,
    QUALIFICATION_NUMBER_PATTERN,
    REQUEST_ID_PATTERN,
)
from pasjes.text import ascii_digits, invisible_characters

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

QualificationNumber = Annotated[str, StringConstraints(pattern=QUALIFICATION_NUMBER_PATTERN)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
RequestId = Annotated[str, StringConstraints(pattern=REQUEST_ID_PATTERN)]
OrganisationId = Annotated[str, StringConstraints(pattern=ORGANISATION_ID_PATTERN)]


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic alone would also take datetimes and Unix timestamps."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("a date is written YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _printable(value: str) -> str:
    if bad := invisible_characters(value):
        codes = ", ".join(f"U+{ord(c):04X}" for c in bad)
        raise ValueError(f"contains control or invisible characters ({codes})")
    if _REPLACEMENT in value:
        # What a decoder leaves of bytes that are not UTF-8: the text the person meant is lost.
        raise ValueError("is not valid UTF-8 text (it contains U+FFFD where bytes were unreadable)")
    return value


def _in_reference_repertoire(value: str) -> str:
    if not _REFERENCE_CHARACTERS.fullmatch(value):
        other = sorted({c for c in value if not _REFERENCE_CHARACTERS.fullmatch(c)})
        codes = ", ".join(f"U+{ord(c):04X}" for c in other[:10])
        raise ValueError(
            f"may hold letters, digits and punctuation of European scripts, not {codes}"
        )
    return value


_REPLACEMENT = "\ufffd"
# What a reference may hold, as a class both the server and the document state: printable Latin
# (with its extensions and Vietnamese), Greek and Cyrillic letters, punctuation and the euro
# sign. Every character in it is assigned and visible, so no control, bidi override, zero-width
# or private character can reach a file name, and a fuzzer's "valid" text is valid here too.
_REFERENCE_CLASS = (
    "[ -~\u00a0-\u00ac\u00ae-\u024f\u0391-\u03a1\u03a3-\u03c9\u0400-\u04ff"
    "\u1e00-\u1eff\u2010-\u2027\u2030-\u205e\u20ac]"
)
_REFERENCE_CHARACTERS = re.compile(f"{_REFERENCE_CLASS}*")
Reference = Annotated[
    str,
    # The length as sent, then trimmed: the document's maxLength is the server's.
    Field(max_length=100, json_schema_extra={"pattern": f"^{_REFERENCE_CLASS}*$"}),
    AfterValidator(_printable),
    AfterValidator(_in_reference_repertoire),
    AfterValidator(str.strip),
]
# An exam number to search on, as typed: surrounding spaces and case do not count ("ex45465 " is
# EX45465); the document's pattern says so, so a fuzzer's "invalid" values are invalid here too.
ExamNumberQuery = Annotated[
    str,
    StringConstraints(pattern=f"^ *{CODE_PATTERN.strip('^$')} *$"),
    AfterValidator(lambda value: value.strip().upper()),
]
# The search text: digits of any script count as the ASCII digits of a qualification number.
SearchText = Annotated[str, StringConstraints(max_length=100), AfterValidator(ascii_digits)]


class ApiModel(BaseModel):
    # defer_build: a model's validator and serializer are built when first used, not at import;
    # a cold call builds the few its route needs (pydantic merges this into subclasses' configs).
    # from_attributes: an answer whose fields are a domain object's, by the same names, is that
    # object validated (`RequestOut.model_validate(request)`), not a copy field by field.
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        defer_build=True,
        from_attributes=True,
    )


class OrganisationOut(ApiModel):
    id: str
    name: str


# The holders of a selection that yield no pass, and why: in the preview and in a submitted request.
SKIPPED = Field(description="Qualification numbers of the chosen holders that yield no pass.")
SKIPPED_REASONS = Field(
    description="Why each skipped holder yields no pass: withdrawn (the qualifications that "
    "match the chosen options are all withdrawn) or no_match (none matches them)."
)
