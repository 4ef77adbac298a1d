"""The 7 days, with the clock moved instead of the data: links never outlive their request."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from functions.submit.app import handler as submit_handler
from pasjes.dal import pass_requests
from pasjes.errors import RequestExpired
from pasjes.logic.download import download_link, my_request, my_requests
from pasjes.logic.render import render_request
from tests.conftest import CONTACT, KEIRA, api_event, call


@pytest.fixture
def ready_request(portal: None) -> tuple[str, datetime]:
    body = {
        "organisation": KEIRA.id,
        "qualificationNumbers": ["99600953"],
        "reference": "Herhaling",
    }
    event = api_event("POST", "/requests", body=body)
    event["headers"].pop("Idempotency-Key", None)
    status, submitted = call(submit_handler, event)
    assert status == 202
    render_request(submitted["id"], receive_count=1)
    stored = pass_requests.get_request(submitted["id"])
    assert stored is not None
    return stored.id, stored.created_at


def test_a_link_made_just_before_the_end_lasts_only_until_the_end(
    ready_request: tuple[str, datetime],
) -> None:
    request_id, created = ready_request
    presigned: list[tuple[str, str, int]] = []

    def presign(key: str, file_name: str, seconds: int) -> str:
        presigned.append((key, file_name, seconds))
        return "https://example.test/zip"

    almost = created + timedelta(days=7, seconds=-30)
    link = download_link(request_id, CONTACT, now=lambda: almost, presign=presign)
    assert presigned == [(request_id, link.file_name, 30)]
    assert link.expires_at == almost + timedelta(seconds=30)
    assert "Herhaling" in link.file_name
    early = download_link(request_id, CONTACT, now=lambda: created, presign=presign)
    assert presigned[-1][2] == 300
    assert early.url == "https://example.test/zip"


def test_after_seven_days_the_request_is_gone_everywhere(
    ready_request: tuple[str, datetime],
) -> None:
    request_id, created = ready_request
    later = created + timedelta(days=7)
    assert (
        my_request(request_id, CONTACT, now=lambda: later - timedelta(seconds=1)).id == request_id
    )
    with pytest.raises(RequestExpired):
        my_request(request_id, CONTACT, now=lambda: later)
    with pytest.raises(RequestExpired):
        download_link(request_id, CONTACT, now=lambda: later)
    assert my_requests(CONTACT, now=lambda: later + timedelta(seconds=1)).items == []
    assert [r.id for r in my_requests(CONTACT, now=lambda: later - timedelta(hours=1)).items] == [
        request_id
    ]
