"""Benchmark `driftguard checks`, the endpoint filter and `--format summary`, as users run them.

Each case is a whole CLI process (output to /dev/null), run several times; the median wall
time is printed. The filter and the summary run on the Stripe pair, the largest in
../shared/specs, beside the same diff without them. Exits 1 when a target is missed:

    driftguard checks --help               median <= 0.5 s (no catalogue is imported)
    driftguard checks (text, json)         median <= 1.0 s
    diff --match-path / --format summary   at most 10% slower than the plain diff

Usage: python benchmarks/bench_checks.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = Path(os.environ.get("DRIFTGUARD_SPECS") or ROOT.parent / "shared" / "specs")
DRIFTGUARD = Path(sys.executable).with_name("driftguard")
STRIPE = [str(SPECS / "stripe-2021-04.json"), str(SPECS / "stripe-2022-04.json")]


def medians(cases: list[list[str]], runs: int, cwd: str) -> list[float]:
    """The median wall time of each case, the cases run in turn so that a change in the
    machine's load falls on all of them alike."""
    times: list[list[float]] = [[] for _ in cases]
    for _ in range(runs):
        for args, taken in zip(cases, times, strict=True):
            start = time.perf_counter()
            result = subprocess.run(
                [str(DRIFTGUARD), *args], cwd=cwd, stdout=subprocess.DEVNULL, check=False
            )
            taken.append(time.perf_counter() - start)
            if result.returncode not in (0, 1):
                raise SystemExit(f"driftguard {' '.join(args)} exited {result.returncode}")
    return [statistics.median(taken) for taken in times]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per case (default 7)")
    runs = parser.parse_args().runs
    missed = []
    with tempfile.TemporaryDirectory() as empty:  # no configuration file found there
        listings = [
            (["checks", "--help"], 0.5),
            (["checks"], 1.0),
            (["checks", "--format", "json"], 1.0),
        ]
        for (args, limit), seconds in zip(
            listings, medians([args for args, _ in listings], runs, empty), strict=True
        ):
            print(f"driftguard {' '.join(args):<28} median {seconds * 1000:6.0f} ms")
            if seconds > limit:
                missed.append(f"driftguard {' '.join(args)}: {seconds:.2f} s > {limit} s")

        extras = [["--match-path", "^/v1/charges"], ["--format", "summary"]]
        plain, *others = medians(
            [["diff", *STRIPE], *(["diff", *STRIPE, *extra] for extra in extras)], runs, empty
        )
        print(f"{'diff (stripe pair)':<39} median {plain * 1000:6.0f} ms")
        for extra, seconds in zip(extras, others, strict=True):
            ratio = seconds / plain
            print(f"{'diff ' + ' '.join(extra):<39} median {seconds * 1000:6.0f} ms ({ratio:.2f}x)")
            if ratio > 1.10:
                missed.append(f"diff {' '.join(extra)}: {ratio:.2f}x the plain diff > 1.10x")
    for line in missed:
        print(f"MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
