"""The items the import writes without pynamodb Models read back through the models as written."""

from __future__ import annotations

import json
from datetime import date

import botocore.session
from botocore.config import Config

from pasjes.dal import _PutsAsJson
from pasjes.dal.holders import HolderModel, _item_data, _to_domain
from pasjes.dal.registrations import (
    RegistrationModel,
    _holder_item_data,
    _items_of,
    _row_of_holder_item,
)
from pasjes.domain import Holder, HolderRow, Qualification, QualificationType

TESTER = Holder(
    "99600953",
    "Dhr. TEST de Tester",
    date(1992, 6, 18),
    (
        Qualification(
            "DEH",
            "Diploma Eerste Hulp",
            QualificationType.DIPLOMA,
            "EH",
            "EX45465",
            date(2024, 3, 18),
            None,
        ),
        Qualification(
            "EHK",
            "Eerste Hulp aan Kinderen",
            QualificationType.CERTIFICATE,
            "EH",
            "EX45465",
            date(2024, 3, 18),
            date(2026, 4, 1),
            parent_code="DEH",
            withdrawn_on=date(2025, 1, 2),
        ),
    ),
)


def test_a_holder_item_reads_back_as_the_holder() -> None:
    data = _item_data(TESTER, "0123456789abcdef")

    item = HolderModel.from_raw_data(data)

    assert _to_domain(item) == TESTER
    assert item.content_hash == "0123456789abcdef"
    assert item.serialize() == data


def test_a_registration_item_reads_back_as_the_row() -> None:
    for row in (
        HolderRow.of(TESTER, "1122334455"),
        HolderRow.of(TESTER, None)._replace(withdrawn=True, expiry_date="2026-04-01"),
    ):
        data = _holder_item_data("keira-bhv", row)

        item = RegistrationModel.from_raw_data(data)

        assert (item.organisation_id, item.entry_key) == ("keira-bhv", "H#99600953")
        assert _row_of_holder_item(item) == row._replace(qualifications=(), sort_name="")
        assert item.serialize() == data


def test_a_batch_of_import_items_is_sent_as_botocore_itself_would_send_it() -> None:
    """The import's BatchWriteItem body is made without botocore's walk through the API model:
    the same JSON document, strings outside ASCII, bytes and booleans included, and the rest
    of the request byte for byte."""
    rows = [HolderRow.of(TESTER, "Ä€1"), HolderRow.of(TESTER, None)._replace(withdrawn=True)]
    made, chunks = _items_of("keira-bhv", rows, "v1")
    version = RegistrationModel("keira-bhv", "V#", version="v1", chunks=2, content_hash="h")
    items = [_item_data(TESTER, "hash"), *made, *chunks, version.serialize()]
    assert any("B" in value for item in chunks for value in item.values())
    params = {
        "RequestItems": {"t": [{"PutRequest": {"Item": item}} for item in items]},
        "ReturnConsumedCapacity": "TOTAL",
    }
    for validating in (True, False):
        client = botocore.session.get_session().create_client(
            "dynamodb",
            region_name="eu-west-1",
            aws_access_key_id="key",
            aws_secret_access_key="secret",
            config=Config(parameter_validation=validating),
        )
        operation = client.meta.service_model.operation_model("BatchWriteItem")
        botocores = client._serializer  # type: ignore[attr-defined]
        ours = _PutsAsJson(botocores).serialize_to_request(params, operation)
        theirs = botocores.serialize_to_request(params, operation)
        assert isinstance(ours["body"], bytes)
        assert json.loads(ours.pop("body")) == json.loads(theirs.pop("body"))
        assert ours == theirs
