"""Verification codes: short, deterministic, unforgeable, rotatable, and never an exception."""

from __future__ import annotations

import json
import string
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from pasjes.domain import Holder, HolderStatus, Qualification, QualificationType
from pasjes.logic.verification import (
    ALPHABET,
    CODE_LENGTH,
    InvalidKeys,
    VerificationKeys,
    check,
    code_for,
    code_matches,
    find_qualification,
    new_secret,
)

SECRET_A = bytes(range(32))
SECRET_B = bytes(range(100, 132))
KEYS = VerificationKeys(current="a", secrets={"a": SECRET_A})


def qualification(code: str) -> Qualification:
    return Qualification(
        code, code, QualificationType.DIPLOMA, "EH", "EX1", date(2024, 1, 1), date(2030, 1, 1)
    )


HOLDER = Holder(
    "99600953",
    "Dhr. TEST de Tester",
    date(1992, 6, 18),
    (qualification("DEH"), qualification("EHK")),
)


def find(keys: VerificationKeys, code: object, *holders: Holder) -> tuple[str | None, list[str]]:
    by_number = {h.qualification_number: h for h in holders}
    reads: list[str] = []

    def read_holder(number: str) -> Holder | None:
        reads.append(number)
        return by_number.get(number)

    found = find_qualification(keys, code, read_holder)
    return (found.qualification.code if found else None), reads


def test_a_code_is_short_url_safe_and_the_same_for_the_same_pass() -> None:
    code = code_for(KEYS, "99600953", "DEH")
    assert len(code) == CODE_LENGTH <= 24
    assert set(code) <= set(ALPHABET) <= set(string.ascii_lowercase + string.digits)
    assert code == code_for(KEYS, "99600953", "DEH")


def test_codes_differ_per_qualification_and_per_holder() -> None:
    codes = {
        code_for(KEYS, number, q) for number in ("99600953", "99600954") for q in ("DEH", "EHK")
    }
    assert len(codes) == 4


def test_a_code_does_not_spell_the_qualification_number() -> None:
    code = code_for(KEYS, "00000001", "DEH")
    assert "00000001" not in code
    assert code_for(KEYS, "00000002", "DEH")[1:6] != code[1:6]


def test_a_code_finds_its_qualification_with_one_read() -> None:
    assert find(KEYS, code_for(KEYS, "99600953", "EHK"), HOLDER) == ("EHK", ["99600953"])
    assert code_matches(KEYS, code_for(KEYS, "99600953", "DEH"), "99600953", "DEH")
    assert not code_matches(KEYS, code_for(KEYS, "99600953", "DEH"), "99600953", "EHK")


def test_a_typed_code_may_use_capitals_dashes_and_lookalike_letters() -> None:
    code = code_for(KEYS, "99600953", "DEH")
    typed = f" {code[:8].upper()}-{code[8:16]}-{code[16:]} ".replace("1", "l").replace("0", "O")
    assert find(KEYS, typed, HOLDER)[0] == "DEH"


@pytest.mark.parametrize(
    "separator", ["\u00a0", "\t", "\n", "\u2013", "\u2014", "\u2212", ".", " - "]
)
def test_a_pasted_code_may_have_any_space_or_dash_between_groups(separator: str) -> None:
    code = code_for(KEYS, "99600953", "DEH")
    typed = separator.join((code[:5], code[5:10], code[10:15], code[15:20], code[20:]))
    assert find(KEYS, typed.upper(), HOLDER)[0] == "DEH"


def test_full_width_characters_read_as_ascii() -> None:
    code = code_for(KEYS, "99600953", "DEH")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.upper())
    assert find(KEYS, full_width, HOLDER)[0] == "DEH"


def test_a_code_inside_other_text_is_still_unknown() -> None:
    code = code_for(KEYS, "99600953", "DEH")
    assert find(KEYS, f"code{code}", HOLDER)[0] is None
    assert find(KEYS, code + "0", HOLDER)[0] is None


def tampered(code: str, position: int) -> str:
    replacement = ALPHABET[(ALPHABET.index(code[position]) + 1) % len(ALPHABET)]
    return code[:position] + replacement + code[position + 1 :]


@pytest.mark.parametrize("position", range(1, CODE_LENGTH))
def test_a_tampered_code_is_unknown(position: int) -> None:
    code = code_for(KEYS, "99600953", "DEH")
    assert find(KEYS, tampered(code, position), HOLDER)[0] is None


def test_a_truncated_or_extended_code_is_unknown() -> None:
    code = code_for(KEYS, "99600953", "DEH")
    assert find(KEYS, code[:-1], HOLDER)[0] is None
    assert find(KEYS, code + "0", HOLDER)[0] is None


def test_a_code_of_another_qualification_of_the_holder_is_not_this_one() -> None:
    other = Holder("99600953", "Dhr. TEST de Tester", date(1992, 6, 18), (qualification("EHK"),))
    assert find(KEYS, code_for(KEYS, "99600953", "DEH"), other)[0] is None


def test_a_code_under_an_unknown_key_id_is_unknown() -> None:
    code = code_for(KEYS, "99600953", "DEH")
    assert find(KEYS, "b" + code[1:], HOLDER)[0] is None
    other = VerificationKeys(current="a", secrets={"a": SECRET_B})
    assert find(other, code, HOLDER)[0] is None


def test_after_rotation_old_codes_verify_while_the_old_key_is_listed() -> None:
    old_code = code_for(KEYS, "99600953", "DEH")
    rotated = VerificationKeys(current="b", secrets={"a": SECRET_A, "b": SECRET_B})
    new_code = code_for(rotated, "99600953", "DEH")
    assert new_code[0] == "b"
    assert new_code != old_code
    assert find(rotated, old_code, HOLDER)[0] == "DEH"
    assert find(rotated, new_code, HOLDER)[0] == "DEH"
    retired = VerificationKeys(current="b", secrets={"b": SECRET_B})
    assert find(retired, old_code, HOLDER)[0] is None
    assert find(retired, new_code, HOLDER)[0] == "DEH"


@pytest.mark.parametrize(
    "code",
    ["", "x", "0" * CODE_LENGTH, "!" * CODE_LENGTH, "é" * CODE_LENGTH, "a" * 10_000, None, 42],
)
def test_malformed_input_is_unknown_and_costs_the_same_one_read(code: object) -> None:
    found, reads = find(KEYS, code, HOLDER)
    assert found is None
    assert len(reads) == 1


def test_keys_read_from_their_json_and_never_show_a_secret() -> None:
    secret = new_secret()
    keys = VerificationKeys.from_json(json.dumps({"current": "k", "keys": {"k": secret}}))
    assert keys.current == "k"
    assert len(keys.secrets["k"]) == 32
    assert secret not in repr(keys)
    assert find(keys, code_for(keys, "99600953", "DEH"), HOLDER)[0] == "DEH"


def test_keys_may_stand_beside_current_as_cloudformation_generates_them() -> None:
    generated = ((string.ascii_letters + string.digits) * 2)[:64]

    keys = VerificationKeys.from_json(json.dumps({"current": "a", "a": generated}))

    assert keys.current == "a"
    assert len(keys.secrets["a"]) == 48


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        "{}",
        json.dumps({"current": "a", "keys": {"b": new_secret()}}),
        json.dumps({"current": "a", "keys": {"a": "c2hvcnQ="}}),
        json.dumps({"current": "ab", "keys": {"ab": new_secret()}}),
        json.dumps({"current": "a", "keys": {"a": "not base64!"}}),
    ],
    ids=["not json", "empty", "no current key", "short key", "long key id", "not base64"],
)
def test_keys_of_another_shape_are_refused(document: str) -> None:
    with pytest.raises(InvalidKeys):
        VerificationKeys.from_json(document)


NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expiry", "withdrawn_on", "status"),
    [
        (date(2030, 1, 1), None, HolderStatus.VALID),
        (date(2029, 12, 31), None, HolderStatus.EXPIRED),
        (date(2031, 1, 1), date(2029, 6, 1), HolderStatus.WITHDRAWN),
    ],
)
def test_the_verdict_is_the_qualifications_status_on_the_day_checked(
    expiry: date, withdrawn_on: date | None, status: HolderStatus
) -> None:
    q = replace(qualification("DEH"), expiry_date=expiry, withdrawn_on=withdrawn_on)
    holder = replace(HOLDER, qualifications=(q,))

    verdict = check(
        code_for(KEYS, "99600953", "DEH"), keys=KEYS, read_holder=lambda n: holder, now=NOW
    )

    assert verdict is not None
    assert (verdict.status, verdict.qualification, verdict.checked_at) == (status, q, NOW)


def test_a_qualification_expiring_on_the_months_last_day_is_expired_at_half_past_eleven_utc() -> (
    None
):
    # 23:30 UTC on 30 November is 00:30 on 1 December in Amsterdam: the day is over there.
    q = replace(qualification("DEH"), expiry_date=date(2026, 11, 30))
    holder = replace(HOLDER, qualifications=(q,))
    code = code_for(KEYS, "99600953", "DEH")

    def status_at(moment: datetime) -> HolderStatus:
        verdict = check(code, keys=KEYS, read_holder=lambda n: holder, now=moment)
        assert verdict is not None
        return verdict.status

    assert status_at(datetime(2026, 11, 30, 22, 30, tzinfo=UTC)) is HolderStatus.VALID
    assert status_at(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) is HolderStatus.EXPIRED


def test_no_verdict_for_an_unknown_code() -> None:
    assert check("nonsense", keys=KEYS, read_holder=lambda n: HOLDER, now=NOW) is None
