"""Naam sorts by surname, as Dutch administrations do (pasjes.text.surname_key)."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from pasjes.domain import Holder, HolderRow
from pasjes.importing.digest import rows_hash
from pasjes.logic.search import HolderSearch, search_holders
from pasjes.text import NAME_KEYS_VERSION, name_key, surname_key

TODAY = date(2026, 11, 28)


def surname_of(name: str, **parts: str | None) -> str:
    return surname_key(name, **parts).split("\x01")[0]


NAMES: list[tuple[str, str]] = [
    # Tussenvoegsels do not count.
    ("Mevr. A de Jong", "jong"),
    ("Dhr. B van Test", "test"),
    ("A.K. van der Heijden", "heijden"),
    ("P. van den Berg", "berg"),
    ("Dhr. TEST de Tester", "tester"),
    ("Dhr. TT Te Tester", "tester"),
    ("J. ter Horst", "horst"),
    ("J. in 't Veld", "veld"),
    ("M. op den Akker", "akker"),
    ("Y. d'Ancona", "ancona"),
    ("van Dijk", "dijk"),
    # Double surnames: the whole, the second's prefix included.
    ("Anna Jansen-de Vries", "jansen-de vries"),
    ("Mevr. A. van der Heijden-de Jong", "heijden-de jong"),
    # No prefix: the last word; initials and given names do not count.
    ("Mevr. K.C. Knightley", "knightley"),
    ("Jan Peter Jansen", "jansen"),
    ("Jan-Peter Smit", "smit"),
    # Titles before and after, any case; accents folded as in search.
    ("Prof. dr. ir. J. Bakker MSc", "bakker"),
    ("DHR. J. BAKKER", "bakker"),
    ("Mevr. Zoë Nguyễn", "nguyen"),
    ("Dhr. Şükrü Öztürk", "ozturk"),
    # Written surname first.
    ("Jong, A. de", "jong"),
    ("de Jong, B.", "jong"),
    ("Mevr. Van Den Berg, A.", "berg"),
    ("Vries, J. de, MSc", "vries"),
    ("El Amrani, K.", "el amrani"),
    # A comma before titles only is not the surname-first form.
    ("Dhr. J. de Vries, MBA", "vries"),
    ("J. Bakker, MSc", "bakker"),
    ("Dr. J. Bakker, MSc, PhD", "bakker"),
    ("J. Bakker, jr.", "bakker"),
    # Glued titles.
    ("Prof.dr.ir. J. Bakker", "bakker"),
    # After initials, the rest is the surname: two words without a tussenvoegsel too.
    ("K. El Amrani", "el amrani"),
    ("Dhr. S. Ben Ali", "ben ali"),
    ("M.A. Abd El Aziz", "abd el aziz"),
    ("J. P. Balkenende", "balkenende"),
    ("A Jansen", "jansen"),
    # With full given names the last word stays the derived surname (the registry's
    # `surname` column is the way to be exact).
    ("Mevr. María García López", "lopez"),
    ("García López", "lopez"),
]


@pytest.mark.parametrize(("name", "surname"), NAMES)
def test_the_surname_is_found_without_titles_initials_and_tussenvoegsels(
    name: str, surname: str
) -> None:
    assert surname_of(name) == surname


def test_the_registrys_surname_wins_over_the_one_derived_from_the_name() -> None:
    # A Belgian "De Smet" sorts under D when the registry says "De" belongs to the surname.
    assert surname_of("Mevr. L. De Smet", surname="De Smet", prefix=None) == "de smet"
    assert surname_key("Dhr. X", surname="Jong", prefix="de", initials="A.") == surname_key(
        "Mevr. A de Jong"
    )


def test_same_surname_sorts_on_initials_then_prefix() -> None:
    names = ["Mevr. B de Jong", "A. Jong", "Mevr. A de Jong", "A. de Jonge", "A. Jong-Smit"]
    assert sorted(names, key=surname_key) == [
        "A. Jong",
        "Mevr. A de Jong",
        "Mevr. B de Jong",
        "A. Jong-Smit",
        "A. de Jonge",
    ]


def test_the_list_sorts_by_surname_and_shows_the_name_as_written() -> None:
    names = [
        "Mevr. A de Jong",
        "Dhr. B van Test",
        "A.K. van der Heijden",
        "Mevr. Zoë Nguyễn",
        "Dhr. Şükrü Öztürk",
        "Anna Jansen-de Vries",
        "Mevr. K.C. Knightley",
    ]
    rows = [
        HolderRow.of(Holder(f"1000000{i}", name, date(1990, 1, 1)), None)
        for i, name in enumerate(names)
    ]
    page = search_holders(rows, HolderSearch("o"), cursor=None, today=TODAY, secret="s")
    assert [r.name for r in page.items] == [
        "A.K. van der Heijden",
        "Anna Jansen-de Vries",
        "Mevr. A de Jong",
        "Mevr. K.C. Knightley",
        "Mevr. Zoë Nguyễn",
        "Dhr. Şükrü Öztürk",
        "Dhr. B van Test",
    ]


def test_the_surname_given_by_the_registry_decides_the_order() -> None:
    given = Holder("10000001", "Mevr. L. De Smet", date(1990, 1, 1), surname="De Smet")
    derived = Holder("10000002", "Dhr. K. Pieters", date(1990, 1, 1))
    rows = [HolderRow.of(derived, None), HolderRow.of(given, None)]
    page = search_holders(rows, HolderSearch("o"), cursor=None, today=TODAY, secret="s")
    assert [r.qualification_number for r in page.items] == ["10000001", "10000002"]


def test_rows_stored_before_the_sort_key_still_sort_by_surname() -> None:
    old = [
        HolderRow(n, name, name_key(name), "1990-01-01", None, None)
        for n, name in (("10000001", "Dhr. A van Zanten"), ("10000002", "Mevr. B de Jong"))
    ]
    page = search_holders(old, HolderSearch("o"), cursor=None, today=TODAY, secret="s")
    assert [r.qualification_number for r in page.items] == ["10000002", "10000001"]


def test_two_word_surnames_are_exact_with_the_registrys_surname() -> None:
    assert surname_of("Mevr. María García López", surname="García López") == "garcia lopez"


def test_a_title_after_a_comma_sorts_the_name_by_its_surname() -> None:
    names = ["Dhr. J. de Vries, MBA", "J. Bakker, MSc", "Mevr. Van Den Berg, A.", "K. El Amrani"]
    assert sorted(names, key=surname_key) == [
        "J. Bakker, MSc",
        "Mevr. Van Den Berg, A.",
        "K. El Amrani",
        "Dhr. J. de Vries, MBA",
    ]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Dhr. TEST de Tester", "test de tester"),
        ("Mevrouw A. de Jong", "a. de jong"),
        ("Prof. dr. ir. J. Bakker", "j. bakker"),
        ("Prof.dr. J. Bakker", "j. bakker"),
        ("Dr.", "dr."),
    ],
)
def test_search_drops_the_same_titles_as_the_sort(name: str, key: str) -> None:
    assert name_key(name) == key


def test_a_change_to_the_keys_derived_from_names_comes_with_a_new_version() -> None:
    derived = [(name, name_key(name), surname_key(name)) for name, _ in NAMES]
    digest = hashlib.sha256(json.dumps(derived).encode()).hexdigest()[:16]

    # Stored rows keep the keys they were written with: a new rule reaches them only through a
    # new NAME_KEYS_VERSION (which makes the next import rewrite every list). Changed the rule?
    # Raise the version and record the new digest here.
    assert (NAME_KEYS_VERSION, digest) == (2, "d3174562fcd763d9")


def test_a_new_version_of_the_keys_makes_every_list_new(monkeypatch: pytest.MonkeyPatch) -> None:
    registered = [("99600953", "0123456789abcdef", None)]
    before = rows_hash(registered)

    monkeypatch.setattr("pasjes.importing.digest.NAME_KEYS_VERSION", NAME_KEYS_VERSION + 1)

    assert rows_hash(registered) != before
