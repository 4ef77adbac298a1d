"""The preview's rules without AWS: parts of at most 250 passes, and the counts of the options."""

from __future__ import annotations

import time
from datetime import date

import pytest

from pasjes.domain import Holder, HolderRow, Organisation, QualificationType
from pasjes.errors import HoldersNotFound
from pasjes.logic.pass_requests import Selection
from pasjes.logic.preview import (
    CodeCount,
    DateCount,
    Preview,
    preview_selection,
    split_into_parts,
)
from tests.conftest import EX45465, FUTURE, HOLDERS, KEIRA, PAST, REGISTERED, qualification

BY_NUMBER = {h.qualification_number: h for h in HOLDERS}
# Keira BHV's registrations: 34567890 is registered elsewhere.
ROWS = {n: HolderRow.of(BY_NUMBER[n], None) for n in REGISTERED[KEIRA.id]}
KNIGHTLEY, OZTURK, NGUYEN = "73029884", "12345678", "23456789"


def preview(
    numbers: list[str], *, codes: set[str] | None = None, dates: set[date] | None = None
) -> Preview:
    selection = Selection(
        organisation=Organisation(KEIRA.id, KEIRA.name),
        qualification_numbers=numbers,
        qualification_codes=frozenset(codes or ()),
        expiry_dates=frozenset(dates or ()),
    )
    return preview_selection(selection, rows=ROWS, holders=BY_NUMBER)


def test_a_selection_that_fits_is_one_part_in_selection_order() -> None:
    assert split_into_parts([("b", 2), ("a", 1), ("c", 3)]) == [["b", "a", "c"]]


def test_parts_hold_at_most_250_passes_and_never_split_a_holder() -> None:
    # 126 holders of 2 passes: 125 fit (250), the 126th opens a second part.
    holders = [(f"{i:08d}", 2) for i in range(126)]
    parts = split_into_parts(holders)
    assert [len(p) for p in parts] == [125, 1]
    assert [n for part in parts for n in part] == [n for n, _ in holders]


def test_a_holder_who_does_not_fit_starts_the_next_part() -> None:
    parts = split_into_parts([("a", 200), ("b", 40), ("c", 20), ("d", 10)])
    assert parts == [["a", "b"], ["c", "d"]]


def test_exactly_250_passes_is_one_part() -> None:
    assert split_into_parts([("a", 125), ("b", 125)]) == [["a", "b"]]


def test_a_holder_with_more_than_250_passes_gets_a_part_of_their_own() -> None:
    parts = split_into_parts([("a", 3), ("huge", 251), ("b", 4)])
    assert parts == [["a"], ["huge"], ["b"]]


def test_holders_without_passes_are_in_no_part() -> None:
    assert split_into_parts([("a", 0), ("b", 1), ("c", 0)]) == [["b"]]
    assert split_into_parts([("a", 0)]) == []


def test_the_limit_is_a_parameter() -> None:
    assert split_into_parts([("a", 1), ("b", 1), ("c", 1)], limit=2) == [["a", "b"], ["c"]]


def test_without_options_every_qualification_is_a_pass() -> None:
    result = preview([*EX45465, KNIGHTLEY])
    assert (result.holder_count, result.pass_count, result.skipped) == (4, 6, ())
    assert result.parts == ((*EX45465, KNIGHTLEY),)
    assert result.qualification_codes == (
        CodeCount("DEH", "Diploma Eerste Hulp", QualificationType.DIPLOMA, 3),
        CodeCount("EHK", "Eerste Hulp aan Kinderen", QualificationType.CERTIFICATE, 2),
        CodeCount("RLH", "Levensreddend handelen", QualificationType.CERTIFICATE, 1),
    )
    assert result.expiry_dates == (DateCount(FUTURE, 6),)


def test_code_counts_ignore_the_chosen_codes_so_every_checkbox_keeps_its_count() -> None:
    result = preview([*EX45465, KNIGHTLEY], codes={"EHK"})
    assert (result.holder_count, result.pass_count) == (2, 2)
    assert result.skipped == ("99731441", KNIGHTLEY)
    assert [(c.code, c.count) for c in result.qualification_codes] == [
        ("DEH", 3),
        ("EHK", 2),
        ("RLH", 1),
    ]
    # The dates count only what the chosen codes make.
    assert result.expiry_dates == (DateCount(FUTURE, 2),)
    assert result.parts == (("99600953", "99694102"),)


def test_date_counts_ignore_the_chosen_dates_and_code_counts_follow_them() -> None:
    result = preview([OZTURK, NGUYEN], dates={PAST})
    assert (result.holder_count, result.pass_count, result.skipped) == (1, 1, (NGUYEN,))
    assert result.expiry_dates == (DateCount(PAST, 1), DateCount(FUTURE, 2))
    # Every code present stays listed; those no chosen date fits count 0.
    assert [(c.code, c.count) for c in result.qualification_codes] == [
        ("BHV", 1),
        ("DEH", 0),
        ("EHK", 0),
    ]


def test_options_that_match_nothing_make_no_passes_and_no_parts() -> None:
    result = preview(EX45465, codes={"RLH"})
    assert (result.holder_count, result.pass_count, result.parts) == (0, 0, ())
    assert result.skipped == tuple(EX45465)
    assert [(c.code, c.count) for c in result.qualification_codes] == [("DEH", 3), ("EHK", 2)]


def test_unknown_holders_are_refused_as_submit_refuses_them() -> None:
    with pytest.raises(HoldersNotFound) as refused:
        preview(["99600953", "99999999", "34567890"])
    assert refused.value.details["qualificationNumbers"] == ["99999999", "34567890"]


def test_a_large_selection_is_cut_into_parts_in_order() -> None:
    many = {
        f"5{i:07d}": Holder(
            f"5{i:07d}",
            f"Dhr. Nummer {i}",
            date(1990, 1, 1),
            (
                qualification("DEH"),
                qualification("EHK", type=QualificationType.CERTIFICATE, parent="DEH"),
            ),
        )
        for i in range(300)
    }
    numbers = list(reversed(many))
    selection = Selection(Organisation(KEIRA.id, KEIRA.name), numbers)
    rows = {n: HolderRow.of(h, None) for n, h in many.items()}
    result = preview_selection(selection, rows=rows, holders=many)
    assert result.pass_count == 600
    assert [len(p) for p in result.parts] == [125, 125, 50]
    assert [n for part in result.parts for n in part] == numbers


def test_a_whole_organisation_of_10000_holders_is_previewed_in_linear_time() -> None:
    deh = qualification("DEH")
    ehk = qualification("EHK", type=QualificationType.CERTIFICATE, parent="DEH", expiry=PAST)
    many = {
        f"5{i:07d}": Holder(f"5{i:07d}", f"Dhr. Nummer {i}", date(1990, 1, 1), (deh, ehk))
        for i in range(10_000)
    }
    rows = {n: HolderRow.of(h, None) for n, h in many.items()}
    selection = Selection(Organisation(KEIRA.id, KEIRA.name), list(many), frozenset({"DEH"}))
    started = time.perf_counter()
    result = preview_selection(selection, rows=rows, holders=many)
    elapsed = time.perf_counter() - started
    assert (result.holder_count, result.pass_count, len(result.parts)) == (10_000, 10_000, 40)
    assert [(c.code, c.count) for c in result.qualification_codes] == [
        ("DEH", 10_000),
        ("EHK", 10_000),
    ]
    assert result.expiry_dates == (DateCount(PAST, 0), DateCount(FUTURE, 10_000))
    # About 0.3 s on an idle core: the bound catches quadratic work, not a busy machine.
    assert elapsed < 3.0
