"""How much a search reads, and how long the handler takes, on a large table.

    .venv/bin/python -m bench.search [--holders 100000] [--org-holders 10000] [--repeat 15]

Loads `--holders` holders (Keira BHV has `--org-holders` of them) into the embedded AWS (moto's
server, in this process), then calls the real search handler with API Gateway events for each
kind of search. For each it prints:

- items: DynamoDB items the request read, the caller's memberships included;
- rows read / needed: holder rows in those items, against the rows the answer depended on
  (those matching the filters: sorting and the total need every one of them), and against the
  rows it returned;
- handler ms: the handler's median CPU time over `--repeat` calls. moto runs in a process of its
  own, so neither its work nor the wait for it is counted: this is our code and the SDKs, what a
  Lambda's own CPU would spend.

A warm container keeps an organisation's decoded list while its version item says it is current
(see pasjes.dal.registrations), so repeated calls show the warm figure; "cold container" drops
that cache before every call and shows a first call's cost.

Baseline, in the same run: the same organisation listed from one DynamoDB item per holder
(the H# items every registration also has), as a table without packed chunks would. The ratios
show what the packed listing saves. Targets: exam-number search reads at most 1.2x the rows it
returns; a 10,000-holder list sorts and pages in under 50 ms of handler time.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import msgspec
from botocore.client import BaseClient

from infra.local.environment import configure_environment, template_environment
from infra.local.gateway.template import SamTemplate
from infra.local.provision import create_cursor_secret
from infra.ops.demo_data import KEIRA_BHV, benchmark_dataset
from tests.conftest import FakeContext, api_event
from tests.stack.harness import free_port

BENCH_SUB = "bench-contact"


@dataclass
class Reads:
    items: int = 0
    rows: int = 0
    counting_seconds: float = 0.0


READS = Reads()


def _count(operation: str, response: dict[str, Any]) -> None:
    if operation == "Query":
        items = response.get("Items", [])
    elif operation == "GetItem":
        items = [response["Item"]] if "Item" in response else []
    elif operation == "BatchGetItem":
        items = [i for found in response.get("Responses", {}).values() for i in found]
    else:
        return
    for item in items:
        READS.items += 1
        if packed := item.get("rows"):
            READS.rows += len(msgspec.msgpack.decode(zlib.decompress(packed["B"])))
        elif "qualificationNumber" in item:
            READS.rows += 1


def instrument() -> None:
    """Count the items DynamoDB answers with (and keep the counting out of the handler's time).

    This wraps botocore, not our code: every client, pynamodb's own included, goes through it.
    """
    make_api_call = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counted(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        response = make_api_call(self, operation, params)
        started = time.process_time()
        _count(operation, response)
        # Counting is the bench's own work, not the handler's.
        READS.counting_seconds += time.process_time() - started
        return response

    BaseClient._make_api_call = counted  # type: ignore[attr-defined]


def start_moto(port: int) -> subprocess.Popen[bytes]:
    """moto's server in a process of its own, so it never competes with the handler for the GIL."""
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return server
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("moto's server did not start")


@contextmanager
def measured() -> Iterator[Reads]:
    READS.items = READS.rows = 0
    READS.counting_seconds = 0.0
    snapshot = Reads()
    yield snapshot
    snapshot.items, snapshot.rows, snapshot.counting_seconds = (
        READS.items,
        READS.rows,
        READS.counting_seconds,
    )


@dataclass
class Figure:
    name: str
    items: int
    rows_read: int
    rows_needed: int
    rows_returned: int
    handler_ms: float


def measure(
    name: str,
    call: Callable[[], dict[str, Any]],
    repeat: int,
    before_each: Callable[[], None] = lambda: None,
) -> Figure:
    times: list[float] = []
    body: dict[str, Any] = {}
    for _ in range(repeat):
        before_each()
        with measured() as reads:
            started = time.process_time()
            body = call()
            elapsed = time.process_time() - started
        times.append((elapsed - reads.counting_seconds) * 1000)
    return Figure(
        name,
        reads.items,  # the last call's, as every call reads the same
        reads.rows,
        int(body.get("total", len(body.get("items", [])))),
        len(body.get("items", [])),
        statistics.median(times),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holders", type=int, default=100_000)
    parser.add_argument("--org-holders", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    port = free_port()
    server = start_moto(port)
    try:
        _measure(args, port)
    finally:
        server.terminate()
    return 0


def _measure(args: argparse.Namespace, port: int) -> None:
    moto_url = f"http://127.0.0.1:{port}"
    configure_environment(moto_url, template_environment(SamTemplate.load()))
    # The cursor key lives in Secrets Manager, as in a deployment and the local stack.
    os.environ["CURSOR_SECRET_NAME"] = create_cursor_secret(moto_url)
    instrument()
    # Imported only now: the handler's clients must see the embedded AWS.
    from functions.search.app import handler
    from infra.ops.importer import load
    from infra.tables import create_tables
    from pasjes.dal.contacts import put_memberships
    from pasjes.dal.registrations import (
        RegistrationModel,
        _row_of_holder_item,
        forget_cached_lists,
    )
    from pasjes.domain import Organisation
    from pasjes.logic.cursor import cursor_secret
    from pasjes.logic.search import HolderSearch, search_holders

    today = date.today()
    out = sys.stdout
    out.write(f"Generating {args.holders:,} holders ({args.org_holders:,} at Keira BHV)...\n")
    dataset = benchmark_dataset(args.holders, args.org_holders, today=today)
    create_tables()
    started = time.perf_counter()
    load(dataset, resolve_sub=lambda email: f"sub-{email}")
    put_memberships([(BENCH_SUB, "bench@example.test", Organisation(KEIRA_BHV, "Keira BHV"))])
    out.write(f"Loaded into the embedded AWS in {time.perf_counter() - started:.0f} s.\n\n")

    holders_at_keira = [r for r in dataset.registrations if r.organisation_id == KEIRA_BHV]
    numbers = {r.qualification_number for r in holders_at_keira}
    exams = Counter(
        q.exam_number
        for h in dataset.holders
        if h.qualification_number in numbers
        for q in h.qualifications
    )
    exam_number = exams.most_common(1)[0][0]
    surname = next(h.name.split()[-1] for h in dataset.holders if h.qualification_number in numbers)
    # A Lambda holds no data set: a million live objects would slow every garbage collection.
    del dataset, holders_at_keira, numbers, exams
    gc.collect()

    def search(query: dict[str, str]) -> Callable[[], dict[str, Any]]:
        event = api_event(
            "GET", "/holders", sub=BENCH_SUB, query={"organisation": KEIRA_BHV, **query}
        )
        return lambda: json.loads(handler(event, FakeContext())["body"])

    kinds: list[tuple[str, dict[str, str]]] = [
        (f"list sorted by {column}", {"sort": column})
        for column in (
            "qualificationNumber",
            "name",
            "birthDate",
            "expiryDate",
            "status",
            "externalNumber",
        )
    ]
    kinds += [
        ("list, 3rd page by name", {"sort": "name"}),
        (f"exam number {exam_number}", {"examNumber": exam_number}),
        (f"name query '{surname}'", {"q": surname}),
        (
            "expiry in the next year",
            {
                "expiryFrom": today.isoformat(),
                "expiryTo": (today + timedelta(days=365)).isoformat(),
            },
        ),
        # "Verloopt binnen": each qualification's own date, from the same chunks.
        ("Verloopt binnen 3 maanden", {"expiring": "3m"}),
        ("Verloopt binnen 12 maanden", {"expiring": "12m"}),
    ]
    figures = [
        measure(
            "list by name, cold container",
            search({"sort": "name"}),
            args.repeat,
            before_each=forget_cached_lists,
        )
    ]
    for name, query in kinds:
        if name.startswith("list, 3rd page"):
            first = search(query)()
            second = search({**query, "cursor": first["nextCursor"]})()
            query = {**query, "cursor": second["nextCursor"]}
        figures.append(measure(name, search(query), args.repeat))

    def one_item_per_holder() -> dict[str, Any]:
        """The baseline: the same list from one item per holder, through the same logic."""
        query = RegistrationModel.query(KEIRA_BHV, RegistrationModel.entry_key.startswith("H#"))
        rows = [_row_of_holder_item(item) for item in query]
        page = search_holders(
            rows,
            HolderSearch(KEIRA_BHV),
            cursor=None,
            today=today,
            secret=cursor_secret(),
        )
        return {"items": page.items, "total": page.total}

    baseline = measure("baseline: item per holder", one_item_per_holder, max(3, args.repeat // 3))
    ours = next(f for f in figures if f.name == "list by name, cold container")

    out.write(
        f"{'search':<34}{'items':>7}{'rows read':>11}{'needed':>8}{'returned':>9}"
        f"{'read/needed':>12}{'read/returned':>14}{'handler ms':>11}\n"
    )
    for f in [*figures, baseline]:
        per_needed = f.rows_read / max(1, f.rows_needed)
        per_returned = f.rows_read / max(1, f.rows_returned)
        out.write(
            f"{f.name:<34}{f.items:>7}{f.rows_read:>11}{f.rows_needed:>8}{f.rows_returned:>9}"
            f"{per_needed:>12.2f}{per_returned:>14.2f}{f.handler_ms:>11.1f}\n"
        )
    exam = next(f for f in figures if f.name.startswith("exam number"))
    lists = [f for f in figures[1:] if f.name.startswith("list")]
    slowest = max(f.handler_ms for f in lists)
    cold = figures[0].handler_ms
    exam_ratio = exam.rows_read / max(1, exam.rows_returned)
    out.write(
        "\nTargets:\n"
        f"  exam-number search reads {exam_ratio:.2f}x the rows it returns "
        f"(target <= 1.2): {'met' if exam_ratio <= 1.2 else 'NOT met'}\n"
        f"  {args.org_holders:,}-holder list, slowest sort: {slowest:.1f} ms handler time "
        f"(target < 50): {'met' if slowest < 50 else 'NOT met'}; a cold container's first "
        f"call: {cold:.1f} ms\n"
        f"  packed list (cold) vs one item per holder: {ours.items} vs {baseline.items} items "
        f"read, {ours.handler_ms / baseline.handler_ms:.2f}x the handler time\n"
    )


if __name__ == "__main__":
    sys.exit(main())
