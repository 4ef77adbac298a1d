"""The import function on moto, as the registry meets it: an export is dropped into the exports
bucket, S3 tells the import queue, and the function checks, diffs and loads it, keeps the pool's
users in step and writes a report to reports/{exportId}.json."""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.importer.app import handler
from infra.local.worker import sqs_event
from infra.ops.dataset.exporting import export_bytes
from pasjes import rules
from pasjes.dal import contacts, holders
from pasjes.domain import Holder, Registration
from pasjes.importing import COUNT_KEYS, Dataset, ImportBusy, Manifest, reading
from pasjes.logic import exports as exports_logic
from pasjes.logic.exports import cognito_directory
from pasjes.logic.invitation import MANAGED_ATTRIBUTE, MANAGED_VALUE
from pasjes.settings import get_settings
from tests.conftest import EXAM_TYPES, HOLDERS, KEIRA, OTHER, REGION, REGISTERED, FakeContext

EXPORTS_BUCKET = "pasjes-test-exports"
REPORT_KEYS = {
    "outcome",
    "exportId",
    "exportedAt",
    "counts",
    "itemsWritten",
    "errors",
    "durationMs",
}
NEW_CONTACT = "nieuw@keira-bhv.example"
COLLEAGUE = "collega@keira-bhv.example"


@dataclasses.dataclass
class Exports:
    """The exports bucket (versioned, its events to the import queue) and the user pool."""

    s3: Any
    sqs: Any
    idp: Any
    queue_url: str
    queue_arn: str
    pool_id: str

    def drop(self, key: str, body: bytes) -> dict[str, Any]:
        """Upload `body` as the registry does; the SQS batch the function is handed."""
        self.s3.put_object(Bucket=EXPORTS_BUCKET, Key=key, Body=body)
        return self.batch()

    def batch(self) -> dict[str, Any]:
        received = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
        )
        messages = received.get("Messages", [])
        for message in messages:
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return sqs_event(messages, queue_arn=self.queue_arn, region=REGION)

    def run(self, event: dict[str, Any]) -> dict[str, Any]:
        """The function on a batch; then on the events of what it wrote itself (its report)."""
        result: dict[str, Any] = handler(event, FakeContext())
        own = self.batch()
        if own["Records"]:
            assert handler(own, FakeContext()) == {"batchItemFailures": []}
        return result

    def report(self, name: str) -> dict[str, Any]:
        body = self.s3.get_object(Bucket=EXPORTS_BUCKET, Key=f"reports/{name}.json")["Body"]
        document: dict[str, Any] = json.loads(body.read())
        return document

    def user(self, email: str) -> dict[str, Any]:
        (user,) = self.idp.list_users(UserPoolId=self.pool_id, Filter=f'email = "{email}"')["Users"]
        user["Attributes"] = {a["Name"]: a["Value"] for a in user["Attributes"]}
        return dict(user)


@pytest.fixture
def exports(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Exports]:
    idp = boto3.client("cognito-idp", region_name=REGION)
    pool_id = idp.create_user_pool(
        PoolName="pasjes-test",
        UsernameAttributes=["email"],
        Schema=[{"Name": "managed", "AttributeDataType": "String", "Mutable": False}],
    )["UserPool"]["Id"]
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(
        Bucket=EXPORTS_BUCKET,
        CreateBucketConfiguration={"LocationConstraint": REGION},  # type: ignore[typeddict-item]
    )
    s3.put_bucket_versioning(Bucket=EXPORTS_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="pasjes-import")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=EXPORTS_BUCKET,
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    monkeypatch.setenv("EXPORTS_BUCKET", EXPORTS_BUCKET)
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    get_settings.cache_clear()
    cognito_directory.cache_clear()
    exports = Exports(s3, sqs, idp, queue_url, queue_arn, pool_id)
    exports.batch()  # S3's test event of the new notification, if any
    yield exports
    cognito_directory.cache_clear()


def _valid(holder: Holder) -> Holder:
    """The holder with every exam before its expiry, as the import's checks want it."""
    return dataclasses.replace(
        holder,
        qualifications=tuple(
            q
            if q.expiry_date is None or q.exam_date <= q.expiry_date
            else dataclasses.replace(q, exam_date=q.expiry_date - timedelta(days=730))
            for q in holder.qualifications
        ),
    )


VALID_HOLDERS = [_valid(h) for h in HOLDERS]


def dataset(
    memberships: dict[str, tuple[str, ...]] | None = None, *, holder_count: int | None = None
) -> Dataset:
    """The test holders at Keira BHV and EHBO West (the first `holder_count` of them)."""
    kept = VALID_HOLDERS[:holder_count] if holder_count is not None else VALID_HOLDERS
    numbers = {h.qualification_number for h in kept}
    return Dataset(
        organisations=(KEIRA, OTHER),
        memberships=memberships
        if memberships is not None
        else {COLLEAGUE: (KEIRA.id,), NEW_CONTACT: (KEIRA.id, OTHER.id)},
        holders=tuple(kept),
        registrations=tuple(
            Registration(organisation, number)
            for organisation in (KEIRA.id, OTHER.id)
            for number in REGISTERED[organisation]
            if number in numbers
        ),
        exam_types=EXAM_TYPES,
    )


def export(
    export_id: str,
    data: Dataset | None = None,
    *,
    day: int = 1,
    allow_large_removal: bool = False,
) -> bytes:
    manifest = Manifest(
        export_id=export_id,
        exported_at=datetime(2026, 12, day, 5, 0, tzinfo=UTC),
        scope="full",
        allow_large_removal=allow_large_removal,
    )
    return export_bytes(data or dataset(), manifest)


def test_an_export_dropped_in_the_bucket_is_loaded_and_reported(exports: Exports) -> None:
    result = exports.run(exports.drop("registry-1.zip", export("export-1")))

    report = exports.report("export-1")
    assert result == {"batchItemFailures": []}
    assert report["outcome"] == "loaded"
    assert report["exportId"] == "export-1"
    assert report["exportedAt"] == "2026-12-01T05:00:00Z"
    assert report["counts"]["holdersAdded"] == len(HOLDERS)
    assert report["itemsWritten"] > 0
    assert holders.get_holder("99731441") is not None


def test_the_report_holds_the_contracts_keys_and_no_names_or_birth_dates(
    exports: Exports,
) -> None:
    exports.run(exports.drop("registry-1.zip", export("export-1")))

    report = exports.report("export-1")
    text = json.dumps(report, ensure_ascii=False)
    assert set(report) == REPORT_KEYS
    assert set(report["counts"]) == set(COUNT_KEYS)
    for holder in HOLDERS:
        assert holder.name not in text
        assert holder.birth_date.isoformat() not in text
    assert "@" not in text


def test_a_bad_file_loads_nothing_and_is_reported_under_its_key(exports: Exports) -> None:
    result = exports.run(exports.drop("kapot.zip", b"this is not a zip file"))

    report = exports.report("kapot.zip")
    assert result == {"batchItemFailures": []}
    assert report["outcome"] == "failed"
    assert report["exportId"] is None
    assert report["errors"]
    assert report["itemsWritten"] == 0
    assert holders.get_holder("99731441") is None


def test_an_object_larger_than_an_export_can_be_is_reported_failed_unread(
    exports: Exports, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = export("export-1")
    monkeypatch.setattr(rules, "MAX_EXPORT_OBJECT_BYTES", len(payload) - 1)

    result = exports.run(exports.drop("groot.zip", payload))

    report = exports.report("groot.zip")
    assert result == {"batchItemFailures": []}
    assert report["outcome"] == "failed"
    assert "larger than an export can be" in report["errors"][0]
    assert holders.get_holder("99731441") is None


def test_a_gzip_bomb_is_reported_failed_not_retried(
    exports: Exports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_EXPORT_UNPACKED_BYTES", 100_000)

    result = exports.run(exports.drop("bom.gz", gzip.compress(b"\0" * 10_000_000)))

    report = exports.report("bom.gz")
    assert result == {"batchItemFailures": []}
    assert report["outcome"] == "failed"
    assert report["errors"] == ["export: unpacked larger than 0 MB, more than an export can be"]


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(exports: Exports) -> None:
    exports.run(exports.drop("dry-run/registry-1.zip", export("export-1")))

    report = exports.report("export-1")
    assert report["outcome"] == "dry-run"
    assert report["counts"]["holdersAdded"] == len(HOLDERS)
    assert report["counts"]["contactPersonsInvited"] == 2
    assert report["itemsWritten"] == 0
    assert holders.get_holder("99731441") is None
    assert exports.idp.list_users(UserPoolId=exports.pool_id)["Users"] == []


def test_an_export_that_would_remove_many_holders_is_refused(exports: Exports) -> None:
    exports.run(exports.drop("registry-1.zip", export("export-1")))

    truncated = export("export-2", dataset(holder_count=2), day=2)
    exports.run(exports.drop("registry-2.zip", truncated))

    report = exports.report("export-2")
    assert report["outcome"] == "refused"
    assert report["errors"]
    assert report["itemsWritten"] == 0
    assert holders.get_holder(HOLDERS[-1].qualification_number) is not None


def test_an_export_older_than_the_last_one_loaded_is_refused(exports: Exports) -> None:
    exports.run(exports.drop("registry-2.zip", export("export-2", day=2)))

    older = export("export-1", dataset({COLLEAGUE: (KEIRA.id,)}), day=1)
    exports.run(exports.drop("registry-1.zip", older))

    report = exports.report("export-1")
    assert report["outcome"] == "refused"
    assert report["itemsWritten"] == 0
    assert exports.user(NEW_CONTACT)["Enabled"] is True


def test_the_same_event_twice_changes_nothing_the_second_time(exports: Exports) -> None:
    event = exports.drop("registry-1.zip", export("export-1"))
    exports.run(event)
    first = exports.report("export-1")

    assert exports.run(event) == {"batchItemFailures": []}

    assert exports.report("export-1") == first
    assert len(exports.idp.list_users(UserPoolId=exports.pool_id)["Users"]) == 2


def test_a_new_contact_person_is_invited_with_a_verified_managed_user(exports: Exports) -> None:
    exports.run(exports.drop("registry-1.zip", export("export-1")))

    user = exports.user(NEW_CONTACT)
    assert exports.report("export-1")["counts"]["contactPersonsInvited"] == 2
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Attributes"]["email_verified"] == "true"
    assert user["Attributes"][MANAGED_ATTRIBUTE] == MANAGED_VALUE
    organisations = contacts.organisations_of(user["Attributes"]["sub"])
    assert {o.id for o in organisations} == {KEIRA.id, OTHER.id}


def test_a_contact_person_no_longer_in_the_export_is_disabled_then_enabled_again(
    exports: Exports,
) -> None:
    exports.run(exports.drop("registry-1.zip", export("export-1")))

    without = export("export-2", dataset({COLLEAGUE: (KEIRA.id,)}), day=2, allow_large_removal=True)
    exports.run(exports.drop("registry-2.zip", without))

    assert exports.report("export-2")["counts"]["contactPersonsDisabled"] == 1
    assert exports.user(NEW_CONTACT)["Enabled"] is False
    assert exports.user(COLLEAGUE)["Enabled"] is True

    exports.run(exports.drop("registry-3.zip", export("export-3", day=3)))

    assert exports.report("export-3")["counts"]["contactPersonsReenabled"] == 1
    assert exports.user(NEW_CONTACT)["Enabled"] is True


def test_a_user_the_import_did_not_create_is_never_disabled(exports: Exports) -> None:
    from infra.local.provision import create_verified_user

    create_verified_user(
        exports.idp, exports.pool_id, "beheer@pasjes.example", "Beheer-2026-pasjes"
    )
    exports.run(exports.drop("registry-1.zip", export("export-1")))

    assert exports.user("beheer@pasjes.example")["Enabled"] is True


def test_the_functions_own_reports_and_s3s_test_event_are_ignored(exports: Exports) -> None:
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": EXPORTS_BUCKET})
    exports.sqs.send_message(QueueUrl=exports.queue_url, MessageBody=body)
    exports.s3.put_object(Bucket=EXPORTS_BUCKET, Key="reports/x.json", Body=b"{}")

    assert handler(exports.batch(), FakeContext()) == {"batchItemFailures": []}
    assert holders.get_holder("99731441") is None


def test_each_outcome_is_counted_in_its_own_metric(
    exports: Exports, capsys: pytest.CaptureFixture[str]
) -> None:
    exports.run(exports.drop("registry-1.zip", export("export-1")))
    exports.run(exports.drop("kapot.zip", b"not a zip"))

    metrics = [
        line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
        for line in map(json.loads, capsys.readouterr().out.splitlines())
        if "_aws" in line
    ]
    names = [metric["Name"] for batch in metrics for metric in batch]
    assert names.count("ImportsLoaded") == 1
    assert names.count("ExportsTaken") == 1
    assert names.count("ImportsFailed") == 1


def test_an_export_meeting_another_running_import_is_delivered_again(
    exports: Exports, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*args: Any, **kwargs: Any) -> None:
        raise ImportBusy("another import holds the lock")

    monkeypatch.setattr(exports_logic, "import_export", busy)
    event = exports.drop("registry-1.zip", export("export-1"))

    result = handler(event, FakeContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
