"""The demo's fixed part: its organisations and users, what each exam awards, and the manual's
four holders (see the users' manual, handleiding-digitale-pasjes.md), all at Keira BHV.

`infra.ops.demo_data` generates the other holders around them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from pasjes.domain import ExamType, Holder, Organisation, Qualification, QualificationType

KEIRA_BHV: Final = "keira-bhv"
EHBO_VERENIGING: Final = "ehbo-vereniging-sint-joris"
REDDINGSBRIGADE: Final = "reddingsbrigade-noordzee"
MANUAL_EXAM: Final = "EX45465"

DEMO_PASSWORD: Final = "Pasjes-demo-2026!"
# Email -> the organisations the contact person is contact of.
DEMO_USERS: Final[Mapping[str, tuple[str, ...]]] = {
    "contact@keira-bhv.example": (KEIRA_BHV, EHBO_VERENIGING),
    "collega@keira-bhv.example": (KEIRA_BHV,),
    "contact@reddingsbrigade.example": (REDDINGSBRIGADE,),
}

ORGANISATIONS: Final = (
    Organisation(KEIRA_BHV, "Keira BHV"),
    Organisation(EHBO_VERENIGING, "EHBO-vereniging Sint Joris"),
    Organisation(REDDINGSBRIGADE, "Reddingsbrigade Noordzee"),
)
# Which exams each organisation holds, with weights: every organisation is a little different.
PROFILES: Final[Mapping[str, Mapping[str, int]]] = {
    KEIRA_BHV: {"EH": 5, "BHV": 4, "LH": 2, "JEH": 1},
    EHBO_VERENIGING: {"EH": 5, "JEH": 2, "IEH": 1, "LH": 1},
    REDDINGSBRIGADE: {"EH": 3, "EHZ": 3, "LH": 2},
}
OTHER_PROFILE: Final = {"EH": 4, "BHV": 2, "JEH": 1, "LH": 1, "IEH": 1}

DIPLOMA = QualificationType.DIPLOMA
CERTIFICATE = QualificationType.CERTIFICATE


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    type: QualificationType


@dataclass(frozen=True)
class ExamKind:
    """What an exam of one exam type awards: a main qualification and, sometimes, modules."""

    exam_type: ExamType
    years_valid: int
    main: Kind
    modules: tuple[tuple[Kind, float], ...] = ()  # (module, chance a candidate takes it)


_DEH = Kind("DEH", "Diploma Eerste Hulp", DIPLOMA)
_EHK = Kind("EHK", "Eerste Hulp aan Kinderen", CERTIFICATE)
_IEH = Kind("IEH", "Instructeur Eerste Hulp", DIPLOMA)
_IEHW = Kind("IEHW", "Instructeur Eerste Hulp bij wandeltochten", CERTIFICATE)
_JEH = Kind("JEH", "Jeugd Eerste Hulp", DIPLOMA)
_LH = Kind("LH", "Levensreddend handelen", CERTIFICATE)

EXAM_KINDS: Final = {
    "EH": ExamKind(
        ExamType("EH", "Eerste Hulp"),
        2,
        _DEH,
        (
            (_EHK, 0.45),
            (Kind("REA", "Reanimatie en AED", CERTIFICATE), 0.35),
            (Kind("EHS", "Eerste Hulp bij Sportongevallen", CERTIFICATE), 0.15),
        ),
    ),
    "JEH": ExamKind(ExamType("JEH", "Jeugd Eerste Hulp"), 2, _JEH),
    "IEH": ExamKind(ExamType("IEH", "Instructeur Eerste Hulp"), 3, _IEH, ((_IEHW, 0.4),)),
    "LH": ExamKind(ExamType("LH", "Levensreddend handelen"), 2, _LH),
    "BHV": ExamKind(
        ExamType("BHV", "Bedrijfshulpverlening"),
        1,
        Kind("BHV", "Bedrijfshulpverlener", DIPLOMA),
        ((Kind("BHVO", "Ontruimingsoefening", CERTIFICATE), 0.3),),
    ),
    "EHZ": ExamKind(
        ExamType("EHZ", "Eerste Hulp bij Zwemongevallen"),
        2,
        Kind("EHZ", "Eerste Hulp bij Zwemongevallen", CERTIFICATE),
    ),
}


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def manual_holders(today: date) -> tuple[tuple[Holder, str | None], ...]:
    """The holders the manual shows, with its dates moved by whole years into the present.

    The manual's exams lie in 2017-2019 and its expiry dates in 2020-2021. Moving them all by the
    largest number of years that keeps the last exam in the past keeps every expiry in the future:
    the last exam (2019-03-18) and the first expiry (2020-10-01) lie more than a year apart.
    """
    last_exam = date(2019, 3, 18)
    shift = today.year - last_exam.year
    if add_years(last_exam, shift) > today:
        shift -= 1

    def q(
        kind: Kind,
        exam_type: str,
        exam_number: str,
        exam_date: date,
        expiry_date: date,
        parent: Kind | None = None,
    ) -> Qualification:
        return Qualification(
            code=kind.code,
            name=kind.name,
            type=kind.type,
            exam_type=exam_type,
            exam_number=exam_number,
            exam_date=add_years(exam_date, shift),
            expiry_date=add_years(expiry_date, shift),
            parent_code=parent.code if parent else None,
        )

    knightley_expiry = date(2020, 10, 1)
    knightley = Holder(
        "73029884",
        "Mevr. K.C. Knightley",
        date(2000, 1, 1),
        (
            # On its own here, as the manual lists it without the Diploma Eerste Hulp.
            q(_EHK, "EH", "EX31207", date(2017, 7, 28), knightley_expiry),
            q(_IEH, "IEH", "EX40433", date(2018, 8, 31), knightley_expiry),
            q(_IEHW, "IEH", "EX40710", date(2018, 9, 11), knightley_expiry, parent=_IEH),
            q(_JEH, "JEH", "EX39802", date(2018, 6, 12), knightley_expiry),
            q(_LH, "LH", "EX42177", date(2019, 1, 23), knightley_expiry),
        ),
    )

    def from_manual_exam(number: str, name: str, born: date, expiry: date, ehk: bool) -> Holder:
        qualifications = [q(_DEH, "EH", MANUAL_EXAM, last_exam, expiry)]
        if ehk:
            qualifications.append(q(_EHK, "EH", MANUAL_EXAM, last_exam, expiry, parent=_DEH))
        return Holder(number, name, born, tuple(qualifications))

    return (
        (knightley, "1122334455"),
        (
            from_manual_exam(
                "99731441", "Dhr. B van Test", date(2000, 4, 3), date(2021, 4, 1), ehk=False
            ),
            None,
        ),
        (
            from_manual_exam(
                "99600953", "Dhr. TEST de Tester", date(1992, 6, 18), date(2021, 4, 1), ehk=True
            ),
            None,
        ),
        (
            from_manual_exam(
                "99694102", "Dhr. TT Te Tester", date(2000, 1, 12), date(2021, 1, 21), ehk=True
            ),
            None,
        ),
    )
