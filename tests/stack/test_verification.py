"""Issue #7 end to end: the QR code on a rendered pass opens the public check, which answers from
the registry as the last import left it.

A Keira BHV holder's pass is requested, rendered and downloaded over HTTP; the QR code is read off
the PDF's page image; its URL's check answers `geldig`. Then an operator's import (`python -m
infra.ops.importer --endpoint-url`, against the stack's moto server) withdraws that
qualification and the same check answers `ingetrokken`; the import of the demo data as it was
puts it back.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from infra.local import provision as local
from infra.ops.dataset import Dataset, write_folder
from infra.ops.demo_data import KEIRA_BHV, generate
from pasjes.domain import Holder
from tests.stack.harness import CONTACT, MANUAL_EXAM_HOLDERS, REPO, StackClient, StackProcess
from tests.verification_helpers import qr_codes_on

IMPORT_SECONDS = 120
# Holders other tests of the session's stack use; this test leaves them alone.
USED_ELSEWHERE = {*MANUAL_EXAM_HOLDERS, "73029884"}


@pytest.fixture(scope="module")
def demo() -> Dataset:
    """The demo data exactly as the stack loaded it (`make run`: 1,200 holders, seeded, today)."""
    return generate(holders=1200, today=date.today())


@pytest.fixture(scope="module")
def holder(demo: Dataset) -> Holder:
    """A Keira BHV holder with one qualification, valid, not withdrawn, used by no other test."""
    keira = {r.qualification_number for r in demo.registrations if r.organisation_id == KEIRA_BHV}
    today = date.today()
    return next(
        h
        for h in demo.holders
        if h.qualification_number in keira
        and h.qualification_number not in USED_ELSEWHERE
        and len(h.qualifications) == 1
        and all(
            q.withdrawn_on is None and q.expiry_date is not None and q.expiry_date > today
            for q in h.qualifications
        )
    )


def _import(
    stack: StackClient, stack_process: StackProcess, dataset: Dataset, folder: Path
) -> None:
    """What an operator runs: the import command, against the stack's moto server."""
    write_folder(dataset, folder)
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") or name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
    }
    environment.update(
        {
            **local.TABLES,
            "PASSES_BUCKET": local.BUCKET,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )
    command = [
        sys.executable,
        "-m",
        "infra.ops.importer",
        str(folder),
        "--user-pool-id",
        stack.config["userPoolId"],
        "--region",
        stack.config["region"],
        "--endpoint-url",
        f"http://127.0.0.1:{stack_process.moto_port}",
        # The session's stack may hold a contact person another test invited by an export; the
        # demo data ends that membership, which the mass-removal guard would refuse (1 of 4).
        "--allow-large-removal",
    ]
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=IMPORT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"outcome": "loaded"' in done.stdout


@pytest.fixture
def importer(
    stack: StackClient, stack_process: StackProcess, demo: Dataset, tmp_path: Path
) -> Iterator[Callable[[Dataset], None]]:
    """Runs the import of a dataset; afterwards the demo data as the stack loaded it again, so
    the session's other tests find the registry as they expect it."""
    imported: list[Dataset] = []

    def run(dataset: Dataset) -> None:
        imported.append(dataset)
        _import(stack, stack_process, dataset, tmp_path / f"import-{len(imported)}")

    yield run
    if imported:
        _import(stack, stack_process, demo, tmp_path / "restore")


def _withdrawn(dataset: Dataset, number: str, on: date) -> Dataset:
    """The dataset with every qualification of holder `number` withdrawn on `on`."""
    holders = tuple(
        replace(h, qualifications=tuple(replace(q, withdrawn_on=on) for q in h.qualifications))
        if h.qualification_number == number
        else h
        for h in dataset.holders
    )
    return replace(dataset, holders=holders)


def _pass_of(stack: StackClient, number: str) -> bytes:
    """The one PDF of a request for holder `number`, through submit, render and download."""
    token = stack.sign_in(CONTACT)
    status, created = stack.post(
        "/api/requests", {"organisation": KEIRA_BHV, "qualificationNumbers": [number]}, token=token
    )
    assert status == 202, created
    stack.wait_until_ready(created["id"], token)
    status, download = stack.get(f"/api/requests/{created['id']}/download", token=token)
    assert status == 200, download
    with urllib.request.urlopen(download["url"], timeout=30) as answer:  # noqa: S310 - moto's URL
        archive = zipfile.ZipFile(io.BytesIO(answer.read()))
    (name,) = archive.namelist()
    assert name.startswith(number)
    return archive.read(name)


def _check(stack: StackClient, url: str) -> tuple[int, dict[str, object]]:
    """The API call the page at `url` ({origin}/v/{code}) makes: {origin}/api/verify/{code},
    without a token."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == stack.base_url, url
    code = parts.path.removeprefix("/v/")
    status, answer = stack.get(f"/api/verify/{code}")
    return status, answer


def test_the_qr_code_on_a_pass_opens_a_check_that_follows_the_registry(
    stack: StackClient,
    demo: Dataset,
    holder: Holder,
    importer: Callable[[Dataset], None],
) -> None:
    (qualification,) = holder.qualifications

    (url,) = qr_codes_on(_pass_of(stack, holder.qualification_number))

    assert url.startswith(f"{stack.base_url}/v/")
    status, answer = _check(stack, url)
    assert status == 200, answer
    assert answer["status"] == "geldig"
    assert answer["holderName"] == holder.name
    assert answer["qualification"] == {"name": qualification.name, "type": qualification.type}
    assert qualification.expiry_date is not None
    assert answer["expiryDate"] == qualification.expiry_date.isoformat()
    # Nothing that identifies the holder beyond the name on the pass itself.
    assert holder.qualification_number not in str(answer)
    assert holder.birth_date.isoformat() not in str(answer)

    importer(_withdrawn(demo, holder.qualification_number, date.today()))

    status, answer = _check(stack, url)
    assert status == 200, answer
    assert answer["status"] == "ingetrokken"
    assert answer["holderName"] == holder.name


def test_an_unknown_a_tampered_and_a_malformed_code_get_the_same_404(
    stack: StackClient, holder: Holder
) -> None:
    (url,) = qr_codes_on(_pass_of(stack, holder.qualification_number))
    code = urlsplit(url).path.removeprefix("/v/")
    # One character of the MAC changed: a code that looks right but was never issued.
    tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
    unknown = "a" + "0" * (len(code) - 1)

    answers = [stack.get(f"/api/verify/{c}") for c in (tampered, unknown, "not-a-code")]

    assert stack.get(f"/api/verify/{code}")[0] == 200
    assert [status for status, _ in answers] == [404, 404, 404]
    bodies = [body for _, body in answers]
    assert bodies[0] == bodies[1] == bodies[2]
    assert set(bodies[0]) == {"message", "code"}
