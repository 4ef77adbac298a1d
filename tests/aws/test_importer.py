"""The import command: a dataset lands in the tables whole, or not at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import boto3
import pytest

from infra.local.provision import create_verified_user
from infra.ops.dataset import Dataset, DatasetError, write_folder
from infra.ops.demo_data import DEMO_USERS, KEIRA_BHV, generate
from infra.ops.importer import UnknownContact, load, main
from pasjes.api_models.selections import SubmitRequestBody
from pasjes.dal.contacts import organisations_of
from pasjes.dal.holders import get_holder
from pasjes.dal.organisations import get_organisation
from pasjes.dal.pass_requests import get_request
from pasjes.dal.registrations import rows_of_exam, rows_of_organisation
from pasjes.domain import QualificationType
from pasjes.logic.submit import submit_idempotently
from pasjes.settings import get_settings
from tests.conftest import REGION

TODAY = date(2026, 5, 1)


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return generate(holders=120, today=TODAY)


def sub_of(email: str) -> str:
    return f"sub-of-{email}"


def user_pool(emails: list[str]) -> tuple[str, dict[str, str]]:
    """A Cognito user pool with a user per email; returns its id and each email's sub."""
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_id = cognito.create_user_pool(
        PoolName="pasjes",
        Schema=[{"Name": "managed", "AttributeDataType": "String", "Mutable": False}],
    )["UserPool"]["Id"]
    subs = {email: create_verified_user(cognito, pool_id, email) for email in emails}
    return pool_id, subs


def nothing_loaded(dataset: Dataset) -> bool:
    return (
        all(get_organisation(o.id) is None for o in dataset.organisations)
        and all(rows_of_organisation(o.id) == [] for o in dataset.organisations)
        and get_holder(dataset.holders[0].qualification_number) is None
    )


def test_a_loaded_demo_answers_the_searches_of_the_manual(aws: None, demo: Dataset) -> None:
    report = load(demo, resolve_sub=sub_of)

    assert report.holders == len(demo.holders)
    assert report.registrations == len(demo.registrations)
    assert report.memberships == 4
    exam = rows_of_exam(KEIRA_BHV, "EX45465")
    assert sorted(r.qualification_number for r in exam) == ["99600953", "99694102", "99731441"]
    knightley = next(r for r in rows_of_organisation(KEIRA_BHV) if r.name == "Mevr. K.C. Knightley")
    assert knightley.external_number == "1122334455"
    assert knightley.name_key == "k.c. knightley"
    keira_count = sum(1 for r in demo.registrations if r.organisation_id == KEIRA_BHV)
    assert len(rows_of_organisation(KEIRA_BHV)) == keira_count

    tester = get_holder("99600953")
    assert tester is not None
    assert {(q.code, q.type, q.parent_code) for q in tester.qualifications} == {
        ("DEH", QualificationType.DIPLOMA, None),
        ("EHK", QualificationType.CERTIFICATE, "DEH"),
    }
    keira = get_organisation(KEIRA_BHV)
    assert keira is not None
    assert "EH" in {t.code for t in keira.exam_types}

    for email, organisation_ids in DEMO_USERS.items():
        assert {o.id for o in organisations_of(sub_of(email))} == set(organisation_ids)


def test_an_email_without_a_user_loads_nothing(aws: None, demo: Dataset) -> None:
    def resolve(email: str) -> str:
        if email == "collega@keira-bhv.example":
            raise UnknownContact("no user has this email")
        return sub_of(email)

    with pytest.raises(DatasetError) as raised:
        load(demo, resolve_sub=resolve)

    assert raised.value.errors == [
        "contacts: collega@keira-bhv.example: no user has this email",
    ]
    assert nothing_loaded(demo)


def test_the_command_resolves_contact_persons_through_cognito(
    aws: None, demo: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_folder(demo, tmp_path)
    pool_id, subs = user_pool(list(DEMO_USERS))

    assert main([str(tmp_path), "--user-pool-id", pool_id, "--region", REGION]) == 0

    assert '"outcome": "loaded"' in capsys.readouterr().out
    for email, organisation_ids in DEMO_USERS.items():
        assert [o.id for o in organisations_of(subs[email])] == sorted(
            organisation_ids, key=lambda i: next(o.name for o in demo.organisations if o.id == i)
        )


def test_the_command_invites_a_contact_person_who_has_no_user(
    aws: None, demo: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_folder(demo, tmp_path)
    pool_id, _ = user_pool(["contact@keira-bhv.example"])

    assert main([str(tmp_path), "--user-pool-id", pool_id]) == 0

    out = capsys.readouterr().out
    assert '"contactPersonsInvited": 2' in out
    assert "invited collega@keira-bhv.example (Keira BHV)" in out
    cognito = boto3.client("cognito-idp", region_name=REGION)
    user = cognito.admin_get_user(UserPoolId=pool_id, Username="collega@keira-bhv.example")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    assert attributes["custom:managed"] == "import"
    assert [o.id for o in organisations_of(attributes["sub"])] == [KEIRA_BHV]


def test_the_command_reports_a_bad_line_and_loads_nothing(
    aws: None, demo: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_folder(demo, tmp_path)
    holders_csv = tmp_path / "holders.csv"
    lines = holders_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    number = lines[2].split(",")[0]
    lines[2] = f"{number},Dhr. J. de Vries,01-02-1990,,,\n"
    holders_csv.write_text("".join(lines), encoding="utf-8")
    pool_id, _ = user_pool(list(DEMO_USERS))

    assert main([str(tmp_path), "--user-pool-id", pool_id]) == 1

    err = capsys.readouterr().err
    assert "holders.csv:3: birthDate is not a date written YYYY-MM-DD" in err
    assert "nothing was loaded" in err
    assert nothing_loaded(demo)


def test_a_contact_person_left_out_of_a_new_import_loses_access(aws: None, demo: Dataset) -> None:
    load(demo, resolve_sub=sub_of)
    colleague = sub_of("collega@keira-bhv.example")
    assert [o.id for o in organisations_of(colleague)] == [KEIRA_BHV]
    without = {e: o for e, o in demo.memberships.items() if e != "collega@keira-bhv.example"}
    load(replace(demo, memberships=without), resolve_sub=sub_of)
    assert organisations_of(colleague) == []
    assert KEIRA_BHV in [o.id for o in organisations_of(sub_of("contact@keira-bhv.example"))]


def test_a_removed_contact_persons_requests_and_zips_of_that_organisation_are_deleted(
    aws: None, demo: Dataset
) -> None:
    load(demo, resolve_sub=sub_of)
    colleague, contact = sub_of("collega@keira-bhv.example"), sub_of("contact@keira-bhv.example")
    keira = next(o for o in organisations_of(colleague) if o.id == KEIRA_BHV)
    numbers = [r.qualification_number for r in rows_of_organisation(KEIRA_BHV)[:2]]
    theirs = submit_idempotently(
        owner_sub=colleague,
        body=SubmitRequestBody(organisation=keira.id, qualificationNumbers=numbers),
        key=None,
    )
    others = submit_idempotently(
        owner_sub=contact,
        body=SubmitRequestBody(organisation=keira.id, qualificationNumbers=numbers),
        key=None,
    )
    s3 = boto3.client("s3")
    bucket = get_settings().passes_bucket
    for request_id in (theirs.id, others.id):
        s3.put_object(Bucket=bucket, Key=f"requests/{request_id}.zip", Body=b"PK")

    without = {e: o for e, o in demo.memberships.items() if e != "collega@keira-bhv.example"}
    report = load(replace(demo, memberships=without), resolve_sub=sub_of)

    assert report.revoked_requests == 1
    assert get_request(theirs.id) is None
    assert get_request(others.id) is not None
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [f"requests/{others.id}.zip"]


@pytest.mark.parametrize("problem", ["unverified", "disabled"])
def test_only_enabled_users_with_a_verified_email_become_contact_persons_the_rest_loads(
    aws: None, demo: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str], problem: str
) -> None:
    write_folder(demo, tmp_path)
    pool_id, _ = user_pool(list(DEMO_USERS))
    cognito = boto3.client("cognito-idp", region_name=REGION)
    if problem == "unverified":
        cognito.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="collega@keira-bhv.example",
            UserAttributes=[{"Name": "email_verified", "Value": "false"}],
        )
    else:
        cognito.admin_disable_user(UserPoolId=pool_id, Username="collega@keira-bhv.example")

    assert main([str(tmp_path), "--user-pool-id", pool_id]) == 0

    expected = {
        "unverified": "the user's email is not verified",
        "disabled": "the user is disabled",
    }
    lines = (tmp_path / "contacts.csv").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "collega@keira-bhv.example" in text)
    err = capsys.readouterr().err
    assert f"contacts.csv:{line}: not made contact person: {expected[problem]}" in err
    assert "collega@" not in err
    # Everything else is loaded; that user is no contact person.
    assert not nothing_loaded(demo)
    sub = cognito.admin_get_user(UserPoolId=pool_id, Username="collega@keira-bhv.example")
    attributes = {a["Name"]: a["Value"] for a in sub["UserAttributes"]}
    assert organisations_of(attributes["sub"]) == []
