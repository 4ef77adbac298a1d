"""The audit trail: who saw or handed out whose data, and when. One JSON line per event.

The lines go through a Powertools Logger of their own (service `pasjesportaal-audit`), so they
are told apart from the functions' operational logs by one field and carry the same timestamp
and Lambda request id; the template forwards exactly these lines to the audit log group, kept
for a year (see the README's Security section). Ids only: never a name or a birth date. A
qualification number is an id here (the registry's own), and is logged where a person's data
was read, which is what the trail must answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

from aws_lambda_powertools import Logger

SERVICE: Final = "pasjesportaal-audit"
logger = Logger(service=SERVICE)
# The function's own logger, for the correlation id (the API Gateway request id) it carries.
_function_logger = Logger()


def _event(action: str, **fields: Any) -> None:
    logger.info(
        action,
        audit=True,
        action=action,
        correlation_id=_function_logger.get_correlation_id(),
        **fields,
    )


def holders_listed(*, organisation: str, sub: str, returned: int, total: int) -> None:
    _event("holders_listed", organisation=organisation, sub=sub, returned=returned, total=total)


def holders_exported(*, organisation: str, sub: str, count: int, format: str) -> None:
    """An export of the holder list ("Exporteer"): how many holders, as CSV or XLSX."""
    _event("holders_exported", organisation=organisation, sub=sub, count=count, format=format)


def holder_read(*, organisation: str, sub: str, qualification_number: str) -> None:
    _event(
        "holder_read",
        organisation=organisation,
        sub=sub,
        qualification_number=qualification_number,
    )


def request_submitted(*, request_id: str, organisation: str, sub: str, passes: int) -> None:
    _event(
        "request_submitted",
        request_id=request_id,
        organisation=organisation,
        sub=sub,
        passes=passes,
    )


def download_issued(*, request_id: str, sub: str) -> None:
    _event("download_issued", request_id=request_id, sub=sub)


def request_expired(*, request_id: str, sub: str, seen_by: Literal["render", "read"]) -> None:
    """`render`: marked failed because it expired unrendered; `read`: a read answered 410."""
    _event("request_expired", request_id=request_id, sub=sub, seen_by=seen_by)


def request_deleted(*, request_id: str, organisation: str, sub: str, reason: str) -> None:
    _event(
        "request_deleted", request_id=request_id, organisation=organisation, sub=sub, reason=reason
    )


def code_verified(*, key_id: str, outcome: str) -> None:
    """The public check: which key made the code and what it answered, never the number."""
    _event("code_verified", key_id=key_id, outcome=outcome)


def import_finished(
    *,
    export_id: str | None,
    outcome: str,
    dry_run: bool,
    counts: Mapping[str, int],
    items_written: int,
    errors: int,
) -> None:
    """One registry import (or dry run, or refusal): the report's ids and counts, no names."""
    _event(
        "import_finished",
        export_id=export_id,
        outcome=outcome,
        dry_run=dry_run,
        counts=dict(counts),
        items_written=items_written,
        errors=errors,
    )
