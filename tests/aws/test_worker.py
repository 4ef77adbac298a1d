"""The local render worker: SQS batch events and partial batch failures as Lambda handles them."""

from __future__ import annotations

from typing import Any

import pytest

from infra.local.gateway.lambda_runtime import LocalFunction
from infra.local.gateway.template import FunctionSpec, SqsEvent
from infra.local.worker import QueueWorker, failed_message_ids
from tests.conftest import REGION, RenderQueues


@pytest.fixture
def queues(render_queues: RenderQueues) -> RenderQueues:
    return render_queues


class Render:
    """A render handler that fails the records whose body says "poison"."""

    def __init__(self, *, crash: bool = False) -> None:
        self.events: list[dict[str, Any]] = []
        self.crash = crash

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        if self.crash:
            raise RuntimeError("render crashed")
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]}
                for r in event["Records"]
                if r["body"] == "poison"
            ]
        }


def _worker(
    queues: RenderQueues, handler: Render, *, reports_item_failures: bool = True
) -> tuple[QueueWorker, list[str]]:
    spec = FunctionSpec(
        logical_id="RenderFunction",
        name="RenderFunction",
        module="functions.render.app",
        attribute="handler",
        memory_mb=1024,
        timeout_s=60,
    )
    lines: list[str] = []
    worker = QueueWorker(
        function=LocalFunction(spec, region=REGION, handler=handler),
        event_source=SqsEvent("RenderQueue", 10, reports_item_failures),
        queue_url=queues.url,
        queue_arn=queues.arn,
        sqs=queues.sqs,
        region=REGION,
        log=lines.append,
        wait_seconds=0,
    )
    return worker, lines


def test_the_render_handler_gets_a_real_sqs_batch_event(queues: RenderQueues) -> None:
    handler = Render()
    worker, lines = _worker(queues, handler)
    queues.send('{"requestId": "abc"}')

    assert worker.poll_once() == 1

    (record,) = handler.events[0]["Records"]
    assert record["body"] == '{"requestId": "abc"}'
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queues.arn
    assert record["awsRegion"] == REGION
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"]
    )
    assert record["messageAttributes"] == {
        "kind": {
            "stringValue": "render",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        }
    }
    assert record["md5OfBody"]
    assert record["messageId"]
    assert record["receiptHandle"]
    assert lines == [lines[0]]
    assert lines[0].startswith("SQS RenderFunction 1 record(s), 0 failed")


def test_handled_messages_are_deleted_and_a_poison_one_ends_in_the_dead_letter_queue(
    queues: RenderQueues,
) -> None:
    handler = Render()
    worker, _ = _worker(queues, handler)
    queues.send("good", "poison", "also good")

    while worker.poll_once():
        pass

    receive_counts = [
        r["attributes"]["ApproximateReceiveCount"]
        for event in handler.events
        for r in event["Records"]
        if r["body"] == "poison"
    ]
    assert receive_counts == ["1", "2", "3"]
    assert queues.count(queues.url) == 0
    dead = queues.sqs.receive_message(QueueUrl=queues.dead_letter_url)["Messages"]
    assert [m["Body"] for m in dead] == ["poison"]
    assert sum(r["body"] == "good" for e in handler.events for r in e["Records"]) == 1


def test_a_crash_fails_the_whole_batch(queues: RenderQueues) -> None:
    worker, lines = _worker(queues, Render(crash=True))
    queues.send("one", "two")

    assert worker.poll_once() == 2

    assert queues.count(queues.url) == 2
    assert any("render crashed" in line for line in lines)


def test_without_report_batch_item_failures_lambda_deletes_the_whole_batch(
    queues: RenderQueues,
) -> None:
    worker, _ = _worker(queues, Render(), reports_item_failures=False)
    queues.send("poison")

    worker.poll_once()

    assert queues.count(queues.url) == 0
    assert queues.count(queues.dead_letter_url) == 0


@pytest.mark.parametrize(
    ("answer", "failed"),
    [
        (None, set()),
        ({}, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "b"}]}, {"b"}),
        ({"batchItemFailures": [{"itemIdentifier": "unknown"}]}, {"a", "b"}),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, {"a", "b"}),
        ("not a mapping", {"a", "b"}),
    ],
)
def test_which_messages_stay_on_the_queue(answer: Any, failed: set[str]) -> None:
    assert failed_message_ids(answer, ["a", "b"], reports_item_failures=True) == failed


def test_the_worker_stops_when_asked(queues: RenderQueues) -> None:
    worker, _ = _worker(queues, Render())
    worker.start()

    worker.stop(timeout=5)

    assert not worker.running
