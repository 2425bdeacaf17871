"""What ``driftguard fuzz --serve`` costs against in-process fuzzing, and that it finds the same.

1. Start and stop: ``served()`` (uvicorn in a process of its own, on a socket bound first)
   around an empty block, median of a few rounds.
2. Throughput: each planted app of tests/fuzzing/server_apps fuzzed in-process and served,
   at default settings with one seed; requests per second of each, rounds alternating so
   both see the same machine load. Every served run must report exactly the findings
   tests/fuzzing/test_server_defects.py expects of it.

Exits 1 when a served run misses or adds a finding.

    .venv/bin/python benchmarks/bench_serve.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

APPS = ("headers", "pots", "scopes")


def start_stop(rounds: int) -> float:
    from driftguard.fuzzing.serve import served
    from driftguard.targets import Target

    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        with served(
            Target("app", "tests.fuzzing.server_apps:headers", app_dir=str(ROOT)), timeout=30
        ):
            pass
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def one_run(target: Any, kwargs: dict[str, Any], *, serve: bool) -> tuple[float, int, set[Any]]:
    """Seconds, requests, and the findings of one run."""
    from driftguard import fuzz

    started = time.perf_counter()
    report = fuzz(target, seed=11, serve=serve, **kwargs)
    seconds = time.perf_counter() - started
    assert report.run is not None
    found = {(f.id, f.operation, f.location) for f in report.findings}
    return seconds, report.run.requests or 0, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from tests.fuzzing.test_server_defects import PLANTED

    start = start_stop(args.rounds)
    print(f"start and stop of a served app: {start:.2f}s (median of {args.rounds})")
    cases = [(p.attr, p.app, p.kwargs, set(p.served)) for p in PLANTED if p.attr in APPS]
    missed = 0
    print(
        f"{'app':8} {'requests':>8} {'in-process req/s':>17} {'served req/s':>13} {'(less start)':>13}"
    )
    for attr, factory, kwargs, expected in cases:
        inside, served = [], []
        requests = 0
        for _ in range(args.rounds):
            seconds, requests, _ = one_run(factory(), kwargs, serve=False)
            inside.append(seconds)
            seconds, _, found = one_run(f"tests.fuzzing.server_apps:{attr}", kwargs, serve=True)
            served.append(seconds)
            if found != expected:
                missed += 1
                print(f"  {attr}: served run found {sorted(found)}, expected {sorted(expected)}")
        a, b = statistics.median(inside), statistics.median(served)
        print(
            f"{attr:8} {requests:8} {requests / a:17.0f} {requests / b:13.0f} "
            f"{requests / max(b - start, 1e-9):13.0f}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
