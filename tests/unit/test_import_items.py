"""The items the import writes without pynamodb Models read back through the models as written."""

from __future__ import annotations

from datetime import date

from pasjes.dal.holders import HolderModel, _item_data, _to_domain
from pasjes.dal.registrations import RegistrationModel, _holder_item_data, _row_of_holder_item
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
