"""Issue #3 end to end: submit over HTTP, render through the local queue, download the ZIP."""

from __future__ import annotations

import io
import urllib.request
import zipfile

from pypdf import PdfReader

from tests.stack.harness import COLLEAGUE, CONTACT, MANUAL_EXAM_HOLDERS, STRANGER, StackClient


def test_a_contact_downloads_the_passes_of_the_manuals_exam_and_nobody_else_can(
    stack: StackClient,
) -> None:
    token = stack.sign_in(CONTACT)

    status, created = stack.post(
        "/api/requests",
        {
            "organisation": "keira-bhv",
            "qualificationNumbers": list(MANUAL_EXAM_HOLDERS),
            "reference": "Examen EX45465",
        },
        token=token,
    )
    assert status == 202, created
    assert created["status"] == "pending"
    request_id = created["id"]

    ready = stack.wait_until_ready(request_id, token)
    assert ready["readyAt"]

    status, download = stack.get(f"/api/requests/{request_id}/download", token=token)
    assert status == 200, download
    assert set(download) == {"url", "expiresAt", "fileName"}
    assert download["fileName"].endswith(".zip")
    with urllib.request.urlopen(download["url"], timeout=30) as answer:  # noqa: S310 - moto's URL
        archive = zipfile.ZipFile(io.BytesIO(answer.read()))

    names = archive.namelist()
    assert "99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf" in names
    assert "99600953_Dhr._TEST_de_Tester_EHK_Certificaat.pdf" in names
    assert all(name.startswith(MANUAL_EXAM_HOLDERS) for name in names)
    with archive.open("99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf") as pdf:
        text = PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text()
    assert "TEST de Tester" in text

    for other in (COLLEAGUE, STRANGER):
        other_token = stack.sign_in(other)
        assert stack.get(f"/api/requests/{request_id}", token=other_token)[0] == 404
        assert stack.get(f"/api/requests/{request_id}/download", token=other_token)[0] == 404
        status, listed = stack.get("/api/requests", token=other_token)
        assert status == 200
        assert request_id not in {item["id"] for item in listed["items"]}
