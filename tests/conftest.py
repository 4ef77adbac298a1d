"""Shared fixtures: an AWS account on moto with the portal's tables, bucket and queue."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import secrets
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters import clear_caches
from aws_lambda_powertools.utilities.typing import LambdaContext
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber
from moto.dynamodb.models import DynamoDBBackend

from pasjes.dal import contacts, holders, organisations, registrations
from pasjes.domain import (
    ExamType,
    Holder,
    HolderRow,
    Organisation,
    Qualification,
    QualificationType,
)
from pasjes.settings import get_settings

# Powertools reads these when a handler module is imported, before any fixture runs.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "pasjesportaal")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "PasjesportaalTest")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

EVENTS = Path(__file__).resolve().parent.parent / "events"
REGION = "eu-west-1"

KEIRA = Organisation(id="keira-bhv", name="Keira BHV")
OTHER = Organisation(id="ehbo-west", name="EHBO West")
BRIGADE = Organisation(id="reddingsbrigade-noord", name="Reddingsbrigade Noord")

# Cognito subs of the test contact persons.
CONTACT = "11111111-1111-4111-8111-111111111111"  # Keira BHV and EHBO West
COLLEAGUE = "22222222-2222-4222-8222-222222222222"  # Keira BHV only
STRANGER = "33333333-3333-4333-8333-333333333333"  # Reddingsbrigade only
NOBODY = "44444444-4444-4444-8444-444444444444"  # contact of no organisation

FUTURE = date(2030, 10, 1)
PAST = date(2020, 10, 1)


def qualification(
    code: str,
    *,
    type: QualificationType = QualificationType.DIPLOMA,
    exam_number: str = "EX45465",
    exam_type: str = "EH",
    expiry: date = FUTURE,
    parent: str | None = None,
) -> Qualification:
    names = {
        "DEH": "Diploma Eerste Hulp",
        "EHK": "Eerste Hulp aan Kinderen",
        "RLH": "Levensreddend handelen",
        "BHV": "Bedrijfshulpverlening",
    }
    return Qualification(
        code=code,
        name=names.get(code, code),
        type=type,
        exam_type=exam_type,
        exam_number=exam_number,
        exam_date=date(2024, 7, 28),
        expiry_date=expiry,
        parent_code=parent,
    )


def _deh_with_ehk(exam_number: str = "EX45465") -> tuple[Qualification, ...]:
    return (
        qualification("DEH", exam_number=exam_number),
        qualification(
            "EHK", type=QualificationType.CERTIFICATE, exam_number=exam_number, parent="DEH"
        ),
    )


HOLDERS = [
    Holder(
        "73029884",
        "Mevr. K.C. Knightley",
        date(2000, 1, 1),
        (
            qualification(
                "RLH", exam_number="EX10001", exam_type="RL", type=QualificationType.CERTIFICATE
            ),
        ),
    ),
    Holder("99731441", "Dhr. B van Test", date(2000, 4, 3), (qualification("DEH"),)),
    Holder("99600953", "Dhr. TEST de Tester", date(1992, 6, 18), _deh_with_ehk()),
    Holder("99694102", "Dhr. TT Te Tester", date(2000, 1, 12), _deh_with_ehk()),
    Holder(
        "12345678",
        "Dhr. Şükrü Öztürk",
        date(1985, 3, 9),
        (qualification("BHV", exam_number="EX20002", exam_type="BHV", expiry=PAST),),
    ),
    Holder("23456789", "Mevr. Zoë Nguyễn", date(1990, 12, 31), _deh_with_ehk("EX30003")),
    Holder(
        "34567890",
        "Dhr. Łukasz Wójcik",
        date(1979, 5, 5),
        (qualification("BHV", exam_number="EX20002", exam_type="BHV"),),
    ),
]
EXTERNAL = {"73029884": "1122334455", "23456789": "A-17"}
# The manual's exam EX45465 at Keira BHV: its three holders (DEH; DEH+EHK; DEH+EHK).
EX45465 = ["99731441", "99600953", "99694102"]
REGISTERED = {
    KEIRA.id: ["73029884", "99731441", "99600953", "99694102", "12345678", "23456789"],
    OTHER.id: ["23456789"],
    BRIGADE.id: ["34567890"],
}
EXAM_TYPES = (ExamType("BHV", "Bedrijfshulpverlening"), ExamType("EH", "Eerste Hulp"))


# The functions' environment in tests; RENDER_QUEUE_URL is the queue the `aws` fixture makes.
ENVIRONMENT = {
    "ORGANISATIONS_TABLE": "pasjes-organisations",
    "CONTACTS_TABLE": "pasjes-contacts",
    "HOLDERS_TABLE": "pasjes-holders",
    "REGISTRATIONS_TABLE": "pasjes-registrations",
    "REQUESTS_TABLE": "pasjes-requests",
    "IDEMPOTENCY_TABLE": "pasjes-idempotency",
    "IMPORTS_TABLE": "pasjes-imports",
    "PASSES_BUCKET": "pasjes-test-passes",
    "RENDER_QUEUE_URL": f"https://sqs.{REGION}.amazonaws.com/123456789012/pasjes-render",
    "CURSOR_SECRET_NAME": "pasjes/cursor-secret",
    "MAX_RECEIVES": "3",
}


def row_of(holder: Holder, external: str | None) -> HolderRow:
    return HolderRow.of(holder, external)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    # Every variable a function reads, as the template gives them; nothing has a default.
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    clear_caches()
    yield
    get_settings.cache_clear()
    clear_caches()


def _refuse_scan(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("a DynamoDB Scan was issued: no code path may read a whole table")


_ONE_AWS_CALL_AT_A_TIME = threading.RLock()
_moto_process_request = BotocoreStubber.process_request


def _serialised_process_request(self: BotocoreStubber, *args: Any, **kwargs: Any) -> Any:
    """AWS applies each call atomically (a DynamoDB transaction, an S3 PutObject); moto in this
    process does not: a transaction copies and may restore whole tables while another thread
    writes, and two PutObjects of one key share a closed buffer. Tests that race threads, as
    concurrent Lambdas race, get AWS's per-call isolation back this way; the race in our own
    code, between the calls, is untouched."""
    with _ONE_AWS_CALL_AT_A_TIME:
        return _moto_process_request(self, *args, **kwargs)


@pytest.fixture
def aws(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A moto account with every table, the bucket and the render queue, where a Scan fails."""
    from infra.tables import create_tables

    monkeypatch.setattr(DynamoDBBackend, "scan", _refuse_scan)
    monkeypatch.setattr(BotocoreStubber, "process_request", _serialised_process_request)
    with mock_aws():
        create_tables()
        boto3.client("s3").create_bucket(
            Bucket="pasjes-test-passes",
            CreateBucketConfiguration={"LocationConstraint": REGION},  # type: ignore[typeddict-item]
        )
        queue_url = boto3.client("sqs").create_queue(QueueName="pasjes-render")["QueueUrl"]
        monkeypatch.setenv("RENDER_QUEUE_URL", queue_url)
        # The cursor key in Secrets Manager, as a deployment keeps it (CURSOR_SECRET_NAME).
        boto3.client("secretsmanager").create_secret(
            Name=ENVIRONMENT["CURSOR_SECRET_NAME"], SecretString=secrets.token_urlsafe(32)
        )
        get_settings.cache_clear()
        yield


@dataclasses.dataclass(frozen=True)
class RenderQueues:
    """The render queue with its dead-letter queue, as the template deploys them."""

    sqs: Any
    url: str
    arn: str
    dead_letter_url: str

    def send(self, *bodies: str) -> None:
        for body in bodies:
            self.sqs.send_message(
                QueueUrl=self.url,
                MessageBody=body,
                MessageAttributes={"kind": {"DataType": "String", "StringValue": "render"}},
            )

    def count(self, url: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attributes.values())


@pytest.fixture
def render_queues(aws: None) -> RenderQueues:
    """The `aws` fixture's render queue with a redrive policy after MAX_RECEIVES receives, and
    no visibility timeout: a failed message is back at the next poll, not minutes later."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = get_settings().required("render_queue_url")
    dead_letter_url = sqs.create_queue(QueueName="pasjes-render-dlq")["QueueUrl"]
    dead_letter_arn = sqs.get_queue_attributes(
        QueueUrl=dead_letter_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    redrive = {
        "deadLetterTargetArn": dead_letter_arn,
        "maxReceiveCount": ENVIRONMENT["MAX_RECEIVES"],
    }
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"VisibilityTimeout": "0", "RedrivePolicy": json.dumps(redrive)}
    )
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return RenderQueues(sqs=sqs, url=url, arn=arn, dead_letter_url=dead_letter_url)


@pytest.fixture
def portal(aws: None) -> None:
    """The test organisations, contact persons and holders, stored through the data layer."""
    keira = Organisation(KEIRA.id, KEIRA.name, EXAM_TYPES)
    organisations.put_organisations([keira, OTHER, BRIGADE])
    contacts.put_memberships(
        [
            (CONTACT, "contact@keira-bhv.example", KEIRA),
            (CONTACT, "contact@keira-bhv.example", OTHER),
            (COLLEAGUE, "collega@keira-bhv.example", KEIRA),
            (STRANGER, "contact@reddingsbrigade.example", BRIGADE),
        ]
    )
    holders.put_holders(HOLDERS)
    by_number = {h.qualification_number: h for h in HOLDERS}
    for organisation_id, numbers in REGISTERED.items():
        registrations.replace_rows(
            organisation_id, [row_of(by_number[n], EXTERNAL.get(n)) for n in numbers]
        )


def api_event(
    method: str,
    resource: str,
    *,
    sub: str | None = CONTACT,
    path_parameters: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A REST proxy event as API Gateway sends it after the Cognito authorizer let it through."""
    base: dict[str, Any] = json.loads((EVENTS / "get-me.json").read_text())
    event = copy.deepcopy(base)
    path = resource
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", value)
    event.update(
        resource=resource,
        path=path,
        httpMethod=method,
        pathParameters=path_parameters,
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
        body=body if body is None or isinstance(body, str) else json.dumps(body),
    )
    event["headers"] = {**(event.get("headers") or {}), **(headers or {})}
    event["multiValueHeaders"] = {k: [v] for k, v in event["headers"].items()}
    context = event["requestContext"]
    context.update(resourcePath=resource, httpMethod=method, path=f"/api{path}")
    if sub is None:
        context.pop("authorizer", None)
    else:
        context["authorizer"] = {
            "claims": {
                "sub": sub,
                "email": f"{sub[:8]}@example.test",
                "token_use": "id",
                "cognito:username": sub,
            }
        }
    return event


class FakeContext(LambdaContext):
    """What the Lambda runtime hands a handler, for a call made by a test."""

    def __init__(self) -> None:
        self._function_name = "pasjes-test"
        self._memory_limit_in_mb = 256
        self._invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:pasjes-test"
        self._aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def call(handler: Any, event: dict[str, Any]) -> tuple[int, Any]:
    """Invoke a Lambda handler with the event; return the status and the decoded JSON body."""
    response = handler(event, FakeContext())
    return response["statusCode"], json.loads(response["body"]) if response.get("body") else None
