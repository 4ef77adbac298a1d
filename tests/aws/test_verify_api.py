"""The public check of a pass: GET /verify/{code}, without sign-in, from the live registry."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters import clear_caches

from functions.verify.app import handler
from infra.ops.dataset import parse
from infra.ops.importer import load
from pasjes.dal import holders, registrations
from pasjes.domain import Holder, HolderStatus
from pasjes.logic import public_check
from pasjes.logic.verification import ALPHABET, VerificationKeys, code_for, new_secret
from pasjes.settings import get_settings
from tests.conftest import EVENTS, FUTURE, HOLDERS, PAST, FakeContext

SECRET_NAME = "pasjes/verification-keys"


@pytest.fixture
def verification_keys(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[VerificationKeys]:
    """The keys in moto's Secrets Manager, named to the functions as a deployment names them."""
    document = {"current": "a", "keys": {"a": new_secret()}}
    boto3.client("secretsmanager").create_secret(
        Name=SECRET_NAME, SecretString=json.dumps(document)
    )
    monkeypatch.setenv("VERIFICATION_SECRET_NAME", SECRET_NAME)
    monkeypatch.setenv("PUBLIC_ORIGIN", "http://127.0.0.1:3000")
    get_settings.cache_clear()
    clear_caches()
    yield VerificationKeys.from_json(document)
    clear_caches()


def verify_event(code: str, **query: str) -> dict[str, Any]:
    """GET /verify/{code} as API Gateway sends it: no Authorization, no authorizer claims."""
    event: dict[str, Any] = json.loads((EVENTS / "get-verify.json").read_text())
    event.update(
        path=f"/verify/{code}",
        pathParameters={"code": code},
        queryStringParameters=query or None,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} or None,
    )
    event["requestContext"]["path"] = f"/api/verify/{code}"
    return event


def verify(code: str, **query: str) -> tuple[int, Any, dict[str, str]]:
    response = handler(verify_event(code, **query), FakeContext())
    headers = dict(response.get("headers") or {})
    headers.update((k, ",".join(v)) for k, v in (response.get("multiValueHeaders") or {}).items())
    return response["statusCode"], json.loads(response["body"]), headers


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The holder reads the check makes, by qualification number."""
    seen: list[str] = []
    real = public_check._read_holder

    def counting(number: str) -> Holder | None:
        seen.append(number)
        return real(number)

    monkeypatch.setattr(public_check, "_read_holder", counting)
    return seen


def test_a_valid_qualification_is_geldig_with_only_what_a_verifier_needs(
    portal: None, verification_keys: VerificationKeys, reads: list[str]
) -> None:
    status, body, headers = verify(code_for(verification_keys, "99600953", "DEH"))

    assert status == 200
    checked_at = datetime.fromisoformat(body.pop("checkedAt"))
    assert abs(checked_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert body == {
        "status": "geldig",
        "qualification": {"name": "Diploma Eerste Hulp", "type": "Diploma"},
        "holderName": "Dhr. TEST de Tester",
        "examDate": "2024-07-28",
        "expiryDate": FUTURE.isoformat(),
    }
    assert headers["Cache-Control"] == "no-store"
    assert reads == ["99600953"]


def test_an_expired_qualification_is_verlopen(
    portal: None, verification_keys: VerificationKeys
) -> None:
    status, body, _ = verify(code_for(verification_keys, "12345678", "BHV"))

    assert (status, body["status"], body["expiryDate"]) == (200, "verlopen", PAST.isoformat())


def test_a_withdrawn_qualification_is_ingetrokken_whatever_its_expiry_date(
    portal: None, verification_keys: VerificationKeys
) -> None:
    holder = next(h for h in HOLDERS if h.qualification_number == "99731441")
    (deh,) = holder.qualifications
    holders.put_holders(
        [replace(holder, qualifications=(replace(deh, withdrawn_on=date(2025, 1, 2)),))]
    )

    status, body, _ = verify(code_for(verification_keys, "99731441", "DEH"))

    assert (status, body["status"], body["expiryDate"]) == (200, "ingetrokken", FUTURE.isoformat())


def test_the_answer_never_reveals_numbers_birth_date_contacts_or_other_qualifications(
    portal: None, verification_keys: VerificationKeys
) -> None:
    # Zoë Nguyễn: an external number at two organisations, a diploma with a module.
    status, body, _ = verify(code_for(verification_keys, "23456789", "EHK"))

    assert status == 200
    text = json.dumps(body, ensure_ascii=False)
    for secret in (
        "23456789", "1990-12-31", "31-12-1990", "A-17", "EX30003", "@",
        "Diploma Eerste Hulp", "DEH", "keira", "EHBO West",
    ):  # fmt: skip
        assert secret not in text
    assert body["qualification"] == {"name": "Eerste Hulp aan Kinderen", "type": "Certificaat"}


def tampered(code: str) -> str:
    last = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    return code[:-1] + last


def test_unknown_malformed_and_tampered_codes_get_one_and_the_same_404_after_one_read(
    portal: None, verification_keys: VerificationKeys, reads: list[str]
) -> None:
    real = code_for(verification_keys, "99600953", "DEH")
    unknown_holder = code_for(verification_keys, "11111111", "DEH")
    other_key = VerificationKeys(current="z", secrets={"z": bytes(range(32))})
    codes = [
        tampered(real),
        real[:-1],
        real + "0",
        unknown_holder,
        code_for(verification_keys, "99600953", "BHV"),
        code_for(other_key, "99600953", "DEH"),
        "0" * 23,
        "not-a-code",
        "%00",
        "x" * 300,
    ]

    answers = [verify(code) for code in codes]

    assert {status for status, _, _ in answers} == {404}
    assert [body for _, body, _ in answers] == [answers[0][1]] * len(codes)
    assert answers[0][1] == {"message": "No pass has this code.", "code": "code_not_found"}
    assert len(reads) == len(codes)


def test_codes_of_a_rotated_key_verify_while_that_key_is_listed(
    portal: None, verification_keys: VerificationKeys
) -> None:
    old_code = code_for(verification_keys, "99600953", "DEH")
    old_secret = base64.b64encode(verification_keys.secrets["a"]).decode()
    new = new_secret()
    rotated = {"current": "b", "keys": {"a": old_secret, "b": new}}
    secrets = boto3.client("secretsmanager")
    secrets.put_secret_value(SecretId=SECRET_NAME, SecretString=json.dumps(rotated))
    clear_caches()  # what KEYS_MAX_AGE_SECONDS does in a running container

    assert verify(old_code)[0] == 200
    new_code = code_for(VerificationKeys.from_json(rotated), "99600953", "DEH")
    assert verify(new_code)[0] == 200

    retired = {"current": "b", "keys": {"b": new}}
    secrets.put_secret_value(SecretId=SECRET_NAME, SecretString=json.dumps(retired))
    clear_caches()
    assert verify(old_code)[0] == 404
    assert verify(new_code)[0] == 200


def test_without_a_configured_secret_the_check_says_it_is_unavailable(
    portal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VERIFICATION_SECRET_NAME", raising=False)
    get_settings.cache_clear()

    status, body, _ = verify("a" * 23)

    assert (status, body["code"]) == (503, "verification_unavailable")


def test_an_unknown_query_parameter_is_refused_as_elsewhere(
    portal: None, verification_keys: VerificationKeys
) -> None:
    status, body, _ = verify(code_for(verification_keys, "99600953", "DEH"), debug="1")

    assert (status, body["code"]) == (400, "unknown_parameter")


QUALIFICATIONS = (
    "qualificationNumber,code,name,type,examType,examTypeName,examNumber,examDate,expiryDate,"
    "parentCode,withdrawnOn\n"
)


def import_folder(folder: Path, qualification_row: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "organisations": "id,name\nkeira-bhv,Keira BHV\n",
        "contacts": "email,organisationId\ncontact@keira-bhv.example,keira-bhv\n",
        "holders": "qualificationNumber,name,birthDate\n99600953,Dhr. TEST de Tester,1992-06-18\n",
        "qualifications": QUALIFICATIONS + qualification_row,
        "registrations": "organisationId,qualificationNumber,externalNumber\nkeira-bhv,99600953,\n",
    }
    for table, text in files.items():
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    load(parse(folder), resolve_sub=lambda email: "11111111-1111-4111-8111-111111111111")


def test_an_import_that_withdraws_or_renews_changes_the_answer_at_once(
    aws: None, verification_keys: VerificationKeys, tmp_path: Path
) -> None:
    deh = "99600953,DEH,Diploma Eerste Hulp,Diploma,EH,Eerste Hulp,EX45465,2024-03-18,"
    code = code_for(verification_keys, "99600953", "DEH")
    today = datetime.now(UTC).date()
    soon, later = today + timedelta(days=30), today + timedelta(days=800)

    import_folder(tmp_path / "1", f"{deh}{soon},,\n")
    assert verify(code)[1]["status"] == "geldig"

    import_folder(tmp_path / "2", f"{deh}{soon},,{today}\n")
    assert verify(code)[1]["status"] == "ingetrokken"
    (row,) = registrations.rows_of_organisation("keira-bhv")
    assert row.status(today=today) is HolderStatus.WITHDRAWN

    import_folder(tmp_path / "3", f"{deh}{later},,\n")
    status, body, _ = verify(code)
    assert (status, body["status"], body["expiryDate"]) == (200, "geldig", later.isoformat())
    (row,) = registrations.rows_of_organisation("keira-bhv")
    assert row.status(today=today) is HolderStatus.VALID


def _marked(headers: dict[str, str]) -> bool:
    return (
        headers.get("Cache-Control") == "no-store"
        and headers.get("X-Content-Type-Options") == "nosniff"
        and headers.get("X-Robots-Tag") == "noindex"
    )


def test_every_answer_of_the_check_errors_included_is_kept_by_no_cache(
    portal: None, verification_keys: VerificationKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = code_for(verification_keys, "99600953", "DEH")
    answers = {
        "200": verify(code),
        "400": verify(code, debug="1"),
        "404": verify("a" * 23),
    }
    monkeypatch.setattr(public_check, "_read_holder", lambda number: 1 / 0)
    answers["500"] = verify(code)
    monkeypatch.delenv("VERIFICATION_SECRET_NAME")
    get_settings.cache_clear()
    answers["503"] = verify(code)

    assert {status: answer[0] for status, answer in answers.items()} == {
        "200": 200,
        "400": 400,
        "404": 404,
        "500": 500,
        "503": 503,
    }
    assert [status for status, answer in answers.items() if not _marked(answer[2])] == []
