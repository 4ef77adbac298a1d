"""Load: 50 contact persons searching, opening details, submitting and downloading for 60 s
against the local stack, which this script starts and stops itself.

    python -m bench.load [--users 50] [--seconds 60]

The contact persons are provisioned as an operator would: Cognito users in the stack's user
pool (verified email, permanent password, authenticator set up) and their membership of Keira
BHV through the data layer, against the stack's moto endpoint from /config.json. Each virtual
user loops: list a page of holders, open one holder's details, submit a request for one or two
holders, list their requests and download a ready one, with a short think time. Prints p50/p95
per endpoint, the answers by status, and what the quotas did. Any answer other than 2xx and the
quotas' 429 counts as an error; the exit status is 1 when there is one.

Plain threads and urllib rather than locust: the scenario is small, and locust's own pins
(gevent, flask) would need a venv of their own.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from infra.local.provision import create_verified_user
from tests.stack.harness import StackClient, start_stack

KEIRA = "keira-bhv"
PASSWORD = "Load-test-2026!"
THINK_SECONDS = (0.2, 0.8)
QUOTA_CODES = ("too_many_pending", "daily_limit_reached")
# The first user also submits this many requests back to back, to show the pending quota.
BURST = 20


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def record(self, name: str, seconds: float, status: int, body: Any) -> None:
        code = body.get("code") if isinstance(body, dict) else None
        with self.lock:
            self.latencies[name].append(seconds)
            self.statuses[(name, status)] += 1
            if code:
                self.codes[code] += 1
            if (status >= 400 or status == 0) and not (status == 429 and code in QUOTA_CODES):
                self.errors.append(f"{name} {status} {code}")


def provision(config: dict[str, Any], users: int) -> list[str]:
    """`users` contact persons of Keira BHV: their emails."""
    endpoint = config["cognitoEndpoint"]
    # The data layer reaches the stack's tables through moto's endpoint, as the importer does.
    from infra.local.provision import BUCKET, TABLES

    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": config["region"],
            "AWS_REGION": config["region"],
            "PASSES_BUCKET": BUCKET,
            "RENDER_QUEUE_URL": "unused-by-provisioning",
            **TABLES,
        }
    )
    from pasjes.dal import contacts
    from pasjes.domain import Organisation

    cognito = boto3.client("cognito-idp", region_name=config["region"], endpoint_url=endpoint)
    pool = config["userPoolId"]
    keira = Organisation(KEIRA, "Keira BHV")
    emails, memberships = [], []
    for number in range(users):
        email = f"load-{number:02d}@keira-bhv.example"
        sub = create_verified_user(
            cognito, pool, email, PASSWORD, client_id=config["userPoolClientId"]
        )
        emails.append(email)
        memberships.append((sub, email, keira))
    contacts.put_memberships(memberships)
    return emails


def timed(
    results: Results,
    client: StackClient,
    name: str,
    path: str,
    token: str,
    body: Any = None,
) -> tuple[int, Any]:
    method = "POST" if body is not None else "GET"
    started = time.perf_counter()
    try:
        status, answer = client.request(method, "/api" + path, token=token, body=body)
    except OSError as error:
        # No HTTP answer at all (a reset connection): an error, recorded as status 0.
        status, answer = 0, {"code": type(error).__name__}
    results.record(name, time.perf_counter() - started, status, answer)
    return int(status), answer


def burst(client: StackClient, token: str, results: Results, numbers: list[str]) -> None:
    """One person submitting all at once (a script, or many tabs): beyond 10 waiting for
    render, the pending quota must answer 429."""

    def submit(number: str) -> None:
        body = {"organisation": KEIRA, "qualificationNumbers": [number], "reference": "Burst"}
        timed(results, client, "POST /requests (burst)", "/requests", token, body)

    threads = [threading.Thread(target=submit, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def virtual_user(
    client: StackClient, email: str, until: float, results: Results, *, bursts: bool = False
) -> None:
    token = client.sign_in(email, PASSWORD)
    rng = random.Random(email)  # a load pattern, not a secret
    numbers: list[str] = []
    if bursts:
        path = f"/holders?organisation={KEIRA}"
        _, page = timed(results, client, "GET /holders", path, token)
        burst(client, token, results, [h["qualificationNumber"] for h in page["items"]][:BURST])
    while time.monotonic() < until:
        sort = rng.choice(["name", "qualificationNumber", "expiryDate"])
        path = f"/holders?organisation={KEIRA}&sort={sort}"
        status, page = timed(results, client, "GET /holders", path, token)
        if status == 200 and page["items"]:
            numbers = [h["qualificationNumber"] for h in page["items"]]
            path = f"/holders/{rng.choice(numbers)}?organisation={KEIRA}"
            timed(results, client, "GET /holders/{n}", path, token)
        if numbers:
            chosen = rng.sample(numbers, k=min(2, len(numbers)))
            body = {"organisation": KEIRA, "qualificationNumbers": chosen, "reference": "Load"}
            timed(results, client, "POST /requests", "/requests", token, body)
        status, mine = timed(results, client, "GET /requests", "/requests", token)
        ready = [r["id"] for r in (mine or {}).get("items", []) if r["status"] == "ready"]
        if status == 200 and ready:
            path = f"/requests/{rng.choice(ready)}/download"
            timed(results, client, "GET /requests/{id}/download", path, token)
        time.sleep(rng.uniform(*THINK_SECONDS))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(results: Results, seconds: float) -> str:
    lines = [f"{'endpoint':32} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8}  statuses"]
    for name in sorted(results.latencies):
        values = results.latencies[name]
        statuses = ", ".join(
            f"{status}: {count}"
            for (endpoint, status), count in sorted(results.statuses.items())
            if endpoint == name
        )
        lines.append(
            f"{name:32} {len(values):>6} {statistics.median(values) * 1000:>8.0f} "
            f"{percentile(values, 0.95) * 1000:>8.0f}  {statuses}"
        )
    total = sum(len(v) for v in results.latencies.values())
    lines.append(f"{total} calls in {seconds:.0f} s ({total / seconds:.1f}/s)")
    quota = {code: results.codes[code] for code in QUOTA_CODES}
    lines.append(f"quota answers (429): {quota}")
    lines.append(f"errors (anything else not 2xx): {len(results.errors)}")
    lines.extend(f"  {e}" for e, _ in Counter(results.errors).most_common(10))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as logs:
        stack = start_stack(Path(logs))
        try:
            config = stack.wait_until_ready()
            client = StackClient(stack.base_url, config)
            emails = provision(config, arguments.users)
            # Sign in first (Cognito is not what is measured), then start everyone together.
            for email in emails:
                client.sign_in(email, PASSWORD)
            results = Results()
            started = time.monotonic()
            until = started + arguments.seconds
            threads = [
                threading.Thread(
                    target=virtual_user,
                    args=(client, email, until, results),
                    kwargs={"bursts": number == 0},
                )
                for number, email in enumerate(emails)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            print(report(results, time.monotonic() - started))
        finally:
            stack.interrupt()
    return 1 if results.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
