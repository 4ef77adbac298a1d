"""Search rules without AWS: matching, sorting, paging, cursors, organisation choice."""

from __future__ import annotations

from datetime import date

import pytest

from pasjes.domain import (
    Holder,
    HolderRow,
    HolderStatus,
    Organisation,
    Qualification,
    QualificationType,
    SortKey,
    SortOrder,
    status_of,
)
from pasjes.errors import InvalidCursor, OrganisationNotFound
from pasjes.logic.access import organisation_of
from pasjes.logic.cursor import decode_cursor, encode_cursor
from pasjes.logic.search import HolderSearch, search_holders
from pasjes.text import fold, name_key

TODAY = date(2026, 11, 28)


def row(
    number: str, name: str, expiry: str | None = "2030-01-01", ext: str | None = None
) -> HolderRow:
    return HolderRow(number, name, name_key(name), "1990-01-01", expiry, ext)


ROWS = [
    row("10000001", "Dhr. Şükrü Öztürk", ext="7"),
    row("10000002", "Mevr. Zoë Nguyễn", expiry="2020-01-01"),
    row("10000003", "Dhr. Łukasz Wójcik", ext="12"),
    row("10000004", "Mevr. A. de Vries", expiry=None),
]


def page_numbers(search: HolderSearch, cursor: str | None = None) -> list[str]:
    page = search_holders(ROWS, search, cursor=cursor, today=TODAY, secret="s")
    return [r.qualification_number for r in page.items]


def test_folding_ignores_case_and_accents_in_any_european_script() -> None:
    assert fold("Şükrü ÖZTÜRK") == "sukru ozturk"
    assert fold("Łukasz Wójcik") == "lukasz wojcik"
    assert fold("Zoë Nguyễn") == "zoe nguyen"
    assert name_key("Dhr. TEST de Tester") == "test de tester"


def test_folding_ascii_gives_what_the_unicode_folding_gives() -> None:
    # fold takes a shortcut for ASCII; "\u00a0" forces the full path on the same text.
    text = "".join(chr(c) for c in range(128)) + " Dhr.  A.K. van\tder HEIJDEN-Smit 's "
    assert fold(text) == fold(text + "\u00a0").rstrip()


def test_names_sort_by_surname_without_salutation() -> None:
    # Nguyễn, Öztürk, (de) Vries, Wójcik: the surname, accents folded.
    assert page_numbers(HolderSearch("o")) == ["10000002", "10000001", "10000004", "10000003"]


def test_status_sort_puts_valid_before_expired_and_ties_by_number() -> None:
    search = HolderSearch("o", sort=SortKey.STATUS)
    assert page_numbers(search) == ["10000001", "10000003", "10000002", "10000004"]


def test_holders_without_external_number_come_last() -> None:
    search = HolderSearch("o", sort=SortKey.EXTERNAL_NUMBER)
    assert page_numbers(search) == ["10000003", "10000001", "10000002", "10000004"]


def test_descending_pages_walk_the_same_order_backwards() -> None:
    search = HolderSearch("o", sort=SortKey.QUALIFICATION_NUMBER, order=SortOrder.DESC, limit=3)
    first = search_holders(ROWS, search, cursor=None, today=TODAY, secret="s")
    assert [r.qualification_number for r in first.items] == ["10000004", "10000003", "10000002"]
    assert page_numbers(search, first.next_cursor) == ["10000001"]


def test_a_cursor_signed_with_another_secret_is_refused() -> None:
    cursor = encode_cursor(["a"], "search", secret="one")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, "search", secret="two")
    assert decode_cursor(cursor, "search", secret="one") == ["a"]


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "!!!.???"])
def test_garbage_cursors_are_refused(garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(garbage, "search", secret="s")


def test_the_named_organisation_is_chosen_only_among_the_callers_own() -> None:
    keira = Organisation("keira-bhv", "Keira BHV")
    other = Organisation("ehbo", "EHBO")
    assert organisation_of([keira, other], "ehbo") == other
    assert organisation_of([keira], "keira-bhv") == keira
    with pytest.raises(OrganisationNotFound):
        organisation_of([keira], "ehbo")
    with pytest.raises(OrganisationNotFound):
        organisation_of([], "keira-bhv")


def withdrawn_row(number: str, name: str) -> HolderRow:
    return row(number, name, expiry=None)._replace(withdrawn=True)


def test_status_sort_puts_withdrawn_between_valid_and_expired() -> None:
    rows = [*ROWS, withdrawn_row("10000000", "Dhr. Ingetrokken")]
    search = HolderSearch("o", sort=SortKey.STATUS)

    page = search_holders(rows, search, cursor=None, today=TODAY, secret="s")

    numbers = [r.qualification_number for r in page.items]
    assert numbers == ["10000001", "10000003", "10000000", "10000002", "10000004"]
    statuses = [r.status(today=TODAY) for r in page.items]
    assert statuses == ["Geldig", "Geldig", "Ingetrokken", "Verlopen", "Verlopen"]


def test_withdrawn_outranks_any_expiry_date() -> None:
    assert status_of("2099-01-01", today=TODAY, withdrawn=True) is HolderStatus.WITHDRAWN
    assert status_of(date(2099, 1, 1), today=TODAY) is HolderStatus.VALID
    # No expiry date: the registry gives none, valid for good.
    assert status_of(None, today=TODAY) is HolderStatus.VALID


def qualification(code: str, expiry: date, withdrawn_on: date | None = None) -> Qualification:
    return Qualification(
        code, code, QualificationType.DIPLOMA, "EH", "EX1", date(2024, 1, 1), expiry,
        withdrawn_on=withdrawn_on,
    )  # fmt: skip


def test_a_holder_row_counts_only_what_is_not_withdrawn() -> None:
    valid, withdrawn = date(2030, 1, 1), date(2031, 1, 1)
    partly = Holder(
        "10000005",
        "Dhr. Half",
        date(1990, 1, 1),
        (qualification("DEH", valid), qualification("BHV", withdrawn, date(2025, 1, 1))),
    )
    wholly = Holder(
        "10000006", "Dhr. Heel", date(1990, 1, 1), (qualification("BHV", withdrawn, TODAY),)
    )

    assert HolderRow.of(partly, None).expiry_date == "2030-01-01"
    assert HolderRow.of(partly, None).status(today=TODAY) is HolderStatus.VALID
    assert HolderRow.of(wholly, None).status(today=TODAY) is HolderStatus.WITHDRAWN
    assert partly.qualifications[1].status(today=TODAY) is HolderStatus.WITHDRAWN
    assert partly.qualifications[0].status(today=TODAY) is HolderStatus.VALID
