"""Search rules without AWS: matching, sorting, paging, cursors, organisation choice."""

from __future__ import annotations

from datetime import date

import pytest

from pasjes.domain import HolderRow, Organisation, SortKey, SortOrder
from pasjes.errors import InvalidCursor, OrganisationNotFound, OrganisationRequired
from pasjes.logic.cursor import decode_cursor, encode_cursor
from pasjes.logic.search import HolderSearch, choose_organisation, search_holders
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


def test_names_sort_on_the_name_without_salutation() -> None:
    assert page_numbers(HolderSearch("o")) == ["10000004", "10000003", "10000001", "10000002"]


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


def test_the_only_organisation_is_chosen_when_none_is_named() -> None:
    keira = Organisation("keira-bhv", "Keira BHV")
    other = Organisation("ehbo", "EHBO")
    assert choose_organisation([keira], None) == keira
    assert choose_organisation([keira, other], "ehbo") == other
    with pytest.raises(OrganisationRequired):
        choose_organisation([keira, other], None)
    with pytest.raises(OrganisationNotFound):
        choose_organisation([keira], "ehbo")
    with pytest.raises(OrganisationNotFound):
        choose_organisation([], None)
