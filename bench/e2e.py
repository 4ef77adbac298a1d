"""Submit → ready → ZIP downloaded, for a 250-pass request, through the local stack.

    .venv/bin/python -m bench.e2e [--rounds 3]

Starts `python -m infra.local` on free ports (real Cognito tokens, real SQS messages driving the
render handler, real S3 objects and presigned URLs, all on the embedded AWS), signs in as the demo
contact of Keira BHV, picks holders until they make exactly 250 passes (as the server's preview
counts them), then times each round from the POST to the last byte of the ZIP. Target: under 3 s.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

from infra.ops.demo_data import KEIRA_BHV
from tests.stack.harness import CONTACT, StackClient, start_stack

PASSES = 250
TARGET_SECONDS = 3.0


def passes_of(client: StackClient, token: str, numbers: list[str]) -> int:
    """How many passes a request of these holders makes, as the server counts them (withdrawn
    qualifications make none, a diploma's modules go on its pass): its preview."""
    status, preview = client.post(
        "/api/requests/preview",
        {"organisation": KEIRA_BHV, "qualificationNumbers": numbers},
        token=token,
    )
    assert status == 200, preview
    return int(preview["passCount"])


def pick_holders(client: StackClient, token: str) -> list[str]:
    """Holders of Keira BHV whose qualifications add up to exactly 250 passes, counted by the
    server's preview, so any day's demo data (a withdrawn qualification here or there) does."""
    status, page = client.get(
        f"/api/holders?organisation={KEIRA_BHV}&sort=qualificationNumber&limit=500", token=token
    )
    assert status == 200, page
    chosen: list[str] = []
    passes = 0
    for row in page["items"]:
        number = row["qualificationNumber"]
        count = passes_of(client, token, [number])
        if count and passes + count <= PASSES:
            chosen.append(number)
            passes += count
        if passes == PASSES:
            assert passes_of(client, token, chosen) == PASSES
            return chosen
    raise SystemExit(f"Keira BHV's first 500 holders make {passes} passes, not {PASSES}")


def one_round(client: StackClient, token: str, numbers: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    status, request = client.post(
        "/api/requests",
        {"organisation": KEIRA_BHV, "qualificationNumbers": numbers, "reference": "bench"},
        token=token,
    )
    assert status == 202, request
    assert request["passCount"] == PASSES, request
    submitted = time.perf_counter()
    while True:
        status, current = client.get(f"/api/requests/{request['id']}", token=token)
        assert status == 200, current
        if current["status"] == "ready":
            break
        assert current["status"] in ("pending", "rendering"), current
        time.sleep(0.02)
    ready = time.perf_counter()
    status, download = client.get(f"/api/requests/{request['id']}/download", token=token)
    assert status == 200, download
    with urllib.request.urlopen(download["url"], timeout=30) as answer:  # noqa: S310 (local)
        data = answer.read()
    done = time.perf_counter()
    entries = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(entries) == PASSES, len(entries)
    return {
        "submit": submitted - started,
        "render": ready - submitted,
        "download": done - ready,
        "total": done - started,
        "zip_kb": len(data) / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    out = sys.stdout
    with tempfile.TemporaryDirectory() as logs:
        stack = start_stack(Path(logs))
        try:
            client = StackClient(stack.base_url, stack.wait_until_ready())
            token = client.sign_in(CONTACT)
            numbers = pick_holders(client, token)
            out.write(f"{len(numbers)} holders of Keira BHV, {PASSES} passes per request\n\n")
            rounds = [one_round(client, token, numbers) for _ in range(args.rounds)]
        finally:
            stack.interrupt()
    out.write(
        f"{'round':<7}{'submit s':>10}{'render s':>10}{'download s':>12}{'total s':>9}"
        f"{'ZIP KB':>9}\n"
    )
    for index, figures in enumerate(rounds, 1):
        out.write(
            f"{index:<7}{figures['submit']:>10.2f}{figures['render']:>10.2f}"
            f"{figures['download']:>12.2f}{figures['total']:>9.2f}{figures['zip_kb']:>9.0f}\n"
        )
    median = statistics.median(r["total"] for r in rounds)
    verdict = "met" if median < TARGET_SECONDS else "NOT met"
    out.write(
        f"\nMedian submit → ZIP downloaded: {median:.2f} s "
        f"(target < {TARGET_SECONDS:.0f} s): {verdict}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
