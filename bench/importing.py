"""What an import of the national registry costs: items written, our CPU time, peak memory.

    .venv/bin/python -m bench.importing [--holders 250000] [--organisations 3000] \
        [--largest 10000] [--contacts 5000] [--changed 0.01] [--read-only]

Generates a registry export (ZIP with manifest, as the registry drops it) of `--holders` holders
with about 2.4 qualifications each at `--organisations` organisations (the largest has
`--largest` holders; about 5% of holders are registered at a second one) and `--contacts`
contact persons, then imports, each in a fresh process against moto's server in a process of
its own (so moto's work is not counted):

1. the export, into empty tables (the first import);
2. the same files under a new exportId (a daily export of an unchanged registry);
3. the same content with the rows in another order (so every row is read, checked and diffed);
4. the same with `--changed` of the holders changed (a name, an expiry date, a withdrawal).

For each: the outcome, items written, DynamoDB write and read request units (estimated from the
items' sizes, as DynamoDB bills them: a write unit per 1 KB of item, a consistent read unit per
4 KB read), our process's CPU time for the import (reading and checking the export included),
and its peak RSS. The contact persons exist in the directory already (an in-memory one): the
first import's 5,000 invitations are Cognito calls, not table writes, and are left out.

The national size's first import takes moto about three minutes; its 'changed' import takes
hours (moto's Query reads the whole table, and it reads every changed list), so measure that one
at a smaller size, or leave it out with `--imports first,same,reordered`. `--read-only` only
reads, checks and diffs the first export and makes every item it would write, with no table.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.registry_export import generate
from bench.search import start_moto
from tests.stack.harness import free_port

# The imports, in the order they run: each after the ones before it, into the same tables.
IMPORTS = ("first", "same", "reordered", "changed")
# On-demand list prices, us-east-1, per million request units (since November 2024).
WRITE_PRICE = 0.625
READ_PRICE = 0.125


class Units:
    """Items written and request units, counted from the calls botocore makes."""

    def __init__(self) -> None:
        self.items = 0
        self.write_units = 0
        self.read_units = 0.0
        self.seconds = 0.0
        self.write_calls = 0

    def count(self, operation: str, params: dict[str, Any], response: dict[str, Any]) -> None:
        if operation in ("BatchWriteItem", "PutItem", "UpdateItem", "DeleteItem"):
            self.write_calls += 1
        if operation == "BatchWriteItem":
            for requests in params.get("RequestItems", {}).values():
                for request in requests:
                    item = request.get("PutRequest", {}).get("Item")
                    self.items += 1
                    self.write_units += _kb(item) if item else 1
        elif operation in ("PutItem", "UpdateItem", "DeleteItem"):
            self.items += 1
            self.write_units += _kb(params.get("Item")) if "Item" in params else 1
        elif operation in ("Query", "GetItem", "BatchGetItem"):
            found = response.get("Items") or ([response["Item"]] if "Item" in response else [])
            for table in response.get("Responses", {}).values():
                found += table
            size = sum(len(json.dumps(i, default=str)) for i in found)
            self.read_units += max(1, math.ceil(size / 4096))


def _kb(item: dict[str, Any] | None) -> int:
    # JSON of the typed attributes overstates the billed size a little: an upper bound.
    return max(1, math.ceil(len(json.dumps(item, default=str)) / 1024)) if item else 1


def run_one(path: Path, contacts: Path) -> dict[str, Any]:
    """One import in this process (fresh): the figures as a dict."""
    from botocore.client import BaseClient

    from pasjes.importing import DirectoryUser, StaticDirectory, import_export

    units = Units()
    make_api_call = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counted(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        response = make_api_call(self, operation, params)
        started = time.process_time()
        units.count(operation, params, response)
        units.seconds += time.process_time() - started
        return response

    BaseClient._make_api_call = counted  # type: ignore[attr-defined]
    emails = json.loads(contacts.read_text())
    directory = StaticDirectory(
        {e: DirectoryUser(username=e, sub=f"sub-{e}", enabled=True, managed=False) for e in emails}
    )
    payload = path.read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, wall = time.process_time(), time.monotonic()
    if profile := os.environ.get("BENCH_PROFILE"):
        import cProfile

        with cProfile.Profile(time.process_time) as profiler:
            report = import_export(payload, directory=directory)
        profiler.dump_stats(profile)
    else:
        report = import_export(payload, directory=directory)
    cpu = time.process_time() - started - units.seconds
    return {
        "outcome": report.outcome,
        "errors": list(report.errors[:3]),
        "itemsWritten": report.items_written,
        "itemsCounted": units.items,
        "writeUnits": units.write_units,
        "writeCalls": units.write_calls,
        "readUnits": round(units.read_units),
        "cpuSeconds": round(cpu, 1),
        "wallSeconds": round(time.monotonic() - wall, 1),
        "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rssBeforeMb": round(before / 1024),
        "counts": {k: v for k, v in report.counts.items() if v},
    }


def diff_one(path: Path, contacts: Path) -> dict[str, Any]:
    """An import's reading, checking and diffing of the export against empty tables, and the
    making of every item it would write, without a table: no moto, so any size fits."""
    from pasjes.dal.holders import _item_data
    from pasjes.dal.registrations import _items_of
    from pasjes.importing import DirectoryUser
    from pasjes.importing.plan import Loaded, plan, target_of, to_read, with_rows
    from pasjes.importing.reading import parse_export

    emails = json.loads(contacts.read_text())
    users = {e: DirectoryUser(e, f"sub-{e}", enabled=True, managed=False) for e in emails}
    payload = path.read_bytes()
    gc.disable()  # as import_export does
    started = time.process_time()
    manifest, dataset = parse_export(payload)
    parsed = time.process_time()
    loaded = Loaded({}, {})
    target = target_of(dataset)
    reading = to_read(manifest, target, loaded)
    target = with_rows(target, dataset, reading)
    result = plan(
        manifest,
        target,
        loaded,
        reading,
        stored_rows={},
        contact_subs={},
        users=users,
        old_holders={},
    )
    diffed = time.process_time()
    items = sum(
        1 for h in result.holders_put if _item_data(h, target.holder_hashes[h.qualification_number])
    )
    for organisation_id in result.lists_put:
        made, chunks = _items_of(organisation_id, target.rows[organisation_id], "v")
        items += len(made) + len(chunks)
    return {
        "readSeconds": round(parsed - started, 1),
        "diffSeconds": round(diffed - parsed, 1),
        "itemsSeconds": round(time.process_time() - diffed, 1),
        "itemsMade": items,
        "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "counts": {k: v for k, v in result.counts.items() if v},
    }


def _environment(moto_url: str) -> None:
    from infra.local.environment import configure_environment, template_environment
    from infra.local.gateway.template import SamTemplate

    configure_environment(moto_url, template_environment(SamTemplate.load()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holders", type=int, default=250_000)
    parser.add_argument("--organisations", type=int, default=3_000)
    parser.add_argument("--largest", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=5_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument(
        "--imports",
        default="first,same,reordered,changed",
        help="which of the imports to run: 'first' and any of the others, which run after it "
        "in this order (at the national size moto's Query reads the whole table, so 'changed', "
        "which reads every changed list, takes hours there)",
    )
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--moto-url", help=argparse.SUPPRESS)
    parser.add_argument("--diff", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="only read, check and diff the first export and make its items, with no tables "
        "(fits the national size on a laptop: the writes are what moto cannot take)",
    )
    args = parser.parse_args(argv)
    chosen = args.imports.split(",")
    if "first" not in chosen or set(chosen) - set(IMPORTS):
        parser.error(f"--imports: 'first' and any of {', '.join(IMPORTS[1:])}")
    if args.generate:
        generate(args, args.generate)
        return 0
    if args.diff:
        print(json.dumps(diff_one(args.diff, args.diff.parent / "contacts.json")))
        return 0
    if args.run:
        _environment(args.moto_url)
        print(json.dumps(run_one(args.run, args.run.parent / "contacts.json")))
        return 0

    out = sys.stdout
    with tempfile.TemporaryDirectory(prefix="bench-importing-") as temporary:
        folder = Path(temporary)
        started = time.monotonic()
        # In a process of its own: a child forked from a parent holding the generated data
        # would start with the parent's resident size as its peak.
        subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "bench.importing",
                "--generate",
                str(folder),
                *(argv or sys.argv[1:]),
            ],
            check=True,
        )
        paths = {name: folder / f"{name}.zip" for name in IMPORTS}
        sizes = ", ".join(f"{k} {p.stat().st_size / 1e6:.1f} MB" for k, p in paths.items())
        out.write(f"Generated the exports in {time.monotonic() - started:.0f} s ({sizes}).\n")
        if args.read_only:
            command = [sys.executable, "-m", "bench.importing", "--diff", str(paths["first"])]
            done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
                command, capture_output=True, text=True, check=True
            )
            out.write(f"first, read and diffed only: {done.stdout.strip().splitlines()[-1]}\n")
            return 0
        port = free_port()
        server = start_moto(port)
        moto_url = f"http://127.0.0.1:{port}"
        try:
            _environment(moto_url)
            from infra.tables import create_tables

            create_tables()
            results: dict[str, dict[str, Any]] = {}
            for name, path in paths.items():
                if name not in chosen:
                    continue
                command = [sys.executable, "-m", "bench.importing", "--run", str(path)]
                command += ["--moto-url", moto_url]
                done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
                    command, capture_output=True, text=True, check=True, env=os.environ.copy()
                )
                results[name] = json.loads(done.stdout.strip().splitlines()[-1])
                out.write(f"{name}: {json.dumps(results[name])}\n")
                out.flush()
        finally:
            server.terminate()
    first = results["first"]["itemsWritten"] or 1
    out.write(
        "\n| import | outcome | items written | % of first | write calls | write units "
        "| read units | CPU s | peak RSS MB | cost $ |\n|---|---|---|---|---|---|---|---|---|---|\n"
    )
    for name, r in results.items():
        cost = r["writeUnits"] / 1e6 * WRITE_PRICE + r["readUnits"] / 1e6 * READ_PRICE
        out.write(
            f"| {name} | {r['outcome']} | {r['itemsWritten']:,} | "
            f"{100 * r['itemsWritten'] / first:.2f}% | {r['writeCalls']:,} | "
            f"{r['writeUnits']:,} | {r['readUnits']:,} | "
            f"{r['cpuSeconds']} | {r['peakRssMb']} | {cost:.4f} |\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
