"""template.yaml takes the registry's exports safely: a private, versioned, encrypted, TLS-only
bucket that only the registry writes and only the importer reads, its events through a queue
with a dead-letter queue to one import at a time (two at most), alarms when an import fails, is
refused or none arrives for 36 hours, and a Dutch invitation for the contact persons it adds."""

from __future__ import annotations

from typing import Any

import pytest
from cfnlint.decode import decode

from pasjes.logic.exports import OUTCOME_METRICS, TAKEN_METRIC
from pasjes.logic.invitation import MANAGED_ATTRIBUTE
from tests.template.test_template import (
    TEMPLATE,
    Template,
    get_att,
    grants,
    properties,
    ref,
    resources_of_type,
    sub_text,
)

BUCKET = "ExportsBucket"
IMPORTER = "ImporterFunction"
IMPORTER_ROLE = "ImporterFunctionRole"


@pytest.fixture(scope="module")
def template() -> Template:
    loaded, problems = decode(str(TEMPLATE))
    assert loaded is not None, problems
    return dict(loaded)


def statements(template: Template) -> dict[str, dict[str, Any]]:
    """The exports bucket policy's statements by Sid (an !If'd one as its then-branch)."""
    (policy,) = [
        p["Properties"]["PolicyDocument"]
        for p in resources_of_type(template, "AWS::S3::BucketPolicy").values()
        if ref(p["Properties"]["Bucket"]) == BUCKET
    ]
    found: dict[str, dict[str, Any]] = {}
    for statement in policy["Statement"]:
        if set(statement) == {"Fn::If"}:
            condition, statement, otherwise = statement["Fn::If"]
            assert condition == "HasRegistryPrincipal"
            assert otherwise == {"Ref": "AWS::NoValue"}
        found[statement["Sid"]] = statement
    return found


def alarm_on(template: Template, metric: str) -> dict[str, Any]:
    (alarm,) = [
        a["Properties"]
        for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == metric
    ]
    return dict(alarm)


def test_the_exports_bucket_is_private_versioned_encrypted_and_tls_only(
    template: Template,
) -> None:
    bucket = properties(template, BUCKET)
    tls = statements(template)["DenyInsecureTransport"]

    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert bucket["VersioningConfiguration"]["Status"] == "Enabled"
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert tls["Effect"] == "Deny"
    assert tls["Principal"] == "*"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_exports_holding_personal_data_do_not_stay_longer_than_a_month(
    template: Template,
) -> None:
    rules = properties(template, BUCKET)["LifecycleConfiguration"]["Rules"]
    (expiry,) = [r for r in rules if "ExpirationInDays" in r]

    assert "Prefix" not in expiry
    assert expiry["ExpirationInDays"] <= 30
    assert expiry["NoncurrentVersionExpiration"]["NoncurrentDays"] <= 30


def test_only_the_registry_writes_exports_and_only_the_importer_writes_reports(
    template: Template,
) -> None:
    policy = statements(template)
    parameter = template["Parameters"]["RegistryPrincipalArn"]

    allow = policy["TheRegistryWritesExports"]
    assert allow["Effect"] == "Allow"
    assert allow["Principal"] == {"AWS": {"Ref": "RegistryPrincipalArn"}}
    assert allow["Action"] == "s3:PutObject"
    assert sub_text(allow["NotResource"]) == "${ExportsBucket.Arn}/reports/*"
    others = policy["OnlyTheRegistryWritesExports"]
    assert (others["Effect"], others["Principal"], others["Action"]) == (
        "Deny",
        "*",
        "s3:PutObject",
    )
    assert others["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": {"Ref": "RegistryPrincipalArn"}}
    }
    reports = policy["OnlyTheImporterWritesReports"]
    assert (reports["Effect"], reports["Action"]) == ("Deny", "s3:PutObject")
    assert sub_text(reports["Resource"]) == "${ExportsBucket.Arn}/reports/*"
    assert get_att(reports["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]) == (
        IMPORTER_ROLE,
        "Arn",
    )
    # A role or a user: aws:PrincipalArn names the role of an assumed session, never a root.
    assert parameter["AllowedPattern"].endswith(":(role|user)/.+$")


def test_no_principal_but_the_importer_reads_an_export(template: Template) -> None:
    deny = statements(template)["OnlyTheImporterReadsExports"]
    readers = [
        f
        for f in resources_of_type(template, "AWS::Serverless::Function")
        if any(
            resource.startswith(BUCKET) and action.startswith("s3:GetObject")
            for action, resource in grants(template, f)
        )
    ]

    assert (deny["Effect"], deny["Principal"]) == ("Deny", "*")
    assert set(deny["Action"]) == {"s3:GetObject", "s3:GetObjectVersion"}
    # The reports (ids and counts) stay readable to the account's operators.
    assert sub_text(deny["NotResource"]) == "${ExportsBucket.Arn}/reports/*"
    assert get_att(deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]) == (IMPORTER_ROLE, "Arn")
    assert readers == [IMPORTER]


def test_an_upload_reaches_the_importer_through_a_queue_with_a_dead_letter_queue(
    template: Template,
) -> None:
    (notification,) = properties(template, BUCKET)["NotificationConfiguration"][
        "QueueConfigurations"
    ]
    queue = properties(template, "ImportQueue")
    (event,) = properties(template, IMPORTER)["Events"].values()
    dead_letter, _ = get_att(queue["RedrivePolicy"]["deadLetterTargetArn"])
    sender = properties(template, "ImportQueuePolicy")["PolicyDocument"]["Statement"][0]

    assert notification["Event"] == "s3:ObjectCreated:*"
    assert get_att(notification["Queue"]) == ("ImportQueue", "Arn")
    assert sender["Principal"] == {"Service": "s3.amazonaws.com"}
    assert sender["Action"] == "sqs:SendMessage"
    assert set(sender["Condition"]) == {"ArnEquals", "StringEquals"}
    assert queue["SqsManagedSseEnabled"] is True
    assert properties(template, dead_letter)["SqsManagedSseEnabled"] is True
    assert event["Type"] == "SQS"
    assert get_att(event["Properties"]["Queue"]) == ("ImportQueue", "Arn")
    assert event["Properties"]["BatchSize"] == 1
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == 2


def test_an_import_is_never_handed_out_twice_while_it_runs(template: Template) -> None:
    importer = properties(template, IMPORTER)
    queue = properties(template, "ImportQueue")

    assert importer["Timeout"] == 900
    assert queue["VisibilityTimeout"] > importer["Timeout"]


def test_the_importer_is_told_its_bucket_and_pool(template: Template) -> None:
    variables = properties(template, IMPORTER)["Environment"]["Variables"]

    assert ref(variables["EXPORTS_BUCKET"]) == BUCKET
    assert ref(variables["USER_POOL_ID"]) == "UserPool"


def test_the_importer_manages_only_the_pools_users_and_signs_nothing(template: Template) -> None:
    cognito = {(a, r) for a, r in grants(template, IMPORTER) if a.startswith("cognito-idp:")}

    assert {r for _, r in cognito} == {"UserPool"}
    assert {a for a, _ in cognito} == {
        "cognito-idp:ListUsers",
        "cognito-idp:AdminGetUser",
        "cognito-idp:AdminCreateUser",
        "cognito-idp:AdminDisableUser",
        "cognito-idp:AdminEnableUser",
        "cognito-idp:AdminUserGlobalSignOut",
    }
    assert ("s3:DeleteObject", "PassesBucket/requests/*") in grants(template, IMPORTER)


@pytest.mark.parametrize("outcome", ["failed", "refused"])
def test_a_failed_or_refused_import_alarms_on_the_operations_topic(
    template: Template, outcome: str
) -> None:
    alarm = alarm_on(template, OUTCOME_METRICS[outcome])

    assert alarm["Namespace"] == "Pasjesportaal"
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "pasjesportaal"}]
    assert alarm["Statistic"] == "Sum"
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanOrEqualToThreshold", 1)
    assert [ref(a) for a in alarm["AlarmActions"]] == ["OperationsTopic"]


def test_no_export_taken_for_36_hours_alarms(template: Template) -> None:
    alarm = alarm_on(template, TAKEN_METRIC)

    assert alarm["Period"] * alarm["EvaluationPeriods"] == 36 * 3600
    assert alarm["DatapointsToAlarm"] == alarm["EvaluationPeriods"]
    assert alarm["TreatMissingData"] == "breaching"
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("LessThanThreshold", 1)
    assert [ref(a) for a in alarm["AlarmActions"]] == ["OperationsTopic"]


def test_an_import_that_keeps_crashing_alarms(template: Template) -> None:
    queue = properties(template, "ImportQueue")
    dead_letter, _ = get_att(queue["RedrivePolicy"]["deadLetterTargetArn"])
    (alarm,) = [
        a["Properties"]
        for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        for d in a["Properties"].get("Dimensions", [])
        if d["Name"] == "QueueName" and get_att(d["Value"])[0] == dead_letter
    ]

    assert [ref(a) for a in alarm["AlarmActions"]] == ["OperationsTopic"]


def test_the_invitation_is_dutch_and_names_the_users_organisations(template: Template) -> None:
    pool = properties(template, "UserPool")
    invite = pool["AdminCreateUserConfig"]["InviteMessageTemplate"]
    (event,) = properties(template, "InvitationFunction")["Events"].values()

    assert invite["EmailSubject"] == "Uw toegang tot het Pasjesportaal"
    assert "{username}" in invite["EmailMessage"]
    assert "{####}" in invite["EmailMessage"]
    assert "Tijdelijk wachtwoord" in invite["EmailMessage"]
    assert event["Type"] == "Cognito"
    assert ref(event["Properties"]["UserPool"]) == "UserPool"
    assert event["Properties"]["Trigger"] == "CustomMessage"
    # Cognito waits at most 5 seconds for a trigger.
    assert properties(template, "InvitationFunction")["Timeout"] <= 5


def test_the_users_the_import_manages_are_marked_and_cannot_unmark_themselves(
    template: Template,
) -> None:
    schema = {a["Name"]: a for a in properties(template, "UserPool")["Schema"]}
    name = MANAGED_ATTRIBUTE.removeprefix("custom:")
    client = properties(template, "UserPoolClient")

    assert schema[name]["AttributeDataType"] == "String"
    assert schema[name]["Mutable"] is False
    assert MANAGED_ATTRIBUTE not in client["WriteAttributes"]
