"""The audit forwarder on moto: what a subscription filter delivers from a function's log group
arrives, line for line, in the audit log group."""

from __future__ import annotations

import base64
import gzip
import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any, cast

import boto3
import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError
from moto import mock_aws

from functions.audit import app as forwarder
from pasjes import audit
from tests.conftest import CONTACT, KEIRA, FakeContext

AUDIT_GROUP = "/pasjesportaal/test/audit"
SEARCH_GROUP = "/aws/lambda/pasjes-test-search"
SEARCH_STREAM = "2026/05/04/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0"
DOWNLOAD_GROUP = "/aws/lambda/pasjes-test-download"
FILTER = "pasjes-test-search-audit"
# Any moment, for what is computed without CloudWatch Logs.
SOME_MS = 1_777_900_000_000


def invoke(event: dict[str, Any]) -> dict[str, int]:
    return forwarder.handler(event, cast(LambdaContext, FakeContext()))


def logs() -> Any:
    # Any: boto3-stubs here lack the CloudWatch Logs service (pyproject's extras).
    return boto3.client("logs")


@pytest.fixture
def audit_group(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("AUDIT_LOG_GROUP", AUDIT_GROUP)
    forwarder.audit_log_group.cache_clear()
    forwarder.logs_client.cache_clear()
    with mock_aws():
        logs().create_log_group(logGroupName=AUDIT_GROUP)
        yield AUDIT_GROUP
    forwarder.audit_log_group.cache_clear()
    forwarder.logs_client.cache_clear()


@pytest.fixture
def now_ms() -> int:
    """Milliseconds now: CloudWatch Logs (and moto) refuse events older than 14 days."""
    return int(time.time() * 1000)


def audit_lines() -> list[str]:
    """Real lines of pasjes.audit, as its logger writes them to a function's log."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(audit.logger.registered_formatter)
    logging.getLogger(audit.SERVICE).addHandler(handler)
    try:
        audit.holders_listed(organisation=KEIRA.id, sub=CONTACT, returned=3, total=3)
        audit.holder_read(organisation=KEIRA.id, sub=CONTACT, qualification_number="99600953")
        audit.download_issued(request_id="r-0001", sub=CONTACT)
    finally:
        logging.getLogger(audit.SERVICE).removeHandler(handler)
    return stream.getvalue().splitlines()


def delivery(
    messages: list[str],
    *,
    start_ms: int,
    log_group: str = SEARCH_GROUP,
    log_stream: str = SEARCH_STREAM,
    message_type: str = "DATA_MESSAGE",
) -> dict[str, Any]:
    """The event a subscription filter sends a function: base64 of gzip of this JSON."""
    data = {
        "messageType": message_type,
        "owner": "123456789012",
        "logGroup": log_group,
        "logStream": log_stream,
        "subscriptionFilters": [FILTER],
        "logEvents": [
            {"id": str(36_000_000_000_000_000 + i), "timestamp": start_ms + i, "message": m}
            for i, m in enumerate(messages)
        ],
    }
    compressed = gzip.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"))
    return {"awslogs": {"data": base64.b64encode(compressed).decode("ascii")}}


def streams(group: str) -> list[str]:
    described = logs().describe_log_streams(logGroupName=group)["logStreams"]
    return sorted(s["logStreamName"] for s in described)


def events_in(group: str, stream: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    token: str | None = None
    while True:
        extra = {"nextToken": token} if token else {}
        page = logs().get_log_events(
            logGroupName=group, logStreamName=stream, startFromHead=True, **extra
        )
        found += [(e["timestamp"], e["message"]) for e in page["events"]]
        if not page["events"] or page["nextForwardToken"] == token:
            return found
        token = page["nextForwardToken"]


def test_a_deliverys_audit_lines_land_unchanged_in_a_stream_named_for_their_source(
    audit_group: str, now_ms: int
) -> None:
    lines = audit_lines()

    result = invoke(delivery(lines, start_ms=now_ms))

    (stream,) = streams(audit_group)
    assert result == {"forwarded": 3}
    assert (
        stream
        == "aws/lambda/pasjes-test-search/2026/05/04/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    )
    assert events_in(audit_group, stream) == [(now_ms + i, line) for i, line in enumerate(lines)]
    written = [json.loads(message) for _, message in events_in(audit_group, stream)]
    assert [w["action"] for w in written] == ["holders_listed", "holder_read", "download_issued"]
    assert all(w["service"] == "pasjesportaal-audit" and w["sub"] == CONTACT for w in written)


def test_later_deliveries_from_one_source_append_to_its_stream(
    audit_group: str, now_ms: int
) -> None:
    first, second, third = audit_lines()

    invoke(delivery([first, second], start_ms=now_ms))
    invoke(delivery([third], start_ms=now_ms + 10))

    (stream,) = streams(audit_group)
    assert [m for _, m in events_in(audit_group, stream)] == [first, second, third]


def test_each_source_stream_keeps_a_stream_of_its_own(audit_group: str, now_ms: int) -> None:
    search_line, _, download_line = audit_lines()

    invoke(delivery([search_line], start_ms=now_ms))
    invoke(delivery([download_line], start_ms=now_ms, log_group=DOWNLOAD_GROUP))

    assert len(streams(audit_group)) == 2
    by_source = {
        s.split("/")[2]: [m for _, m in events_in(audit_group, s)] for s in streams(audit_group)
    }
    assert by_source == {
        "pasjes-test-search": [search_line],
        "pasjes-test-download": [download_line],
    }


def test_lines_out_of_order_are_written_in_time_order(audit_group: str, now_ms: int) -> None:
    lines = audit_lines()
    event = delivery(lines, start_ms=now_ms)
    data = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    data["logEvents"].reverse()
    event["awslogs"]["data"] = base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()

    invoke(event)

    (stream,) = streams(audit_group)
    assert [m for _, m in events_in(audit_group, stream)] == lines


def test_cloudwatch_logs_checking_that_it_can_reach_the_forwarder_writes_nothing(
    audit_group: str, now_ms: int
) -> None:
    control = delivery(
        ["CWL CONTROL MESSAGE: Checking health of destination Lambda."],
        start_ms=now_ms,
        message_type="CONTROL_MESSAGE",
    )

    result = invoke(control)

    assert result == {"forwarded": 0}
    assert streams(audit_group) == []


def test_a_delivery_larger_than_one_put_is_written_whole(audit_group: str, now_ms: int) -> None:
    (line, *_) = audit_lines()
    count = forwarder.MAX_BATCH_EVENTS + 5

    result = invoke(delivery([line] * count, start_ms=now_ms))

    (stream,) = streams(audit_group)
    assert result == {"forwarded": count}
    assert len(events_in(audit_group, stream)) == count


def test_stream_names_are_valid_and_distinct_for_any_source() -> None:
    odd = forwarder.stream_name("/aws/lambda/x", "a:b*c")
    long_a = forwarder.stream_name("/aws/lambda/x", "s" * 600 + "a")
    long_b = forwarder.stream_name("/aws/lambda/x", "s" * 600 + "b")

    assert odd == "aws/lambda/x/a_b_c"
    assert len(long_a) == len(long_b) == forwarder.MAX_STREAM_NAME
    assert long_a != long_b
    assert not any(c in name for c in ":*" for name in (odd, long_a, long_b))


def test_batches_keep_within_what_put_log_events_accepts() -> None:
    big = "x" * 200_000
    late = SOME_MS + forwarder.MAX_BATCH_SPAN_MS + 1000
    events = [
        forwarder.SourceEvent(id=str(i), timestamp=SOME_MS + i, message=big) for i in range(12)
    ]
    events.append(forwarder.SourceEvent(id="late", timestamp=late, message="x"))

    written = list(forwarder.batches(events))

    # 2.4 MB in 1 MB calls, and the line a day later in a call of its own.
    assert [len(b) for b in written] == [5, 5, 2, 1]
    for batch in written:
        size = sum(len(e["message"]) + forwarder.EVENT_OVERHEAD_BYTES for e in batch)
        assert size <= forwarder.MAX_BATCH_BYTES
        assert batch[-1]["timestamp"] - batch[0]["timestamp"] <= forwarder.MAX_BATCH_SPAN_MS
    assert written[-1] == [{"timestamp": events[-1]["timestamp"], "message": "x"}]


def test_without_its_audit_log_group_the_forwarder_refuses_to_run(
    audit_group: str, now_ms: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUDIT_LOG_GROUP")
    forwarder.audit_log_group.cache_clear()

    with pytest.raises(forwarder.AuditLogGroupMissing, match="AUDIT_LOG_GROUP"):
        invoke(delivery(audit_lines(), start_ms=now_ms))


def test_a_write_that_fails_fails_the_invocation_so_lambda_retries_it(
    audit_group: str, now_ms: int
) -> None:
    logs().delete_log_group(logGroupName=audit_group)

    with pytest.raises(ClientError) as raised:
        invoke(delivery(audit_lines(), start_ms=now_ms))

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
