"""The import's bulk writes: every item stored, those DynamoDB leaves unprocessed put again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pynamodb.exceptions import PutError

from pasjes import dal
from pasjes.dal.holders import HolderModel, _item_data, get_holders
from pasjes.domain import Holder


def holder(number: int) -> Holder:
    return Holder(f"{number:08d}", f"Naam {number}", date(1990, 1, 1), ())


def test_items_dynamodb_leaves_unprocessed_are_put_again(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = HolderModel._get_connection().connection.client
    write = client.batch_write_item  # type: ignore[attr-defined]
    calls: list[int] = []

    def leaving_the_last_out(**params: Any) -> Any:
        [(table, requests)] = params["RequestItems"].items()
        calls.append(len(requests))
        if len(calls) > 1:
            return write(**params)
        write(RequestItems={table: requests[:-1]})
        return {"UnprocessedItems": {table: requests[-1:]}}

    monkeypatch.setattr(client, "batch_write_item", leaving_the_last_out)
    holders = [holder(n) for n in range(30)]
    assert dal.batch_put(HolderModel, (_item_data(h, "hash") for h in holders)) == 30
    assert calls == [25, 1, 5]
    assert set(get_holders(h.qualification_number for h in holders)) == {
        h.qualification_number for h in holders
    }


def test_items_never_processed_fail_the_write(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    client = HolderModel._get_connection().connection.client

    def leaving_all_out(**params: Any) -> Any:
        return {"UnprocessedItems": params["RequestItems"]}

    monkeypatch.setattr(client, "batch_write_item", leaving_all_out)
    monkeypatch.setattr("pasjes.dal.time.sleep", lambda seconds: None)
    with pytest.raises(PutError):
        dal.batch_put(HolderModel, [_item_data(holder(1), None)])
