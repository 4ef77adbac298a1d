"""What a cold Lambda container waits for: each function's module import, in fresh processes.

    .venv/bin/python -m bench.coldstart [--rounds 9]

Each round imports one module in a new interpreter (as a new container does) with the
environment a deployed function has (AWS_LAMBDA_FUNCTION_NAME set, Powertools configured as in
the template), and times the import alone, not the interpreter's own start. `import boto3`,
measured in the same run and the same way, is the baseline: every function needs it, and the
figures of one machine and moment are only comparable with each other. The ratio is taken on
the import's CPU time (the process's own, `time.process_time`): on a shared machine the wall
time also counts the waits for a core that other processes hold, which swing a run by ±50%.
The wall time is printed beside it.
Targets (issue 9): each API function at most 1.8x boto3, render at most 2.5x.

A second baseline, "libraries", imports what every API function needs before any of our code
runs: pynamodb (and so botocore), Powertools' logger, metrics and REST resolver, and its request
validation with the pydantic it is built on. A function's import beyond that line is ours.

Each function pauses the garbage collector while it imports (pasjes.coldstart); "boto3, collector
paused" shows what the same does for the baseline, so the gain can be told from the rest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = "boto3"
LIBRARIES = (
    "pynamodb.models, aws_lambda_powertools.logging, aws_lambda_powertools.metrics, "
    "aws_lambda_powertools.event_handler.api_gateway, "
    "aws_lambda_powertools.event_handler.openapi.params, "
    "aws_lambda_powertools.event_handler.middlewares.openapi_validation"
)
PAUSED = "import gc; gc.disable(); import {module}; gc.freeze(); gc.enable()"
API_FUNCTIONS = ("search", "submit", "download", "verify")
TARGET_API = 1.8
TARGET_RENDER = 2.5

PROBE = """
import time
started, cpu = time.perf_counter(), time.process_time()
{statement}
print(time.process_time() - cpu, time.perf_counter() - started)
"""


def lambda_environment(function: str) -> dict[str, str]:
    """Enough of a deployed function's environment for its imports to take the same paths."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "functions" / "shared")]),
        "PYTHONDONTWRITEBYTECODE": "",
        "AWS_LAMBDA_FUNCTION_NAME": f"pasjesportaal-{function}",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "POWERTOOLS_SERVICE_NAME": "pasjesportaal",
        "POWERTOOLS_METRICS_NAMESPACE": "Pasjesportaal",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }


def import_seconds(statement: str, function: str) -> tuple[float, float]:
    """The CPU seconds and wall seconds of an import statement, in a fresh interpreter."""
    result = subprocess.run(  # noqa: S603 - our own interpreter importing our own module
        [sys.executable, "-c", PROBE.format(statement=statement)],
        cwd=REPO,
        env=lambda_environment(function),
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, wall = result.stdout.strip().splitlines()[-1].split()
    return float(cpu), float(wall)


def median_ms(probes: dict[str, tuple[str, str]], rounds: int) -> dict[str, tuple[float, float]]:
    """Median CPU and wall milliseconds of each probe's import over `rounds` fresh processes.

    The probes take turns, one process each per round: a machine that slows down or speeds up
    midway weighs on every probe alike, and the ratios stay comparable.
    """
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in probes}
    for _ in range(rounds):
        for name, (module, function) in probes.items():
            runs[name].append(import_seconds(module, function))
    return {
        name: (
            statistics.median(cpu for cpu, _ in times) * 1000,
            statistics.median(wall for _, wall in times) * 1000,
        )
        for name, times in runs.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart")
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args(argv).rounds
    functions = (*API_FUNCTIONS, "render")
    probes = {
        "import boto3 (baseline)": (f"import {BASELINE}", "baseline"),
        # What pasjes.coldstart does for a function, done for boto3: the baseline's own gain.
        "boto3, collector paused": (PAUSED.format(module=BASELINE), "baseline"),
        # As a function imports them: with the collector paused.
        "libraries (see above)": (PAUSED.format(module=LIBRARIES), "baseline"),
        **{f"functions.{f}.app": (f"import functions.{f}.app", f) for f in functions},
    }

    # A first import of everything warms the disk cache, so round one is not the odd one out.
    for module, function in probes.values():
        import_seconds(module, function)
    medians = median_ms(probes, rounds)

    print(f"Cold-start imports, median of {rounds} fresh processes each (CPU ms, wall ms):")
    baseline, baseline_wall = medians["import boto3 (baseline)"]
    libraries, _ = medians["libraries (see above)"]
    met = True
    for name, (took, wall) in medians.items():
        line = f"  {name:<28} {took:7.1f} {wall:7.1f}   {took / baseline:.2f}x"
        function = name.removeprefix("functions.").removesuffix(".app")
        if function in functions:
            target = TARGET_RENDER if function == "render" else TARGET_API
            ratio = took / baseline
            met &= ratio <= target
            verdict = "met" if ratio <= target else "MISSED"
            ours = "" if function == "render" else f"; ours {took - libraries:+.0f} ms"
            line += f" (wall {wall / baseline_wall:.2f}x; target <= {target}x: {verdict}{ours})"
        print(line)
    print("All targets met." if met else "Some targets missed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
