"""``driftguard check`` of example_app, end to end, as CI runs it: at most 3 s.

One whole CLI process per run, in the project root with pyproject's [tool.driftguard]
configuration: import the app, run its lifespan, diff its OpenAPI document with
``snapshots/openapi.json``, replay every probe in-process and compare each response with its
recorded shape. Each run gets a fresh database (the create-user probe needs its e-mail
unused). Prints the median and peak memory; exits 1 when the target is missed or the check
does not come out clean.

    .venv/bin/python benchmarks/bench_check.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 3.0


def one_run(workdir: Path, n: int) -> tuple[float, str]:
    env = {
        **os.environ,
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "RATES_API_URL": "http://127.0.0.1:9",
        "DATABASE_PATH": str(workdir / f"run-{n}.db"),
    }
    command = [sys.executable, "-m", "driftguard.cli", "check", "--format", "json", "--quiet"]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if result.returncode != 0:
        return (
            took,
            f"exit code {result.returncode}: {result.stderr.strip() or result.stdout[:300]}",
        )
    return took, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        results = [one_run(Path(tmp), n) for n in range(args.runs)]
    problems = [problem for _, problem in results if problem]
    times = [took for took, _ in results]
    median = statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"driftguard check example_app.main:app, whole CLI process, {args.runs} runs")
    print(f"  median {median:.2f} s (best {min(times):.2f} s), peak RSS {peak:.0f} MB")
    ok = median <= TARGET_SECONDS and not problems
    print(f"  target <= {TARGET_SECONDS:.1f} s: {'ok' if median <= TARGET_SECONDS else 'MISSED'}")
    for problem in problems[:3]:
        print(f"  not clean: {problem}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
