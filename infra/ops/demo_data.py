"""Deterministic demo data: the manual's holders at Keira BHV among generated Dutch-looking ones.

    python -m infra.ops.demo_data [--holders N] [--seed S] [--today YYYY-MM-DD] [--benchmark] \
        (--out DIR | --export PATH.zip [--contact EMAIL=ORGANISATION_ID] ...)

The same seed and day give the same data. Dates are placed relative to `today`, so the demo always
has valid and expired qualifications, and the manual's four holders are always valid.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from infra.ops import demo_export
from infra.ops.dataset import Dataset
from infra.ops.demo_manual import (
    DEMO_PASSWORD,
    DEMO_USERS,
    EHBO_VERENIGING,
    EXAM_KINDS,
    KEIRA_BHV,
    ORGANISATIONS,
    OTHER_PROFILE,
    PROFILES,
    REDDINGSBRIGADE,
    add_years,
    manual_holders,
)
from pasjes.domain import Holder, Organisation, Qualification, Registration

# The demo users and Keira BHV stay importable from here, where the local stack and tests look.
__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "KEIRA_BHV", "benchmark_dataset", "generate", "main"]

_TOWNS: Final = (
    "Alkmaar", "Amersfoort", "Assen", "Breda", "Delft", "Deventer", "Emmen", "Enschede", "Gouda",
    "Groningen", "Haarlem", "Hoorn", "Leeuwarden", "Leiden", "Maastricht", "Middelburg",
    "Nijmegen", "Tilburg", "Venlo", "Zwolle",
)  # fmt: skip

# The chance that a generated holder is also registered at a second organisation.
_SECOND_REGISTRATION = 0.08
_NON_LATIN1_SHARE = 0.03
# Exams fall in the last four years: with one or two years of validity, about half have expired.
_EXAM_WINDOW_DAYS = 4 * 365
_WITHDRAWN_DAYS_AGO = 14

_MALE = (
    "Jan", "Pieter", "Kees", "Willem", "Daan", "Sem", "Thijs", "Bram", "Lucas", "Jeroen", "Maarten",
    "Sander", "Ruben", "Bas", "Joost", "Niels", "Wouter", "Gerrit", "Henk", "Koen", "Mohamed",
    "Noël", "René", "André", "Joël", "Youssef", "Stijn", "Hidde", "Floris", "Teun",
)  # fmt: skip
_FEMALE = (
    "Anna", "Sanne", "Lotte", "Femke", "Eva", "Sophie", "Emma", "Julia", "Anouk", "Marieke",
    "Inge", "Ingrid", "Annemieke", "Fleur", "Lisa", "Iris", "Noor", "Fatima", "Chloë", "Zoë",
    "Renée", "Daphne", "Mirjam", "Esther", "Wilma", "Joke", "Els", "Tessa", "Britt", "Ilse",
)  # fmt: skip
_SURNAMES = (
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("", "Bakker"), ("", "Visser"),
    ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"),
    ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"),
    ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("de", "Graaf"), ("van der", "Meer"),
    ("van der", "Linden"), ("", "Kok"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"),
    ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"), ("van der", "Heijden"),
    ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"), ("van de", "Ven"),
    ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"), ("van", "Dam"),
    ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("de", "Jong"),
    ("ter", "Horst"), ("ter", "Haar"), ("", "Kuipers"), ("van", "Dijk"), ("", "Postma"),
    ("in 't", "Veld"), ("te", "Riele"), ("den", "Hartog"), ("", "Çelik"), ("", "El Amrani"),
)  # fmt: skip
# Full names with letters outside Latin-1, which a PDF font or a search must not trip over.
_NON_LATIN1 = (
    ("Dhr.", "Łukasz Wójcik"), ("Dhr.", "Şükrü Öztürk"), ("Mevr.", "Zoë Nguyễn"),
    ("Mevr.", "Małgorzata Dąbrowska"), ("Dhr.", "Tomáš Dvořák"), ("Mevr.", "Ioana Bălănescu"),
    ("Dhr.", "Đorđe Petrović"), ("Mevr.", "Ewa Wiśniewska"),
    ("Mevr.", "Ayşe Yılmaz"),  # noqa: RUF001 - the Turkish dotless i is meant
    ("Dhr.", "Jiří Novák"), ("Dhr.", "Ştefan Popescu"), ("Mevr.", "Dorota Żak"),
    ("Mevr.", "Trần Thị Hương"), ("Dhr.", "Mārtiņš Bērziņš"),
)  # fmt: skip
_INITIALS = "ABCDEFGHIJKLMNPRSTW"


@dataclass
class _Exam:
    number: str
    exam_type: str
    day: date
    seats: int


@dataclass
class _Generator:
    rng: random.Random
    today: date
    reserved_exam_numbers: frozenset[str]
    open_exams: dict[tuple[str, str], _Exam] = field(default_factory=dict)
    exam_numbers: Iterator[int] = field(init=False)
    external_numbers: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.exam_numbers = iter(self.rng.sample(range(10_000, 100_000), 90_000))

    def exam(self, organisation_id: str, exam_type: str) -> _Exam:
        """An exam of this type at this organisation with a free seat; candidates fill it up."""
        exam = self.open_exams.get((organisation_id, exam_type))
        if exam is None or exam.seats == 0:
            number = f"EX{next(self.exam_numbers)}"
            while number in self.reserved_exam_numbers:
                number = f"EX{next(self.exam_numbers)}"
            day = self.today - timedelta(days=self.rng.randint(1, _EXAM_WINDOW_DAYS))
            exam = _Exam(number, exam_type, day, seats=self.rng.randint(4, 24))
            self.open_exams[(organisation_id, exam_type)] = exam
        exam.seats -= 1
        return exam

    def name(self, *, non_latin1: bool) -> str:
        rng = self.rng
        if non_latin1:
            salutation, full_name = rng.choice(_NON_LATIN1)
            return f"{salutation} {full_name}"
        male = rng.random() < 0.5
        salutation = "Dhr." if male else "Mevr."
        prefix, surname = rng.choice(_SURNAMES)
        surname = f"{prefix} {surname}" if prefix else surname
        style = rng.random()
        if style < 0.5:
            count = rng.choices((1, 2, 3), weights=(5, 4, 1))[0]
            given = "".join(f"{rng.choice(_INITIALS)}." for _ in range(count))
        elif style < 0.6:
            # Initials without dots, as the manual's "Dhr. TT Te Tester".
            given = "".join(rng.choice(_INITIALS) for _ in range(rng.randint(1, 2)))
        else:
            given = rng.choice(_MALE if male else _FEMALE)
        return f"{salutation} {given} {surname}"

    def birth_date(self) -> date:
        age_days = self.rng.randint(16 * 365, 70 * 365)
        return self.today - timedelta(days=age_days)

    def qualifications(self, organisation_id: str) -> tuple[Qualification, ...]:
        rng = self.rng
        profile = PROFILES.get(organisation_id, OTHER_PROFILE)
        count = rng.choices((1, 2, 3), weights=(65, 27, 8))[0]
        exam_types: list[str] = []
        while len(exam_types) < min(count, len(profile)):
            choice = rng.choices(list(profile), weights=list(profile.values()))[0]
            if choice not in exam_types:
                exam_types.append(choice)
        result: list[Qualification] = []
        for exam_type in exam_types:
            kind = EXAM_KINDS[exam_type]
            exam = self.exam(organisation_id, exam_type)
            expiry = add_years(exam.day, kind.years_valid)
            # Modules come from the diploma's exam and expire with it.
            awarded = [(kind.main, None)] + [
                (module, kind.main.code) for module, chance in kind.modules if rng.random() < chance
            ]
            result.extend(
                Qualification(
                    code=q.code,
                    name=q.name,
                    type=q.type,
                    exam_type=exam.exam_type,
                    exam_number=exam.number,
                    exam_date=exam.day,
                    expiry_date=expiry,
                    parent_code=parent,
                )
                for q, parent in awarded
            )
        return tuple(result)

    def external_number(self, organisation_id: str) -> str | None:
        """Each organisation numbers (some of) its holders its own way, uniquely."""
        rng = self.rng
        taken = self.external_numbers.setdefault(organisation_id, set())
        while True:
            if organisation_id == KEIRA_BHV:
                number = (
                    str(rng.randint(1_000_000_000, 9_999_999_999)) if rng.random() < 0.6 else None
                )
            elif organisation_id == EHBO_VERENIGING:
                number = f"EHBO-{rng.randint(1, 99_999):05d}" if rng.random() < 0.35 else None
            elif organisation_id == REDDINGSBRIGADE:
                number = f"RB{rng.randint(1, 999_999):06d}" if rng.random() < 0.75 else None
            else:
                number = str(rng.randint(10_000_000, 99_999_999)) if rng.random() < 0.5 else None
            if number is None or number not in taken:
                break
        if number is not None:
            taken.add(number)
        return number


def _organisations(extra: int) -> tuple[Organisation, ...]:
    others = []
    for index in range(extra):
        town = _TOWNS[index % len(_TOWNS)]
        round_ = index // len(_TOWNS)
        suffix = f" {round_ + 1}" if round_ else ""
        slug = f"{town.lower()}{f'-{round_ + 1}' if round_ else ''}"
        others.append(Organisation(f"ehbo-opleidingen-{slug}", f"EHBO Opleidingen {town}{suffix}"))
    return ORGANISATIONS + tuple(others)


def _spread(total: int, organisation_ids: Sequence[str]) -> list[str]:
    """`total` organisation ids, as evenly spread over the organisations as whole numbers allow."""
    share, rest = divmod(total, len(organisation_ids))
    return [
        organisation_id
        for index, organisation_id in enumerate(organisation_ids)
        for _ in range(share + (1 if index < rest else 0))
    ]


def generate(
    *,
    holders: int = 1200,
    seed: int = 2026,
    today: date,
    keira_holders: int | None = None,
    extra_organisations: int = 0,
) -> Dataset:
    """A demo dataset of `holders` holders, the manual's four among them at Keira BHV.

    Keira BHV gets exactly `keira_holders` holders (by default 45%, at least 400 when there are
    enough); the others are spread evenly over the other organisations, and some of all of them
    are registered at a second organisation other than Keira BHV.
    """
    manual = manual_holders(today)
    organisations = _organisations(extra_organisations)
    others = [o.id for o in organisations if o.id != KEIRA_BHV]
    if keira_holders is None:
        keira_holders = max(round(holders * 0.45), min(400, holders // 2))
    generated = holders - len(manual)
    # Keira BHV's own generated holders, and at least one (non-Latin-1) for every other one.
    if not len(manual) < keira_holders <= holders - len(others):
        raise ValueError(
            f"{holders} holders cannot give Keira BHV {keira_holders} holders and the "
            f"{len(others)} other organisations at least one each"
        )
    # Demo data must be the same on every run: a seeded generator, not a secret.
    rng = random.Random(seed)  # nosec B311
    reserved = frozenset(q.exam_number for h, _ in manual for q in h.qualifications)
    generator = _Generator(rng, today, reserved)

    primary = [KEIRA_BHV] * (keira_holders - len(manual)) + _spread(
        generated - (keira_holders - len(manual)), others
    )
    rng.shuffle(primary)
    manual_numbers = {h.qualification_number for h, _ in manual}
    numbers = [
        f"{n:08d}"
        for n in rng.sample(range(10_000_000, 100_000_000), generated + len(manual))
        if f"{n:08d}" not in manual_numbers
    ][:generated]

    all_holders: list[Holder] = [h for h, _ in manual]
    registrations = [Registration(KEIRA_BHV, h.qualification_number, x) for h, x in manual]
    generator.external_numbers[KEIRA_BHV] = {x for _, x in manual if x}
    started: set[str] = set()
    for number, organisation_id in zip(numbers, primary, strict=True):
        # Every organisation's first holder has a non-Latin-1 name, so each has at least one.
        non_latin1 = organisation_id not in started or rng.random() < _NON_LATIN1_SHARE
        started.add(organisation_id)
        holder = Holder(
            number,
            generator.name(non_latin1=non_latin1),
            generator.birth_date(),
            generator.qualifications(organisation_id),
        )
        all_holders.append(holder)
        registrations.append(
            Registration(organisation_id, number, generator.external_number(organisation_id))
        )
        if rng.random() < _SECOND_REGISTRATION:
            # Never Keira BHV, so that its count stays exactly as asked.
            second = rng.choice([o for o in others if o != organisation_id])
            registrations.append(Registration(second, number, generator.external_number(second)))

    exam_types = sorted(
        (kind.exam_type for kind in EXAM_KINDS.values()), key=lambda t: (t.name, t.code)
    )
    keira = {r.qualification_number for r in registrations if r.organisation_id == KEIRA_BHV}
    return Dataset(
        organisations=organisations,
        memberships=dict(DEMO_USERS),
        holders=tuple(_with_withdrawals(all_holders, keira - manual_numbers, today)),
        registrations=tuple(registrations),
        exam_types=tuple(exam_types),
    )


def _withdrawn(q: Qualification, today: date) -> Qualification:
    return replace(q, withdrawn_on=max(q.exam_date, today - timedelta(days=_WITHDRAWN_DAYS_AGO)))


def _with_withdrawals(holders: list[Holder], eligible: set[str], today: date) -> list[Holder]:
    """Withdraws (intrekt) two valid qualifications at Keira BHV, so the demo shows both cases:
    a holder whose only qualification is withdrawn (listed as Ingetrokken), and one who keeps
    a valid qualification beside the withdrawn one (Ingetrokken in the details only)."""
    # How many qualifications -> the holder chosen; two of separate exams (not a module).
    wanted: dict[int, int | None] = {1: None, 2: None}
    for index, holder in enumerate(holders):
        count = len(holder.qualifications)
        if (
            holder.qualification_number in eligible
            and count in wanted
            and wanted[count] is None
            and all(
                q.expiry_date is not None and q.expiry_date >= today and q.parent_code is None
                for q in holder.qualifications
            )
        ):
            wanted[count] = index
    result = list(holders)
    for chosen in wanted.values():
        if chosen is not None:
            holder = result[chosen]
            first, *rest = holder.qualifications
            result[chosen] = replace(holder, qualifications=(_withdrawn(first, today), *rest))
    return result


def benchmark_dataset(
    total: int = 100_000, big_org_holders: int = 10_000, *, seed: int = 2026, today: date
) -> Dataset:
    """`total` holders of which exactly `big_org_holders` are at Keira BHV.

    The rest go to enough extra organisations that each holds about half as many as Keira BHV, so
    that a measurement on Keira BHV is one on the largest organisation of a large table.
    """
    others = max(2, math.ceil((total - big_org_holders) / max(1, big_org_holders // 2)))
    return generate(
        holders=total,
        seed=seed,
        today=today,
        keira_holders=big_org_holders,
        extra_organisations=others - 2,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.ops.demo_data",
        description="Write the deterministic demo dataset as CSV files (or JSON, for a .json out).",
    )
    parser.add_argument("--holders", type=int, help="number of holders (default 1200)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date.today(),
        help="the day the dates are placed around (default: today), YYYY-MM-DD",
    )
    parser.add_argument(
        "--benchmark",
        action="store_true",
        help="benchmark set: 100,000 holders (or --holders), exactly 10,000 of them at Keira BHV",
    )
    parser.add_argument("--out", type=Path, help="a folder, or a .json file")
    demo_export.add_arguments(parser)
    arguments = parser.parse_args(argv)
    if (arguments.out is None) == (arguments.export is None):
        parser.error("give one of --out and --export")
    try:
        if arguments.benchmark:
            dataset = benchmark_dataset(
                total=arguments.holders or 100_000, seed=arguments.seed, today=arguments.today
            )
        else:
            dataset = generate(
                holders=arguments.holders or 1200, seed=arguments.seed, today=arguments.today
            )
        written = demo_export.write(dataset, arguments)
    except ValueError as error:
        parser.error(str(error))
    registrations = len(dataset.registrations)
    sys.stdout.write(
        f"Wrote {len(dataset.organisations)} organisations, {len(dataset.holders)} holders and "
        f"{registrations} registrations to {written}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
