"""What the boundary values cost on a realistic app: requests per operation and seconds.

example_app (tests/example_app's settings: its own SQLite file, the rates stub served on
127.0.0.1) is fuzzed in-process at default settings, anonymous, with the same seed:

1. boundary requests per operation: the cases :func:`~driftguard.fuzzing.boundaries.boundary_cases`
   builds from each operation's first valid coverage case, by location (path, query, header,
   cookie, body), against the cap;
2. the run time of ``driftguard.fuzz`` with the boundary values and without them (the engine's
   ``boundary_cases`` replaced by nothing, in this process only), median of ``--rounds``
   alternating rounds, with the requests each run sent.

    .venv/bin/python benchmarks/bench_boundaries.py [--rounds N] [--seed N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def example_app(directory: Path, rates_url: str) -> Any:
    from example_app.app import create_app
    from example_app.settings import Settings

    directory.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        secret_key="benchmark-secret-key-that-is-long-enough-0123456789",
        rates_api_url=rates_url,
        database_path=directory / "example_app.db",
    )
    return create_app(settings)


@contextmanager
def rates() -> Iterator[str]:
    import importlib

    # Imported by name: the test helpers are type-checked with the tests, not here.
    stubs = importlib.import_module("tests.example_app.stubs")
    servers = importlib.import_module("tests.servers")
    with servers.serve(stubs.rates_stub()) as url:
        yield f"{url}/ok"


def per_operation(app: Any, seed: int) -> dict[str, Counter[str]]:
    """Boundary cases per operation, counted by the location of the value they change."""
    from driftguard._config import Config
    from driftguard.fuzzing import boundaries
    from driftguard.fuzzing.options import resolve_options
    from driftguard.fuzzing.session import open_session

    counts: dict[str, Counter[str]] = {}
    options = resolve_options(None, seed=seed)
    with open_session(app, options, Config()) as session:
        run = session.run
        for operation in session.operations:
            base = None
            for case in run._coverage_cases(operation):
                if boundaries.is_base(case):
                    base = case
                    break
            found: Counter[str] = Counter()
            for edge in boundaries.boundary_cases(operation, base):
                data = edge.case.meta.phase.data
                found[str(data.parameter_location.value)] += 1
            counts[operation.label] = found
    return counts


def timed_run(app: Any, seed: int, *, with_boundaries: bool) -> tuple[float, int, int]:
    """Seconds, requests and findings of one default run."""
    from driftguard import fuzz
    from driftguard.fuzzing import boundaries, engine

    names = vars(engine)  # the engine's own name for the function, replaced in this run only
    if not with_boundaries:
        names["boundary_cases"] = lambda operation, base: iter(())
    try:
        started = time.perf_counter()
        report = fuzz(app, seed=seed)
        took = time.perf_counter() - started
    finally:
        names["boundary_cases"] = boundaries.boundary_cases
    return took, int(report.run.requests or 0), len(report.findings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating timed rounds")
    parser.add_argument("--seed", type=int, default=1, help="the run seed")
    options = parser.parse_args()

    from driftguard.fuzzing.boundaries import CAP

    with rates() as rates_url, tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        counts = per_operation(example_app(directory / "count", rates_url), options.seed)
        print(f"boundary requests per operation (cap {CAP}):")
        for label, found in counts.items():
            where = ", ".join(f"{k} {v}" for k, v in sorted(found.items())) or "none"
            print(f"  {label:<34} {sum(found.values()):>3}  ({where})")
        totals = [sum(found.values()) for found in counts.values()]
        print(
            f"  all {len(totals)} operations: {sum(totals)} requests, "
            f"median {statistics.median(totals):g}, max {max(totals)} per operation"
        )
        seconds: dict[bool, list[float]] = {True: [], False: []}
        for round_number in range(options.rounds):
            order = (True, False) if round_number % 2 == 0 else (False, True)
            for with_boundaries in order:
                fresh = directory / f"run-{round_number}-{with_boundaries}"
                app = example_app(fresh, rates_url)
                took, requests, findings = timed_run(
                    app, options.seed, with_boundaries=with_boundaries
                )
                seconds[with_boundaries].append(took)
                name = "with boundaries" if with_boundaries else "without"
                print(f"  round {round_number + 1} {name:>15}: {took:6.2f}s, "
                      f"{requests} requests, {findings} findings")  # fmt: skip
        on, off = statistics.median(seconds[True]), statistics.median(seconds[False])
        print(
            f"example_app, seed {options.seed}: {on:.2f}s with boundary values, {off:.2f}s "
            f"without ({on - off:+.2f}s, median of {options.rounds})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
