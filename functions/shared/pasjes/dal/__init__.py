"""Data access: one module per DynamoDB table, and the only code that imports pynamodb."""

from __future__ import annotations

import base64
import json
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
    _serialize_puts_as_json(connection.connection.client)
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


class _PutsAsJson:
    """A client's serializer whose BatchWriteItem body is the parameters as JSON, with bytes
    in base64: what botocore's own serializer makes of attribute maps our code built and
    typed, but without its walk through the API model for every attribute (a third of the
    first national import's CPU). Every other operation, and the request around the body
    (method, headers, path), stays botocore's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def serialize_to_request(self, parameters: dict[str, Any], operation: Any) -> Any:
        if operation.name != "BatchWriteItem":
            return self.inner.serialize_to_request(parameters, operation)
        rest = {**parameters, "RequestItems": {}}
        request = self.inner.serialize_to_request(rest, operation)
        request["body"] = json.dumps(parameters, default=_blob).encode()
        return request


def _blob(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON: {type(value).__name__}")


def _serialize_puts_as_json(client: Any) -> None:
    # On the client pynamodb keeps per connection (it makes a new one only when credentials
    # expire, so this is looked at on every batch_put).
    if not isinstance(client._serializer, _PutsAsJson):
        client._serializer = _PutsAsJson(client._serializer)
