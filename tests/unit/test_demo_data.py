"""The demo data: the manual's holders at Keira BHV, among many that exercise every feature."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from infra.ops.dataset import Dataset, organisations_for, parse_folder, rows_for, write_folder
from infra.ops.demo_data import (
    DEMO_PASSWORD,
    DEMO_USERS,
    KEIRA_BHV,
    benchmark_dataset,
    generate,
    main,
)
from pasjes.domain import Holder, QualificationType

TODAY = date(2026, 5, 1)
DIPLOMA = QualificationType.DIPLOMA
CERTIFICATE = QualificationType.CERTIFICATE


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return generate(today=TODAY)


def holder(dataset: Dataset, number: str) -> Holder:
    return next(h for h in dataset.holders if h.qualification_number == number)


def registered_at(dataset: Dataset) -> Counter[str]:
    return Counter(r.organisation_id for r in dataset.registrations)


def outside_latin1(name: str) -> bool:
    return any(ord(c) > 0xFF for c in name)


def test_the_manuals_four_holders_are_at_keira_bhv_with_valid_passes(demo: Dataset) -> None:
    keira = {r.qualification_number: r for r in rows_for(demo)[KEIRA_BHV]}
    expected = {
        "73029884": ("Mevr. K.C. Knightley", date(2000, 1, 1), "1122334455"),
        "99731441": ("Dhr. B van Test", date(2000, 4, 3), None),
        "99600953": ("Dhr. TEST de Tester", date(1992, 6, 18), None),
        "99694102": ("Dhr. TT Te Tester", date(2000, 1, 12), None),
    }
    for number, (name, born, external) in expected.items():
        row = keira[number]
        assert (row.name, row.birth_date, row.external_number) == (name, born.isoformat(), external)
        assert row.expiry_date is not None
        assert row.expiry_date > TODAY.isoformat()
        assert all(q.exam_date <= TODAY for q in holder(demo, number).qualifications)


def test_the_ex45465_holders_hold_a_diploma_eerste_hulp_and_two_the_module_for_children(
    demo: Dataset,
) -> None:
    def from_exam(number: str) -> set[tuple[str, QualificationType, str | None]]:
        return {
            (q.code, q.type, q.parent_code)
            for q in holder(demo, number).qualifications
            if q.exam_number == "EX45465"
        }

    with_module = {("DEH", DIPLOMA, None), ("EHK", CERTIFICATE, "DEH")}
    assert from_exam("99600953") == with_module
    assert from_exam("99694102") == with_module
    assert ("DEH", DIPLOMA, None) in from_exam("99731441")


def test_searching_keira_bhv_for_ex45465_finds_exactly_the_three_holders_of_the_manual(
    demo: Dataset,
) -> None:
    found = [
        r.qualification_number for r in rows_for(demo)[KEIRA_BHV] if "EX45465" in r.exam_numbers
    ]

    assert sorted(found) == ["99600953", "99694102", "99731441"]


@pytest.mark.parametrize(
    "today",
    [date(2026, 1, 1), date(2026, 3, 17), date(2026, 3, 18), date(2028, 2, 29), date(2031, 12, 31)],
)
def test_the_manuals_holders_are_valid_whatever_the_day(today: date) -> None:
    dataset = generate(holders=60, today=today)
    for number in ("73029884", "99731441", "99600953", "99694102"):
        manual = holder(dataset, number)
        assert manual.expiry_date is not None
        assert manual.expiry_date > today
        assert max(q.exam_date for q in manual.qualifications) <= today


def test_the_demo_is_large_enough_for_every_feature(demo: Dataset) -> None:
    counts = registered_at(demo)
    assert len(demo.organisations) >= 3
    assert demo.organisations[0].name == "Keira BHV"
    assert len(demo.holders) >= 1000
    assert counts[KEIRA_BHV] >= 400

    per_holder = Counter(r.qualification_number for r in demo.registrations)
    assert any(n == 2 for n in per_holder.values())
    externals = [r.external_number for r in demo.registrations]
    assert None in externals
    assert any(externals)
    expiries = [h.expiry_date for h in demo.holders if h.expiry_date]
    assert any(d < TODAY for d in expiries)
    assert any(d >= TODAY for d in expiries)
    qualifications = [q for h in demo.holders for q in h.qualifications]
    assert len({q.exam_number for q in qualifications}) >= 10
    assert len({q.exam_type for q in qualifications}) >= 3
    assert any(h.modules_of("DEH") for h in demo.holders)


def test_every_organisation_has_a_holder_with_a_name_outside_latin1(demo: Dataset) -> None:
    names = {h.qualification_number: h.name for h in demo.holders}
    for organisation_id, rows in rows_for(demo).items():
        assert any(outside_latin1(names[r.qualification_number]) for r in rows), organisation_id


def test_names_look_dutch_with_salutations_initials_and_tussenvoegsels(demo: Dataset) -> None:
    names = [h.name for h in demo.holders]

    assert all(n.startswith(("Dhr. ", "Mevr. ")) for n in names)
    for part in (" van ", " de ", " van der ", " ter "):
        assert any(part in n for n in names), part
    assert any(n.split()[1].endswith(".") for n in names)  # initials, as "K.C."


def test_every_organisation_offers_exam_types(demo: Dataset) -> None:
    assert all(o.exam_types for o in organisations_for(demo))


def test_the_demo_contact_persons(demo: Dataset) -> None:
    organisations = {o.id for o in demo.organisations}
    keira_contacts = DEMO_USERS["contact@keira-bhv.example"]

    assert DEMO_PASSWORD == "Pasjes-demo-2026!"
    assert KEIRA_BHV in keira_contacts
    assert len(keira_contacts) == 2
    assert DEMO_USERS["collega@keira-bhv.example"] == (KEIRA_BHV,)
    (third,) = DEMO_USERS["contact@reddingsbrigade.example"]
    assert third not in keira_contacts
    assert third.startswith("reddingsbrigade-")
    assert {o for ids in DEMO_USERS.values() for o in ids} <= organisations
    assert demo.memberships == DEMO_USERS


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(demo: Dataset) -> None:
    assert generate(today=TODAY) == demo
    assert generate(today=TODAY, seed=7) != demo


def test_the_generated_data_passes_the_importers_checks(demo: Dataset, tmp_path: Path) -> None:
    write_folder(demo, tmp_path)

    assert parse_folder(tmp_path) == demo


def test_a_benchmark_set_has_one_organisation_of_exactly_the_size_asked(tmp_path: Path) -> None:
    dataset = benchmark_dataset(total=3_000, big_org_holders=600, today=TODAY)
    counts = registered_at(dataset)

    assert len(dataset.holders) == 3_000
    assert counts[KEIRA_BHV] == 600
    assert max(n for o, n in counts.items() if o != KEIRA_BHV) < 600
    assert sorted(
        r.qualification_number for r in rows_for(dataset)[KEIRA_BHV] if "EX45465" in r.exam_numbers
    ) == [
        "99600953",
        "99694102",
        "99731441",
    ]


def test_too_few_holders_for_every_organisation_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot give Keira BHV"):
        generate(holders=5, today=TODAY)


def test_the_command_writes_csv_files_the_importer_reads(tmp_path: Path) -> None:
    assert main(["--holders", "80", "--today", "2026-05-01", "--out", str(tmp_path)]) == 0

    assert parse_folder(tmp_path) == generate(holders=80, today=TODAY)


def test_the_demo_shows_withdrawn_qualifications_at_keira_bhv(demo: Dataset) -> None:
    keira = {r.qualification_number: r for r in rows_for(demo)[KEIRA_BHV]}
    withdrawn = [
        (h, q) for h in demo.holders for q in h.qualifications if q.withdrawn_on is not None
    ]
    assert len(withdrawn) == 2
    for h, q in withdrawn:
        assert h.qualification_number in keira
        assert q.withdrawn_on is not None
        assert q.exam_date <= q.withdrawn_on <= TODAY
        assert q.parent_code is None
    statuses = sorted(keira[h.qualification_number].status(today=TODAY) for h, _ in withdrawn)
    # One holder had only this qualification, the other keeps a valid one beside it.
    assert statuses == ["Geldig", "Ingetrokken"]


def test_the_manuals_holders_have_nothing_withdrawn(demo: Dataset) -> None:
    for number in ("73029884", "99731441", "99600953", "99694102"):
        assert all(q.withdrawn_on is None for q in holder(demo, number).qualifications)
