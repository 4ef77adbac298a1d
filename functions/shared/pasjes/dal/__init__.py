"""Data access: one module per DynamoDB table, and the only code that imports pynamodb."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError
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
    the rest of an import together, so the calls go to pynamodb's botocore client as they are.
    Returns how many were put."""
    table = model._get_connection()
    count = 0
    pending: list[dict[str, Any]] = []
    for item in items:
        pending.append({"PutRequest": {"Item": item}})
        count += 1
        if len(pending) == _BATCH:
            _put(table.connection, table.table_name, pending)
            pending = []
    if pending:
        _put(table.connection, table.table_name, pending)
    return count


def batch_delete(model: type[Model], items: Iterable[Model]) -> int:
    """Delete the items (models with their keys set), 25 a call. Returns how many."""
    count = 0
    with model.batch_write() as batch:
        for item in items:
            batch.delete(item)
            count += 1
    return count


def _put(connection: Any, table_name: str, requests: list[dict[str, Any]]) -> None:
    for attempt in range(_ATTEMPTS):
        # pynamodb's client (with its retries), which it makes again when credentials expire.
        client = connection.client
        _serialize_puts_as_json(client)
        try:
            answer = client.batch_write_item(RequestItems={table_name: requests})
        except (BotoCoreError, ClientError) as error:
            raise PutError(f"Failed to batch write items: {error}", error) from error
        requests = answer.get("UnprocessedItems", {}).get(table_name, [])
        if not requests:
            return
        time.sleep(min(2.0, 0.05 * 2**attempt))
    raise PutError("DynamoDB left items unprocessed after every attempt")


class _PutsAsJson:
    """A client's serializer whose BatchWriteItem body is the parameters as JSON by msgspec
    (bytes in base64): the JSON document botocore's own serializer makes of attribute maps our
    code built and typed, without its walk through the API model for every attribute (a third
    of the first national import's CPU) and about ten times as fast as the standard library's
    encoder (a tenth of what was left). Every other operation, and the request around the body
    (method, headers, path), stays botocore's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def serialize_to_request(self, parameters: dict[str, Any], operation: Any) -> Any:
        if operation.name != "BatchWriteItem":
            return self.inner.serialize_to_request(parameters, operation)
        import msgspec  # by the import's first bulk write: other calls never load it here

        rest = {**parameters, "RequestItems": {}}
        request = self.inner.serialize_to_request(rest, operation)
        request["body"] = msgspec.json.encode(parameters)
        return request


def _serialize_puts_as_json(client: Any) -> None:
    # On the client pynamodb keeps per connection (it makes a new one only when credentials
    # expire, so this is looked at on every batch_put).
    if not isinstance(client._serializer, _PutsAsJson):
        client._serializer = _PutsAsJson(client._serializer)
