"""A qualification without an expiry date (some registries stopped printing one): shown as "-",
status Geldig, valid for good, and never an expiry-date option of a request."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

from pypdf import PdfReader

from pasjes.api_models.holders import HolderOut, QualificationOut
from pasjes.domain import Holder, HolderRow, HolderStatus, Organisation, Pass, Qualification
from pasjes.logic.pass_requests import Selection, passes_of
from pasjes.logic.preview import preview_selection
from pasjes.render.renderer import render_pass
from tests.conftest import qualification

TODAY = date(2026, 11, 28)
UNDATED = dataclasses.replace(qualification("DEH"), expiry_date=None)
EXPIRED = dataclasses.replace(qualification("BHV"), expiry_date=date(2020, 1, 1))


def holder(*qualifications: Qualification) -> Holder:
    return Holder("10000001", "Dhr. Zonder Datum", date(1990, 1, 1), qualifications)


def test_a_qualification_without_expiry_date_is_valid_for_good() -> None:
    assert UNDATED.status(today=TODAY) is HolderStatus.VALID
    assert UNDATED.status(today=date(2999, 1, 1)) is HolderStatus.VALID
    withdrawn = dataclasses.replace(UNDATED, withdrawn_on=date(2025, 1, 1))
    assert withdrawn.status(today=TODAY) is HolderStatus.WITHDRAWN


def test_a_holder_with_an_undated_qualification_is_listed_without_date_and_valid() -> None:
    row = HolderRow.of(holder(UNDATED, EXPIRED), "7")

    assert row.expiry_date is None
    assert row.status(today=TODAY) is HolderStatus.VALID
    out = HolderOut.of(row, today=TODAY)
    assert (out.expiry_date, out.status) == (None, HolderStatus.VALID)
    assert QualificationOut.of(UNDATED, (), today=TODAY).expiry_date is None


def test_an_undated_qualification_that_is_withdrawn_leaves_the_holder_on_the_others() -> None:
    withdrawn = dataclasses.replace(UNDATED, withdrawn_on=date(2025, 1, 1))
    row = HolderRow.of(holder(withdrawn, EXPIRED), None)

    assert row.expiry_date == "2020-01-01"
    assert row.status(today=TODAY) is HolderStatus.EXPIRED


def test_a_holder_without_any_qualification_is_not_valid() -> None:
    assert HolderRow.of(holder(), None).status(today=TODAY) is HolderStatus.EXPIRED


def test_an_undated_qualification_is_no_date_option_but_is_a_pass_without_dates_chosen() -> None:
    person = holder(UNDATED, EXPIRED)
    rows = {person.qualification_number: HolderRow.of(person, None)}
    organisation = Organisation("keira-bhv", "Keira BHV")
    selection = Selection(organisation, [person.qualification_number])

    preview = preview_selection(selection, rows=rows, holders={person.qualification_number: person})

    assert [d.day for d in preview.expiry_dates] == [date(2020, 1, 1)]
    assert preview.pass_count == 2
    dated = dataclasses.replace(selection, expiry_dates=frozenset({date(2020, 1, 1)}))
    passes = passes_of(person, rows[person.qualification_number], dated)
    assert [p.qualification.code for p in passes] == ["BHV"]


def test_the_pass_of_an_undated_qualification_shows_a_dash_as_expiry_date() -> None:
    pdf = render_pass(Pass("10000001", "Dhr. Zonder Datum", date(1990, 1, 1), None, UNDATED))

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert text.endswith("Vervaldatum\n-")
