"""The render handler driven by SQS batch events: ZIPs in S3, statuses, redelivery, poison."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pypdfium2  # type: ignore[import-untyped]
import pytest
import zxingcpp
from pypdf import PdfReader

from functions.render.app import handler
from functions.submit.app import handler as submit_handler
from pasjes.dal import pass_requests
from pasjes.domain import Pass, RequestStatus
from pasjes.logic.render import FAILED_REASON, render_request
from pasjes.logic.verification import VerificationKeys, code_for
from pasjes.render.archive import build_zip
from pasjes.settings import get_settings
from tests.aws.test_verify_api import verification_keys
from tests.conftest import EVENTS, EX45465, KEIRA, FakeContext, api_event, call

__all__ = ["verification_keys"]  # the fixture, for pytest


def sqs_event(*bodies: str, receive_count: int = 1) -> dict[str, Any]:
    template = json.loads(Path(EVENTS / "render-sqs.json").read_text())["Records"][0]
    records = []
    for index, body in enumerate(bodies):
        record = copy.deepcopy(template)
        record["messageId"] = f"message-{index}"
        record["body"] = body
        record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
        records.append(record)
    return {"Records": records}


def submitted(numbers: list[str] = EX45465) -> str:
    body = {"organisation": KEIRA.id, "qualificationNumbers": numbers, "reference": "Examen"}
    event = api_event("POST", "/requests", body=body)
    event["headers"].pop("Idempotency-Key", None)
    status, answer = call(submit_handler, event)
    assert status == 202
    return str(answer["id"])


def stored_zip(request_id: str) -> zipfile.ZipFile:
    s3 = boto3.client("s3")
    data = s3.get_object(Bucket=get_settings().passes_bucket, Key=f"requests/{request_id}.zip")
    return zipfile.ZipFile(io.BytesIO(data["Body"].read()))


def zip_count() -> int:
    listed = boto3.client("s3").list_objects_v2(Bucket=get_settings().passes_bucket)
    return int(listed.get("KeyCount", 0))


def test_a_queued_request_becomes_a_zip_of_named_passes(portal: None) -> None:
    request_id = submitted()
    result = handler(sqs_event(json.dumps({"requestId": request_id})), FakeContext())
    assert result == {"batchItemFailures": []}
    archive = stored_zip(request_id)
    assert sorted(archive.namelist()) == [
        "99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf",
        "99600953_Dhr._TEST_de_Tester_EHK_Certificaat.pdf",
        "99694102_Dhr._TT_Te_Tester_DEH_Diploma.pdf",
        "99694102_Dhr._TT_Te_Tester_EHK_Certificaat.pdf",
        "99731441_Dhr._B_van_Test_DEH_Diploma.pdf",
    ]
    text = PdfReader(io.BytesIO(archive.read("99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf")))
    page = text.pages[0].extract_text()
    assert "Dhr. TEST de Tester" in page
    assert "99600953" in page
    assert "Diploma Eerste Hulp" in page
    request = pass_requests.get_request(request_id)
    assert request is not None
    assert request.status is RequestStatus.READY
    assert request.zip_size == len(
        boto3.client("s3")
        .get_object(Bucket=get_settings().passes_bucket, Key=f"requests/{request_id}.zip")["Body"]
        .read()
    )


def test_a_redelivered_message_makes_no_second_zip_and_keeps_it_ready(portal: None) -> None:
    request_id = submitted()
    message = json.dumps({"requestId": request_id})
    handler(sqs_event(message), FakeContext())
    first = pass_requests.get_request(request_id)
    result = handler(sqs_event(message, receive_count=2), FakeContext())
    again = pass_requests.get_request(request_id)
    assert result == {"batchItemFailures": []}
    assert zip_count() == 1
    assert first is not None
    assert again is not None
    assert (again.status, again.ready_at) == (RequestStatus.READY, first.ready_at)


def test_a_poison_record_is_reported_alone(portal: None) -> None:
    good = submitted()
    event = sqs_event(
        "not json at all",
        json.dumps({"requestId": good}),
        json.dumps({"requestId": "NoSuchRequest0000000"}),
    )
    result = handler(event, FakeContext())
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "message-0"}, {"itemIdentifier": "message-2"}]
    }
    request = pass_requests.get_request(good)
    assert request is not None
    assert request.status is RequestStatus.READY


def broken_build(
    passes: Sequence[Pass],
    modified_at: datetime | None = None,
    on_progress: Callable[[int], object] | None = None,
    *,
    issuer: str | None = None,
) -> bytes:
    raise RuntimeError("renderer broke")


def test_a_failure_is_retried_and_only_the_last_delivery_marks_it_failed(portal: None) -> None:
    request_id = submitted()
    with pytest.raises(RuntimeError):
        render_request(request_id, receive_count=1, build=broken_build)
    request = pass_requests.get_request(request_id)
    assert request is not None
    assert request.status is RequestStatus.RENDERING
    with pytest.raises(RuntimeError):
        render_request(
            request_id, receive_count=int(get_settings().max_receives or 0), build=broken_build
        )
    request = pass_requests.get_request(request_id)
    assert request is not None
    assert (request.status, request.error) == (RequestStatus.FAILED, FAILED_REASON)
    assert zip_count() == 0


def test_progress_is_recorded_while_rendering_and_complete_when_ready(portal: None) -> None:
    request_id = submitted()
    seen: list[int] = []

    def watched_build(
        passes: Sequence[Pass],
        modified_at: datetime | None = None,
        on_progress: Callable[[int], object] | None = None,
        *,
        issuer: str | None = None,
    ) -> bytes:
        def record(done: int) -> None:
            assert on_progress is not None
            on_progress(done)
            stored = pass_requests.get_request(request_id)
            assert stored is not None
            seen.append(stored.rendered_count)

        return build_zip(list(passes) * 30, modified_at, record)

    assert render_request(request_id, receive_count=1, build=watched_build) is RequestStatus.READY
    assert seen == [50, 100]
    request = pass_requests.get_request(request_id)
    assert request is not None
    assert request.rendered_count == request.pass_count


def test_with_verification_keys_every_pass_carries_its_qr_code(
    portal: None, verification_keys: VerificationKeys
) -> None:
    request_id = submitted()
    handler(sqs_event(json.dumps({"requestId": request_id})), FakeContext())
    pdf = stored_zip(request_id).read("99600953_Dhr._TEST_de_Tester_EHK_Certificaat.pdf")
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    code = code_for(verification_keys, "99600953", "EHK")
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [f"http://127.0.0.1:3000/v/{code}"]
    assert code[:12] in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_without_a_configured_secret_passes_are_made_without_qr_code(portal: None) -> None:
    request_id = submitted()
    handler(sqs_event(json.dumps({"requestId": request_id})), FakeContext())
    pdf = stored_zip(request_id).read("99731441_Dhr._B_van_Test_DEH_Diploma.pdf")
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    assert zxingcpp.read_barcodes(image) == []
