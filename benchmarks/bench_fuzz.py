"""driftguard fuzz against a plain schemathesis Hypothesis loop, and time to find every defect.

1. Throughput. The same apps (the planted-defect apps of tests/fuzzing, fresh for every run),
   the same max-examples and the same seed go through a plain loop, the way schemathesis'
   documentation writes one (``@given(case=operation.as_strategy(mode))`` over positive and
   negative modes, ``case.call_and_validate()``, failures caught so the loop goes on), and
   through ``driftguard.fuzz``. Both count the requests they send and the seconds they take;
   rounds alternate so both see the same machine load. driftguard must reach at least 0.8
   times the plain loop's requests per second.
   A driftguard run also sends schemathesis' coverage cases and a few probes, which cost less
   to generate than Hypothesis examples; so the request path is also compared alone, on the
   very same generated cases: ``case.call_and_validate()`` against driftguard's send-and-judge
   step (``Run.exercise``), both in-process.
2. Time to find every planted defect: ``driftguard.fuzz`` at default settings on each app,
   for a few seeds; the median of the summed times is printed, with every defect checked.
3. What the stateful checks cost (``--stateful`` runs this part alone): requests and seconds
   of a default run with them and without them, on the stateful planted apps and on
   example_app (anonymous, and logged in), the requests they sent themselves beside.

Exits 1 when a target is missed.

    .venv/bin/python benchmarks/bench_fuzz.py [--rounds N] [--max-examples N] [--seeds N]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 0.8


def planted() -> list[Any]:
    """Every planted-defect app of tests/fuzzing: ``(app factory, defects, control)``."""
    from tests.fuzzing.apps import PLANTED

    return PLANTED


def plain_loop(app: Any, max_examples: int, seed: int) -> tuple[int, float]:
    """Requests sent and seconds taken by a hand-written schemathesis + Hypothesis loop."""
    import hypothesis
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    started = time.perf_counter()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=schemathesis.Config())
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # the planted apps are valid
        strategy = st.one_of([operation.as_strategy(generation_mode=m) for m in GenerationMode])

        @given(case=strategy)
        @settings(
            max_examples=max_examples,
            database=None,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            phases=(Phase.generate,),
        )
        def test(case: Any) -> None:
            nonlocal sent
            sent += 1
            # a failure is recorded by schemathesis; the loop goes on
            with contextlib.suppress(AssertionError, BaseExceptionGroup, Exception):
                case.call_and_validate()

        hypothesis.seed(seed)(test)()
    return sent, time.perf_counter() - started


def driftguard_run(app: Any, max_examples: int, seed: int) -> tuple[int, float]:
    from driftguard import fuzz

    started = time.perf_counter()
    report = fuzz(app, max_examples=max_examples, seed=seed)
    return int(report.run.requests or 0), time.perf_counter() - started


def throughput(rounds: int, max_examples: int) -> float:
    factories = [factory for factory, _, _ in planted()]  # each app once
    plain_rates: list[float] = []
    driftguard_rates: list[float] = []
    for round_number in range(rounds):
        for name, runner, rates in (
            ("plain", plain_loop, plain_rates),
            ("driftguard", driftguard_run, driftguard_rates),
        ):
            requests = seconds = 0.0
            for factory in factories:
                sent, took = runner(factory(), max_examples, seed=round_number + 1)
                requests += sent
                seconds += took
            rates.append(requests / seconds)
            print(f"  round {round_number + 1} {name:>10}: {requests:>6.0f} requests "
                  f"in {seconds:6.2f}s = {requests / seconds:7.1f} req/s")  # fmt: skip
    plain, ours = statistics.median(plain_rates), statistics.median(driftguard_rates)
    ratio = statistics.median(d / p for d, p in zip(driftguard_rates, plain_rates, strict=True))
    print(f"plain schemathesis loop: {plain:7.1f} requests/s (median of {rounds})")
    print(f"driftguard fuzz:         {ours:7.1f} requests/s (median of {rounds})")
    print(f"ratio: {ratio:.2f} (median of per-round ratios, target >= {TARGET_RATIO})")
    return float(ratio)


def same_cases(rounds: int, max_examples: int) -> float:
    """Requests per second over identical pre-generated cases: schemathesis vs driftguard."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    from driftguard.fuzzing.options import resolve_options
    from driftguard.fuzzing.run import open_session

    plain_rates, driftguard_rates = [], []
    for round_number in range(rounds):
        plain_sent = driftguard_sent = 0
        plain_seconds = driftguard_seconds = 0.0
        for factory, _, _ in planted():
            app = factory()
            options = resolve_options(None, max_examples=max_examples, seed=round_number)
            with open_session(app, options, _config()) as session:
                for operation in session.operations:
                    context = session.run.begin(operation)
                    cases: list[Any] = []
                    strategy = st.one_of(
                        [operation.as_strategy(generation_mode=m) for m in GenerationMode]
                    )

                    @given(case=strategy)
                    @settings(
                        max_examples=max_examples,
                        database=None,
                        deadline=None,
                        suppress_health_check=list(HealthCheck),
                        phases=(Phase.generate,),
                    )
                    def collect(case: Any) -> None:
                        cases.append(case)  # noqa: B023 - run right away, in this iteration

                    collect()

                    def plain() -> tuple[int, float]:
                        started = time.perf_counter()
                        for case in cases:  # noqa: B023 - called right away
                            with contextlib.suppress(AssertionError, BaseExceptionGroup, Exception):
                                case.call_and_validate(app=app)  # noqa: B023
                        return len(cases), time.perf_counter() - started  # noqa: B023

                    def ours() -> tuple[int, float]:
                        sender = session.run.sender
                        before, started = sender.requests_sent, time.perf_counter()
                        for case in cases:  # noqa: B023 - called right away
                            session.run.exercise(operation, case, context, origin="coverage")  # noqa: B023
                        took = time.perf_counter() - started
                        return sender.requests_sent - before, took

                    # alternate who goes first, so neither always meets a warmer app
                    first, second = (plain, ours) if round_number % 2 == 0 else (ours, plain)
                    results = {first: first(), second: second()}
                    plain_sent += results[plain][0]
                    plain_seconds += results[plain][1]
                    driftguard_sent += results[ours][0]
                    driftguard_seconds += results[ours][1]
        plain_rates.append(plain_sent / plain_seconds)
        driftguard_rates.append(driftguard_sent / driftguard_seconds)
        print(f"  round {round_number + 1}: plain {plain_sent} requests "
              f"{plain_rates[-1]:7.1f} req/s, driftguard {driftguard_sent} requests "
              f"{driftguard_rates[-1]:7.1f} req/s")  # fmt: skip
    ratio = statistics.median(d / p for d, p in zip(driftguard_rates, plain_rates, strict=True))
    print(
        f"same cases: plain {statistics.median(plain_rates):7.1f} req/s, driftguard "
        f"{statistics.median(driftguard_rates):7.1f} req/s, ratio {ratio:.2f} "
        f"(median of per-round ratios, target >= {TARGET_RATIO})"
    )
    return ratio


def _config() -> Any:
    from driftguard._config import Config

    return Config()


def time_to_find(seeds: int) -> bool:
    from driftguard import fuzz

    totals = []
    everything_found = True
    defects = sum(len(expected) for _, expected, _ in planted())
    for seed in range(1, seeds + 1):
        total = 0.0
        for factory, expected, _ in planted():
            started = time.perf_counter()
            report = fuzz(factory(), seed=seed)  # default settings otherwise
            took = time.perf_counter() - started
            total += took
            found = {(f.id, f.operation, f.location) for f in report.findings}
            for defect in expected:
                everything_found &= defect in found
                if seed == 1 or defect not in found:
                    mark = "found" if defect in found else "MISSED"
                    where = f"{defect[1]} at {defect[2]}"
                    print(f"  seed {seed}: {defect[0]:<33} {where:<58} {mark} ({took:.2f}s)")
        totals.append(total)
        print(f"  seed {seed}: {defects} defects in {len(planted())} apps, {total:.2f}s in all")
    print(
        f"time to find every planted defect at default settings: "
        f"{statistics.median(totals):.2f}s (median of {seeds} seeds)"
        + ("" if everything_found else " -- SOME DEFECTS MISSED")
    )
    return everything_found


def _stateful_run(app: Any, stateful: bool, headers: dict[str, str]) -> tuple[int, int, float]:
    """(requests, of which stateful, seconds) of a default run, stateful checks on or off."""
    from dataclasses import replace

    from driftguard.fuzzing.options import resolve_options
    from driftguard.fuzzing.run import open_session

    options = replace(resolve_options(None, seed=1, headers=headers), stateful=stateful)
    started = time.perf_counter()
    with open_session(app, options, _config()) as session:
        for operation in session.operations:
            session.run.fuzz_operation(operation)
        session.run.probe()
        sent, stateful_sent = session.run.sender.requests_sent, session.run.rereads.sent
    return sent, stateful_sent, time.perf_counter() - started


def stateful_cost(rounds: int) -> None:
    import tempfile

    from tests.example_app.stubs import rates_stub
    from tests.fuzzing.stateful_apps import STATEFUL_PLANTED, survey
    from tests.fuzzing.test_example_app import example_app, token_for
    from tests.servers import serve

    with tempfile.TemporaryDirectory() as root, serve(rates_stub()) as rates:
        targets: list[tuple[str, Any, bool]] = [
            (p.app.__name__, p.app, False) for p in STATEFUL_PLANTED
        ]
        targets += [("survey", survey, False), ("example_app", None, False)]
        targets += [("example_app (logged in)", None, True)]
        for name, factory, logged_in in targets:
            runs: dict[bool, list[tuple[int, int, float]]] = {False: [], True: []}
            for round_number in range(rounds):
                # alternate who goes first, so neither always meets a warmer machine
                for stateful in (False, True) if round_number % 2 == 0 else (True, False):
                    directory = Path(tempfile.mkdtemp(dir=root))
                    if factory is None:
                        app = example_app(directory, f"{rates}/ok")
                        token = token_for(app, "bench@example.com") if logged_in else None
                        headers = {"Authorization": f"Bearer {token}"} if token else {}
                    else:
                        app, headers = factory(directory), {}
                    runs[stateful].append(_stateful_run(app, stateful, headers))
            (off, _, _), (on, extra, _) = runs[False][0], runs[True][0]
            off_s = statistics.median(r[2] for r in runs[False])
            on_s = statistics.median(r[2] for r in runs[True])
            print(f"  {name:<24} without: {off:>4} requests {off_s:5.2f}s   with: {on:>4} "
                  f"requests {on_s:5.2f}s, {extra} sent by the stateful checks "
                  f"({(on - off) / off:+.0%} requests, {(on_s - off_s) / off_s:+.0%} time; "
                  f"median of {rounds})")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating throughput rounds")
    parser.add_argument("--max-examples", type=int, default=25, help="examples per operation")
    parser.add_argument("--seeds", type=int, default=3, help="seeds for the time-to-find runs")
    parser.add_argument("--stateful", action="store_true", help="the stateful checks' cost only")
    options = parser.parse_args()
    if options.stateful:
        print("stateful checks, default settings, seed 1:")
        stateful_cost(options.rounds)
        return 0

    # Warm both paths once (imports, schema caches) so the rounds compare steady states.
    factory = planted()[0][0]
    plain_loop(factory(), 2, seed=0)
    driftguard_run(factory(), 2, seed=0)

    print(f"throughput, {len(planted())} apps, max-examples {options.max_examples}:")
    ratio = throughput(options.rounds, options.max_examples)
    print("request path alone, on the same generated cases:")
    path_ratio = same_cases(options.rounds, options.max_examples)
    print("time to find:")
    found = time_to_find(options.seeds)
    print("stateful checks, default settings, seed 1:")
    stateful_cost(options.rounds)
    return 0 if min(ratio, path_ratio) >= TARGET_RATIO and found else 1


if __name__ == "__main__":
    sys.exit(main())
