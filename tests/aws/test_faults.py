"""Faults in the render pipeline: S3 down, a render that dies, poison, and a double delivery.

The queue is moto's, with the template's redrive policy, and the local event source mapping
(`infra.local.worker.QueueWorker`) drives the real render handler, as Lambda's poller would. Faults
are injected where AWS would produce them: an S3 endpoint answering 503, a process that stops
in the middle of a request.
"""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from functions.download.app import handler as download_handler
from infra.local.gateway.lambda_runtime import LocalFunction
from infra.local.gateway.template import SamTemplate
from infra.local.worker import QueueWorker
from pasjes.aws import s3_client
from pasjes.dal import pass_requests
from pasjes.dal.render_queue import message as render_message
from pasjes.domain import Pass, RequestStatus
from pasjes.logic.render import FAILED_REASON, render_request
from pasjes.render.archive import build_zip
from pasjes.settings import get_settings
from tests.aws.test_render import submitted, zip_count
from tests.conftest import REGION, RenderQueues, api_event, call


class _S3Unreachable:
    """S3 that cannot be reached for PutObject of the keys given (all when None).

    Raised from `before-send`, the failure stops the request before moto's own handler sees
    it, and botocore treats it as the connection failure it stands for: retried, then raised.
    """

    def __init__(self, keys: set[str] | None) -> None:
        self.keys = keys
        self.attempts = 0

    def __call__(self, request: Any, **_: Any) -> None:
        if self.keys is None or any(request.url.endswith(k) for k in self.keys):
            self.attempts += 1
            raise EndpointConnectionError(endpoint_url=request.url)


@contextmanager
def s3_unavailable(keys: set[str] | None = None) -> Iterator[_S3Unreachable]:
    fault = _S3Unreachable(keys)
    events = s3_client().meta.events
    events.register_first("before-send.s3.PutObject", fault)
    try:
        yield fault
    finally:
        events.unregister("before-send.s3.PutObject", fault)


@pytest.fixture
def worker(portal: None, render_queues: RenderQueues) -> QueueWorker:
    """The render queue with the template's redrive policy, polled as Lambda polls it."""
    spec, source = SamTemplate.load().sqs_consumer()
    return QueueWorker(
        function=LocalFunction(spec, region=REGION, log=lambda _: None),
        event_source=source,
        queue_url=render_queues.url,
        queue_arn=render_queues.arn,
        sqs=render_queues.sqs,
        region=REGION,
        log=lambda _: None,
        wait_seconds=0,
    )


def dead_letters() -> list[str]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName="pasjes-render-dlq")["QueueUrl"]
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [m["Body"] for m in found.get("Messages", [])]


def download(request_id: str) -> tuple[int, Any]:
    event = api_event("GET", "/requests/{id}/download", path_parameters={"id": request_id})
    return call(download_handler, event)


def entries(request_id: str) -> list[str]:
    data = boto3.client("s3").get_object(
        Bucket=get_settings().passes_bucket, Key=f"requests/{request_id}.zip"
    )["Body"]
    with zipfile.ZipFile(io.BytesIO(data.read())) as archive:
        assert archive.testzip() is None
        return sorted(archive.namelist())


def poll_until_empty(worker: QueueWorker, *, at_most: int = 10) -> int:
    """Poll as Lambda does until the queue is drained; the number of polls that got messages."""
    polls = 0
    while polls < at_most and worker.poll_once():
        polls += 1
    return polls


def test_while_s3_is_down_render_retries_then_fails_readably_with_nothing_downloadable(
    worker: QueueWorker,
) -> None:
    request_id = submitted()
    with s3_unavailable() as fault:
        polls = poll_until_empty(worker)

    assert polls == get_settings().max_receives
    # The SDK retried each upload before the delivery failed.
    assert fault.attempts > polls
    request = pass_requests.get_request(request_id)
    assert request is not None
    assert (request.status, request.error) == (RequestStatus.FAILED, FAILED_REASON)
    assert zip_count() == 0
    status, body = download(request_id)
    assert (status, body["code"], body["status"]) == (409, "request_not_ready", "failed")
    assert dead_letters() == [render_message(request_id)]


def test_a_render_that_dies_midway_is_finished_by_the_redelivery_with_one_right_zip(
    worker: QueueWorker,
) -> None:
    request_id = submitted()

    class Died(BaseException):
        """The Lambda runtime stopping mid-invocation: nothing of ours catches it."""

    def dies_after_one_pass(
        passes: Sequence[Pass],
        modified_at: datetime | None = None,
        on_progress: Callable[[int], object] | None = None,
        *,
        issuer: str | None = None,
    ) -> bytes:
        assert on_progress is not None
        on_progress(1)
        raise Died

    with pytest.raises(Died):
        render_request(request_id, receive_count=1, build=dies_after_one_pass)
    halfway = pass_requests.get_request(request_id)
    assert halfway is not None
    assert (halfway.status, halfway.rendered_count) == (RequestStatus.RENDERING, 1)

    # The message was never deleted, so SQS delivers it again.
    boto3.client("sqs").send_message(
        QueueUrl=get_settings().required("render_queue_url"), MessageBody=render_message(request_id)
    )
    assert poll_until_empty(worker) == 1

    done = pass_requests.get_request(request_id)
    assert done is not None
    assert done.status is RequestStatus.READY
    assert done.rendered_count == done.pass_count
    assert zip_count() == 1
    assert len(entries(request_id)) == done.pass_count
    assert download(request_id)[0] == 200


def test_a_poison_request_goes_to_the_dead_letter_queue_failed_while_its_batch_succeeds(
    worker: QueueWorker,
) -> None:
    poison = submitted(["99600953"])
    good = submitted(["99731441", "99694102"])
    with s3_unavailable({f"requests/{poison}.zip"}):
        polls = poll_until_empty(worker)

    assert polls == get_settings().max_receives
    assert dead_letters() == [render_message(poison)]
    failed, ready = pass_requests.get_request(poison), pass_requests.get_request(good)
    assert failed is not None
    assert ready is not None
    assert (failed.status, failed.error) == (RequestStatus.FAILED, FAILED_REASON)
    assert ready.status is RequestStatus.READY
    assert len(entries(good)) == ready.pass_count
    assert zip_count() == 1


def test_the_same_message_delivered_twice_at_once_makes_one_sound_zip(portal: None) -> None:
    request_id = submitted()
    # Two Lambda containers are two processes; in this one process the renderer's cold start
    # (font registration) is not meant to run twice at once, so the PDFs are made one after the
    # other and the deliveries race where containers share state: S3 and DynamoDB.
    one_renderer = threading.Lock()
    both_built = threading.Barrier(2, timeout=30)

    def build_together(
        passes: Sequence[Pass],
        modified_at: datetime | None = None,
        on_progress: Callable[[int], object] | None = None,
        *,
        issuer: str | None = None,
    ) -> bytes:
        with one_renderer:
            data = build_zip(passes, modified_at, on_progress)
        both_built.wait()
        return data

    outcomes: list[RequestStatus] = []

    def deliver() -> None:
        outcomes.append(render_request(request_id, receive_count=1, build=build_together))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == [RequestStatus.READY, RequestStatus.READY]
    request = pass_requests.get_request(request_id)
    assert request is not None
    assert request.status is RequestStatus.READY
    assert request.rendered_count == request.pass_count
    assert zip_count() == 1
    assert len(entries(request_id)) == request.pass_count
