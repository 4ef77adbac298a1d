"""The registry's import on moto (tables, Cognito, the passes bucket), without the function's
handler: bad files, dry runs, the guard, the order of exports, duplicates, and contact persons
invited, disabled and enabled again."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.ops.dataset import export_bytes
from pasjes.dal import imports, registrations
from pasjes.dal.contacts import organisations_of
from pasjes.dal.holders import get_holder
from pasjes.dal.organisations import get_organisation
from pasjes.dal.registrations import RegistrationModel, rows_of_organisation
from pasjes.domain import Holder, Organisation, Qualification, QualificationType, Registration
from pasjes.importing import (
    CognitoDirectory,
    Dataset,
    ImportBusy,
    ImportReport,
    Manifest,
    import_export,
)
from tests.aws.test_audit import Trail, trail
from tests.conftest import REGION

__all__ = ["trail"]  # a fixture, used by name

KEIRA = Organisation("keira-bhv", "Keira BHV")
JORIS = Organisation("sint-joris", "EHBO-vereniging Sint Joris")
T0 = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)


def holder(number: int, *, name: str | None = None, withdrawn: date | None = None) -> Holder:
    return Holder(
        qualification_number=f"{number:08d}",
        name=name or f"Dhr. A. Houder {number}",
        birth_date=date(1980, 1, 1) + timedelta(days=number % 5000),
        qualifications=(
            Qualification(
                code="BHV",
                name="Bedrijfshulpverlener",
                type=QualificationType.DIPLOMA,
                exam_type="BHV",
                exam_number=f"EX{number % 7:05d}",
                exam_date=date(2025, 3, 1),
                expiry_date=date(2027, 3, 1),
                withdrawn_on=withdrawn,
            ),
        ),
    )


def dataset(
    keira: int = 60,
    joris: int = 10,
    *,
    contacts: Mapping[str, tuple[str, ...]] | None = None,
    changed: dict[int, Holder] | None = None,
) -> Dataset:
    """Keira BHV with holders 1..keira, Sint Joris with holders 1001..1000+joris."""
    numbers = {KEIRA.id: range(1, keira + 1), JORIS.id: range(1001, 1001 + joris)}
    people = {n: holder(n) for ns in numbers.values() for n in ns}
    people.update(changed or {})
    return Dataset(
        organisations=(KEIRA, JORIS),
        memberships=contacts
        if contacts is not None
        else {"contact@keira.example": (KEIRA.id,), "joris@example.org": (JORIS.id,)},
        holders=tuple(people.values()),
        registrations=tuple(
            Registration(o, f"{n:08d}", None) for o, ns in numbers.items() for n in ns
        ),
    )


def export(
    data: Dataset,
    export_id: str,
    at: datetime = T0,
    *,
    scope: str = "full",
    organisations: tuple[str, ...] = (),
    allow_large_removal: bool = False,
) -> bytes:
    manifest = Manifest(
        export_id=export_id,
        exported_at=at,
        scope="full" if scope == "full" else "partial",
        organisations=organisations,
        allow_large_removal=allow_large_removal,
    )
    return export_bytes(data, manifest)


def rezipped(payload: bytes, name: str, old: str, new: str) -> bytes:
    """The export with `old` replaced by `new` in one of its files."""
    source = zipfile.ZipFile(io.BytesIO(payload))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(
                info.filename,
                data.replace(old.encode(), new.encode()) if info.filename == name else data,
            )
    return buffer.getvalue()


@pytest.fixture
def pool(aws: None) -> str:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    return cognito.create_user_pool(
        PoolName="pasjes",
        UsernameAttributes=["email"],
        Schema=[{"Name": "managed", "AttributeDataType": "String", "Mutable": False}],
    )["UserPool"]["Id"]


@pytest.fixture
def run(pool: str) -> Callable[..., ImportReport]:
    directory = CognitoDirectory(pool, client=boto3.client("cognito-idp", region_name=REGION))

    def run(payload: bytes, **kwargs: Any) -> ImportReport:
        return import_export(payload, directory=directory, **kwargs)

    return run


def cognito_user(pool: str, email: str) -> dict[str, Any]:
    user = boto3.client("cognito-idp", region_name=REGION).admin_get_user(
        UserPoolId=pool, Username=email
    )
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    return {"enabled": user["Enabled"], **attributes}


def version_of(organisation_id: str) -> str | None:
    return RegistrationModel.get(organisation_id, "V#", consistent_read=True).version


def test_a_first_export_loads_everything_and_invites_its_contact_persons(
    run: Callable[..., ImportReport], pool: str
) -> None:
    report = run(export(dataset(), "e1"))

    assert report.outcome == "loaded"
    counts = report.counts
    assert (counts["holdersAdded"], counts["registrationsAdded"]) == (70, 70)
    assert (counts["organisationsAdded"], counts["membershipsAdded"]) == (2, 2)
    assert counts["contactPersonsInvited"] == 2
    assert len(rows_of_organisation(KEIRA.id)) == 60
    user = cognito_user(pool, "contact@keira.example")
    assert (user["email_verified"], user["custom:managed"]) == ("true", "import")
    assert [o.id for o in organisations_of(user["sub"])] == [KEIRA.id]
    invitation = next(i for i in report.invitations if i.email == "contact@keira.example")
    assert invitation.organisations == ("Keira BHV",)
    assert len(invitation.temporary_password) >= 12
    document = report.as_json()
    assert set(document) == {
        "outcome",
        "exportId",
        "exportedAt",
        "counts",
        "itemsWritten",
        "errors",
        "durationMs",
    }
    assert (document["exportId"], document["exportedAt"]) == ("e1", "2026-05-01T06:00:00Z")
    assert "temporary" not in str(document)
    assert "Houder" not in str(document)


def test_a_bad_row_loads_nothing_and_says_where(run: Callable[..., ImportReport]) -> None:
    payload = rezipped(export(dataset(), "e1"), "holders.csv", "1980-01-02", "02-01-1980")

    report = run(payload)

    assert report.outcome == "failed"
    assert "holders.csv:2: birthDate is not a date written YYYY-MM-DD" in report.errors
    assert get_organisation(KEIRA.id) is None
    assert get_holder("00000001") is None
    assert imports.last_loaded().export_id is None


def test_an_export_without_a_manifest_fails(run: Callable[..., ImportReport]) -> None:
    report = run(b'{"organisations": []}')

    assert report.outcome == "failed"
    assert report.errors == ("export.json: no manifest (an object under the key 'manifest')",)


def test_a_dry_run_writes_nothing_and_counts_what_an_import_would_do(
    run: Callable[..., ImportReport], pool: str
) -> None:
    run(export(dataset(), "e1"))
    changed = dataset(
        keira=62, contacts={"contact@keira.example": (KEIRA.id,), "new@keira.example": (KEIRA.id,)}
    )

    payload = export(changed, "e2", T0 + timedelta(days=1), allow_large_removal=True)

    dry = run(payload, dry_run=True)

    assert (dry.outcome, dry.items_written) == ("dry-run", 0)
    assert len(rows_of_organisation(KEIRA.id)) == 60
    assert imports.last_loaded().export_id == "e1"
    with pytest.raises(Exception, match="User does not exist"):
        cognito_user(pool, "new@keira.example")
    assert cognito_user(pool, "joris@example.org")["enabled"] is True
    real = run(payload)
    assert real.outcome == "loaded"
    assert dry.counts == real.counts
    assert real.counts["contactPersonsInvited"] == 1
    assert real.counts["contactPersonsDisabled"] == 1  # joris@ left Sint Joris


def test_the_same_export_twice_writes_nothing_the_second_time(
    run: Callable[..., ImportReport],
) -> None:
    payload = export(dataset(), "e1")
    first = run(payload)

    again = run(payload)
    same_content = run(export(dataset(), "e2", T0 + timedelta(days=1)))

    assert first.items_written > 140
    assert (again.outcome, again.items_written) == ("unchanged", 0)
    assert (same_content.outcome, same_content.items_written) == ("unchanged", 0)
    assert imports.last_loaded().export_id == "e2"


def test_an_export_older_than_the_last_loaded_is_refused(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e2", T0))

    report = run(export(dataset(keira=61), "e1", T0 - timedelta(hours=1)))

    assert report.outcome == "refused"
    assert "before the last one loaded (e2" in report.errors[0]
    assert len(rows_of_organisation(KEIRA.id)) == 60


def test_an_import_while_another_runs_waits(run: Callable[..., ImportReport]) -> None:
    run(export(dataset(), "e1"))
    imports.claim("other", None, datetime.now(UTC), lock_minutes=20)

    with pytest.raises(ImportBusy):
        run(export(dataset(keira=61), "e2", T0 + timedelta(days=1)))
    assert len(rows_of_organisation(KEIRA.id)) == 60

    imports.release("other")
    assert run(export(dataset(keira=61), "e2", T0 + timedelta(days=1))).outcome == "loaded"


def test_one_changed_holder_rewrites_only_that_holder_and_its_organisations_list(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e1"))
    joris_version = version_of(JORIS.id)
    keira_version = version_of(KEIRA.id)
    renamed = holder(7, name="Mevr. B. Nieuwenaam", withdrawn=date(2026, 4, 1))

    report = run(export(dataset(changed={7: renamed}), "e2", T0 + timedelta(days=1)))

    assert report.outcome == "loaded"
    counts = {k: v for k, v in report.counts.items() if v}
    assert counts == {
        "organisationsChanged": 1,
        "holdersChanged": 1,
        "qualificationsWithdrawn": 1,
        "registrationsChanged": 1,
    }
    # The holder, its H# item, its exam's chunk, the list's chunk and version, the organisation
    # (its digest) and the holders' hash bucket.
    assert report.items_written <= 8
    assert version_of(JORIS.id) == joris_version  # warm containers keep Sint Joris's list
    assert version_of(KEIRA.id) != keira_version
    stored = get_holder("00000007")
    assert stored is not None
    assert stored.name == "Mevr. B. Nieuwenaam"
    row = next(r for r in rows_of_organisation(KEIRA.id) if r.qualification_number == "00000007")
    assert row.withdrawn


def test_a_truncated_export_is_refused_unless_its_manifest_allows_it(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e1"))

    truncated = run(export(dataset(keira=40), "e2", T0 + timedelta(days=1)))

    assert truncated.outcome == "refused"
    assert any("20 of the 70 holders loaded" in e for e in truncated.errors)
    assert any("holders of organisation keira-bhv" in e for e in truncated.errors)
    assert len(rows_of_organisation(KEIRA.id)) == 60
    allowed = run(export(dataset(keira=40), "e2", T0 + timedelta(days=1), allow_large_removal=True))
    assert allowed.outcome == "loaded"
    assert (allowed.counts["holdersRemoved"], allowed.counts["registrationsRemoved"]) == (20, 20)
    assert len(rows_of_organisation(KEIRA.id)) == 40
    assert get_holder("00000041") is None


def test_a_partial_export_changes_only_the_organisations_it_lists(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e1"))
    keira_version = version_of(KEIRA.id)
    only_joris = Dataset(
        organisations=(JORIS,),
        memberships={"joris@example.org": (JORIS.id,)},
        holders=tuple(holder(n) for n in range(1001, 1013)),
        registrations=tuple(Registration(JORIS.id, f"{n:08d}") for n in range(1001, 1013)),
    )

    report = run(
        export(only_joris, "p1", T0 + timedelta(days=1), scope="partial", organisations=(JORIS.id,))
    )

    assert report.outcome == "loaded"
    assert (report.counts["holdersAdded"], report.counts["holdersRemoved"]) == (2, 0)
    assert len(rows_of_organisation(JORIS.id)) == 12
    assert version_of(KEIRA.id) == keira_version
    assert report.counts["contactPersonsDisabled"] == 0


def test_a_partial_export_must_list_exactly_its_organisations(
    run: Callable[..., ImportReport],
) -> None:
    report = run(export(dataset(), "p1", scope="partial", organisations=(JORIS.id,)))

    assert report.outcome == "failed"
    assert report.errors == (
        "organisations.csv: organisation 'keira-bhv' is not listed in the manifest's organisations",
    )


def test_a_contact_person_of_no_organisation_is_disabled_and_enabled_when_back(
    run: Callable[..., ImportReport], pool: str
) -> None:
    run(export(dataset(), "e1"))
    sub = cognito_user(pool, "joris@example.org")["sub"]
    without = dataset(contacts={"contact@keira.example": (KEIRA.id,)})

    gone = run(export(without, "e2", T0 + timedelta(days=1), allow_large_removal=True))

    assert (gone.counts["contactPersonsDisabled"], gone.counts["membershipsEnded"]) == (1, 1)
    assert cognito_user(pool, "joris@example.org")["enabled"] is False
    assert organisations_of(sub) == []
    back = run(export(dataset(), "e3", T0 + timedelta(days=2)))
    assert (back.counts["contactPersonsReenabled"], back.counts["membershipsAdded"]) == (1, 1)
    assert cognito_user(pool, "joris@example.org")["enabled"] is True
    assert [o.id for o in organisations_of(sub)] == [JORIS.id]


def test_users_the_import_did_not_create_are_never_disabled(
    run: Callable[..., ImportReport], pool: str
) -> None:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    cognito.admin_create_user(
        UserPoolId=pool,
        Username="operator@portal.example",
        UserAttributes=[
            {"Name": "email", "Value": "operator@portal.example"},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    contacts = {"Operator@Portal.example": (JORIS.id,), "contact@keira.example": (KEIRA.id,)}

    first = run(export(dataset(contacts=contacts), "e1"))
    second = run(
        export(dataset(contacts={}), "e2", T0 + timedelta(days=1), allow_large_removal=True)
    )

    assert first.counts["contactPersonsInvited"] == 1  # the email matched whatever its case
    assert second.counts["contactPersonsDisabled"] == 1  # contact@keira, not the operator
    assert cognito_user(pool, "operator@portal.example")["enabled"] is True
    assert cognito_user(pool, "contact@keira.example")["enabled"] is False


def test_an_organisation_left_out_of_a_full_export_is_removed(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e1"))
    without_joris = replace(
        dataset(joris=0, contacts={"contact@keira.example": (KEIRA.id,)}), organisations=(KEIRA,)
    )

    report = run(export(without_joris, "e2", T0 + timedelta(days=1), allow_large_removal=True))

    assert report.counts["organisationsRemoved"] == 1
    assert get_organisation(JORIS.id) is None
    assert rows_of_organisation(JORIS.id) == []
    assert RegistrationModel.count(JORIS.id) == 0


def test_a_search_during_an_import_sees_the_old_list_or_the_new_never_a_mix(
    run: Callable[..., ImportReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 100 rows: the 1,000 holders' list spans ten chunks, as 10,000 do at 1,000 each.
    monkeypatch.setattr(registrations, "CHUNK_ROWS", 100)
    run(export(dataset(keira=1000, joris=0), "e1"))
    old = {r.qualification_number: r.name for r in rows_of_organisation(KEIRA.id)}
    renamed = {n: holder(n, name=f"Mevr. C. Anders {n}") for n in range(1, 1001)}
    seen: list[dict[str, str]] = []

    def search(**_: Any) -> None:
        registrations.forget_cached_lists()
        seen.append({r.qualification_number: r.name for r in rows_of_organisation(KEIRA.id)})

    client = RegistrationModel._get_connection().connection.client
    client.meta.events.register("after-call.dynamodb.BatchWriteItem", search)
    client.meta.events.register("after-call.dynamodb.PutItem", search)
    try:
        report = run(export(dataset(keira=1000, joris=0, changed=renamed), "e2", T0 + timedelta(1)))
    finally:
        client.meta.events.unregister("after-call.dynamodb.BatchWriteItem", search)
        client.meta.events.unregister("after-call.dynamodb.PutItem", search)

    new = {r.qualification_number: r.name for r in rows_of_organisation(KEIRA.id)}
    assert report.outcome == "loaded"
    assert new != old
    assert len(seen) > 10
    assert all(list_seen in (old, new) for list_seen in seen)
    assert old in seen
    assert new in seen


def test_every_import_leaves_one_audit_event_with_its_counts_and_no_names(
    run: Callable[..., ImportReport], trail: Trail
) -> None:
    run(export(dataset(), "e1"))
    run(export(dataset(keira=40), "e2", T0 + timedelta(days=1)))

    events = trail("import_finished")

    assert [(e["export_id"], e["outcome"]) for e in events] == [("e1", "loaded"), ("e2", "refused")]
    assert events[0]["counts"]["holdersAdded"] == 70
    assert events[0]["items_written"] > 0
    assert "Houder" not in json.dumps(events)
    assert "contact@keira" not in json.dumps(events)


def test_a_report_of_bad_rows_holds_no_birth_date_name_or_email(
    run: Callable[..., ImportReport],
) -> None:
    payload = export(dataset(), "e1")
    payload = rezipped(payload, "holders.csv", "1980-01-02", "02-01-1980")
    payload = rezipped(payload, "holders.csv", "Dhr. A. Houder 3,", "Dhr. A. Hou\u202eder,")
    payload = rezipped(payload, "contacts.csv", "joris@example.org", "joris at example.org")

    report = run(payload)

    assert report.outcome == "failed"
    assert {
        "contacts.csv:3: email does not look like an email address",
        "holders.csv:2: birthDate is not a date written YYYY-MM-DD",
        "holders.csv:4: name contains control or invisible characters (U+202E)",
    } <= set(report.errors)
    document = json.dumps(report.as_json())
    for value in ("02-01-1980", "Hou", "joris at"):
        assert value not in document


class Refusing(CognitoDirectory):
    """The pool, refusing to create joris@ with `code` (LimitExceededException: Cognito's
    daily mail quota; InvalidParameterException: an address it does not take)."""

    code = "LimitExceededException"

    def _create(self, email: str, password: str, organisations: Sequence[str]) -> Any:
        if email.startswith("joris"):
            error = {"Error": {"Code": self.code, "Message": f"Cannot send to {email}"}}
            raise ClientError(error, "AdminCreateUser")  # type: ignore[arg-type]
        return super()._create(email, password, organisations)


def test_a_refused_invitation_leaves_that_contact_person_out_and_the_next_export_retries(
    run: Callable[..., ImportReport], pool: str
) -> None:
    refusing = Refusing(pool, client=boto3.client("cognito-idp", region_name=REGION))
    payload = export(dataset(), "e1")

    report = import_export(payload, directory=refusing)

    assert report.outcome == "loaded"
    assert report.errors == ("contacts.csv:3: invitation refused (LimitExceededException)",)
    assert "joris@" not in json.dumps(report.as_json())
    assert report.counts["contactPersonsInvited"] == 1
    assert report.counts["contactPersonsLeftOut"] == 1
    assert report.counts["membershipsAdded"] == 1
    assert len(rows_of_organisation(JORIS.id)) == 10
    assert organisations_of(cognito_user(pool, "contact@keira.example")["sub"]) != []
    assert run(payload).outcome == "unchanged"  # delivered again
    other = run(export(dataset(keira=61), "e1", T0 + timedelta(minutes=1)))
    assert other.outcome == "refused"
    # The same files again, under the next id: read again, and joris is invited this time.
    again = run(rezipped(payload, "manifest.json", '"e1"', '"e2"'))
    assert again.outcome == "loaded"
    assert again.errors == ()
    assert again.counts["contactPersonsInvited"] == 1
    assert again.counts["membershipsAdded"] == 1
    assert again.counts["holdersAdded"] == 0
    assert organisations_of(cognito_user(pool, "joris@example.org")["sub"]) != []
    third = run(export(dataset(), "e3", T0 + timedelta(hours=1)))
    assert third.outcome == "unchanged"


class OverQuota(CognitoDirectory):
    """The pool past its daily mail quota: it refuses every invitation."""

    asked = 0

    def _create(self, email: str, password: str, organisations: Sequence[str]) -> Any:
        self.asked += 1
        error = {"Error": {"Code": "LimitExceededException", "Message": "quota"}}
        raise ClientError(error, "AdminCreateUser")  # type: ignore[arg-type]


def test_past_the_mail_quota_the_pool_is_not_asked_again_and_everyone_else_loads(
    pool: str,
) -> None:
    over = OverQuota(pool, client=boto3.client("cognito-idp", region_name=REGION))
    contacts = {f"c{n}@keira.example": (KEIRA.id, JORIS.id) for n in range(3)}

    report = import_export(export(dataset(contacts=contacts), "e1"), directory=over)

    assert over.asked == 1
    assert report.outcome == "loaded"
    assert report.errors == tuple(
        f"contacts.csv:{line}: invitation refused (LimitExceededException)" for line in (2, 4, 6)
    )
    assert report.counts["contactPersonsLeftOut"] == 3
    assert (report.counts["contactPersonsInvited"], report.counts["membershipsAdded"]) == (0, 0)
    assert report.counts["holdersAdded"] == 70


def test_an_export_id_loaded_already_with_other_files_is_refused(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e1"))

    report = run(export(dataset(keira=61), "e1", T0 + timedelta(hours=1)))

    assert report.outcome == "refused"
    assert report.errors == (
        "export e1 was loaded already, with other files: a changed export needs an exportId "
        "of its own",
    )
    assert len(rows_of_organisation(KEIRA.id)) == 60
