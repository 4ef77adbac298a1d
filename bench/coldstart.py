"""What a cold Lambda container waits for: each function's module import, in fresh processes.

    .venv/bin/python -m bench.coldstart [--rounds 9]
    make build && PYENV_VERSION=3.11.7:3.13.0 .venv/bin/python -m bench.coldstart --deployed

Each round imports one module in a new interpreter (as a new container does) with the
environment a deployed function has (AWS_LAMBDA_FUNCTION_NAME set, Powertools configured as in
the template), and times the import alone, not the interpreter's own start. `import boto3`,
measured in the same run and the same way, is the baseline: every function needs it, and the
figures of one machine and moment are only comparable with each other. The ratio is taken on
the import's CPU time (the process's own, `time.process_time`): on a shared machine the wall
time also counts the waits for a core that other processes hold, which swing a run by ±50%.
The wall time is printed beside it. The probes take turns, one process each per round, so a
machine that slows down midway weighs on every probe alike.
Targets (issue 9): each API function at most 1.8x boto3, render at most 2.5x.

From the source tree (the default), two more lines:
- "libraries" imports what every API function needs before any of our code runs: pynamodb (and
  so botocore), Powertools' logger, metrics and REST resolver, and its request validation with
  the pydantic it is built on. A function's import beyond that line is ours.
- "boto3, collector paused" does for the baseline what pasjes.coldstart does for a function.

--deployed measures what `sam build` made (.aws-sam/build) as Lambda runs it: under python3.13,
every file dated 1980-01-01 (as sam packages it), nothing written back (the code is read-only
there), and boto3 from beside the layer, as the runtime provides it. Beside each function: the
same build without its bytecode, as the python3.13 builder shipped it (see
functions/shared/Makefile).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / ".aws-sam" / "build"
# boto3 as the Lambda runtime provides it: installed once for python3.13, beside the build.
RUNTIME_BOTO3 = REPO / ".aws-sam" / "runtime-boto3"
BASELINE = "boto3"
LIBRARIES = (
    "pynamodb.models, aws_lambda_powertools.logging, aws_lambda_powertools.metrics, "
    "aws_lambda_powertools.event_handler.api_gateway, "
    "aws_lambda_powertools.event_handler.openapi.params, "
    "aws_lambda_powertools.event_handler.middlewares.openapi_validation"
)
PAUSED = "import gc; gc.disable(); import {module}; gc.freeze(); gc.enable()"
API_FUNCTIONS = ("search", "submit", "download", "verify")
FUNCTIONS = (*API_FUNCTIONS, "render")
TARGET_API = 1.8
TARGET_RENDER = 2.5
# What sam writes into every zip entry: 1980-01-01, the zip format's first day.
ZIP_EPOCH = 315532800

PROBE = """
import time
started, cpu = time.perf_counter(), time.process_time()
{statement}
print(time.process_time() - cpu, time.perf_counter() - started)
"""


@dataclass(frozen=True)
class Probe:
    statement: str
    function: str
    path: tuple[Path, ...]
    python: str = sys.executable
    write_bytecode: bool = True


def lambda_environment(probe: Probe) -> dict[str, str]:
    """Enough of a deployed function's environment for its imports to take the same paths."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(str(p) for p in probe.path),
        "AWS_LAMBDA_FUNCTION_NAME": f"pasjesportaal-{probe.function}",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "POWERTOOLS_SERVICE_NAME": "pasjesportaal",
        "POWERTOOLS_METRICS_NAMESPACE": "Pasjesportaal",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }
    if "PYENV_VERSION" in os.environ:
        env["PYENV_VERSION"] = os.environ["PYENV_VERSION"]
    if not probe.write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def import_seconds(probe: Probe) -> tuple[float, float]:
    """The CPU seconds and wall seconds of the probe's import, in a fresh interpreter."""
    result = subprocess.run(  # noqa: S603 - our own interpreter importing our own module
        [probe.python, "-c", PROBE.format(statement=probe.statement)],
        cwd=REPO,
        env=lambda_environment(probe),
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, wall = result.stdout.strip().splitlines()[-1].split()
    return float(cpu), float(wall)


def median_ms(probes: dict[str, Probe], rounds: int) -> dict[str, tuple[float, float]]:
    """Median CPU and wall milliseconds of each probe over `rounds` fresh processes, the probes
    taking turns."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in probes}
    for _ in range(rounds):
        for name, probe in probes.items():
            runs[name].append(import_seconds(probe))
    return {
        name: (
            statistics.median(cpu for cpu, _ in times) * 1000,
            statistics.median(wall for _, wall in times) * 1000,
        )
        for name, times in runs.items()
    }


def source_probes() -> dict[str, Probe]:
    source = (REPO, REPO / "functions" / "shared")
    return {
        "import boto3 (baseline)": Probe(f"import {BASELINE}", "baseline", source),
        "boto3, collector paused": Probe(PAUSED.format(module=BASELINE), "baseline", source),
        # As a function imports them: with the collector paused.
        "libraries (see above)": Probe(PAUSED.format(module=LIBRARIES), "baseline", source),
        **{f: Probe(f"import functions.{f}.app", f, source) for f in FUNCTIONS},
    }


def _as_lambda_unpacks_it(build: Path, into: Path, *, bytecode: bool) -> Path:
    """A copy of the build with every file dated as sam's zip dates it."""
    ignore = None if bytecode else shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(build, into, ignore=ignore, symlinks=True)
    for folder, _, files in os.walk(into):
        for name in files:
            os.utime(Path(folder) / name, (ZIP_EPOCH, ZIP_EPOCH), follow_symlinks=False)
    return into


def deployed_probes(scratch: Path) -> dict[str, Probe]:
    python = shutil.which("python3.13")
    if python is None:
        sys.exit("--deployed needs python3.13 (PYENV_VERSION=3.11.7:3.13.0), as sam build does")
    if not (BUILD / "SharedLayer").is_dir():
        sys.exit("--deployed measures .aws-sam/build: run `make build` first")
    if not RUNTIME_BOTO3.is_dir():
        subprocess.run(  # noqa: S603 - pip of the interpreter Lambda runs
            [python, "-m", "pip", "install", "--quiet", "--target", str(RUNTIME_BOTO3), "boto3"],
            check=True,
        )
    built = _as_lambda_unpacks_it(BUILD, scratch / "built", bytecode=True)
    bare = _as_lambda_unpacks_it(BUILD, scratch / "bare", bytecode=False)
    probes = {
        "import boto3 (baseline)": Probe("import boto3", "baseline", (RUNTIME_BOTO3,), python),
    }
    for function in FUNCTIONS:
        for label, root in ((function, built), (f"{function}, no bytecode", bare)):
            code = root / f"{function.title()}Function"
            layer = root / "SharedLayer" / "python"
            probes[label] = Probe(
                "import app", function, (code, layer, RUNTIME_BOTO3), python, write_bytecode=False
            )
    return probes


def report(medians: dict[str, tuple[float, float]]) -> bool:
    baseline, baseline_wall = medians["import boto3 (baseline)"]
    libraries = medians.get("libraries (see above)", (None, None))[0]
    met = True
    for name, (took, wall) in medians.items():
        line = f"  {name:<28} {took:7.1f} {wall:7.1f}   {took / baseline:.2f}x"
        if name in FUNCTIONS:
            target = TARGET_RENDER if name == "render" else TARGET_API
            ratio = took / baseline
            met &= ratio <= target
            verdict = "met" if ratio <= target else "MISSED"
            ours = (
                ""
                if libraries is None or name == "render"
                else f"; ours {took - libraries:+.0f} ms"
            )
            line += f" (wall {wall / baseline_wall:.2f}x; target <= {target}x: {verdict}{ours})"
        print(line)
    print("All targets met." if met else "Some targets missed.")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--deployed", action="store_true", help="measure .aws-sam/build")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pasjes-coldstart-") as scratch:
        probes = deployed_probes(Path(scratch)) if arguments.deployed else source_probes()
        # A first import of everything warms the disk cache, so round one is not the odd one out.
        for probe in probes.values():
            import_seconds(probe)
        medians = median_ms(probes, arguments.rounds)
    where = "as deployed (python3.13, .aws-sam/build)" if arguments.deployed else "from source"
    print(
        f"Cold-start imports {where}, median of {arguments.rounds} fresh processes each "
        "(CPU ms, wall ms):"
    )
    report(medians)
    return 0


if __name__ == "__main__":
    sys.exit(main())
