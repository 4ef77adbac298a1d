"""Data access: one module per DynamoDB table, and the only code that imports pynamodb."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import PutError

from pasjes.settings import get_settings

if TYPE_CHECKING:
    from pynamodb.models import Model


class TableName:
    """A Meta.table_name read from the settings when first used, so imports never read env."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __get__(self, instance: Any, owner: Any) -> str:
        # `required`: a table only some functions have (the importer's) must be set for them.
        return str(get_settings().required(self.setting))


# An item as DynamoDB holds it (what a pynamodb Model's serialize() gives).
ItemData = dict[str, dict[str, Any]]
_BATCH = 25
_ATTEMPTS = 8


def batch_put(model: type[Model], items: Iterable[ItemData]) -> int:
    """Put items given as DynamoDB attribute maps, 25 a call, again for those DynamoDB leaves
    unprocessed. For the import's bulk writes: a pynamodb Model per item costs more CPU than
    the rest of an import together. Returns how many were put."""
    connection = model._get_connection()
    count = 0
    pending: list[ItemData] = []
    for item in items:
        pending.append(item)
        count += 1
        if len(pending) == _BATCH:
            _put(connection, pending)
            pending = []
    if pending:
        _put(connection, pending)
    return count


def _put(connection: Any, items: list[ItemData]) -> None:
    for attempt in range(_ATTEMPTS):
        answer = connection.batch_write_item(put_items=items) or {}
        left = answer.get("UnprocessedItems", {}).get(connection.table_name, [])
        items = [request["PutRequest"]["Item"] for request in left]
        if not items:
            return
        time.sleep(min(2.0, 0.05 * 2**attempt))
    raise PutError("DynamoDB left items unprocessed after every attempt")
