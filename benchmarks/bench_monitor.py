"""What ``DriftMonitor`` costs a request: p50 latency with and without it, on uvicorn.

One uvicorn process serves example_app (the stand-in rates service beside it) three ways
(``monitored_app.py``): without the middleware, through ``DriftMonitor(sample=0.05)`` and
through ``DriftMonitor(sample=1.0)``, against the committed ``snapshots/``. One client sends
the same requests to the three in turn, request by request (so that what else the machine
does falls on all three alike), over three keep-alive connections on 127.0.0.1: ``GET /users/{id}`` of 60 different users, ``GET /pricing/plans`` and
``GET /health``, all of them answers the middleware compares. The overhead is the p50 of
every request to a server over the p50 of every request to the one without, minus 1 (and,
as a check on the noise of a shared machine, the median over the blocks of the same ratio
of each block's p50s). Exits 1 when a bound is missed:

    p50 overhead at sample=1.0    <= 5 %
    p50 overhead at sample=0.05   <= 1 %

Usage: python benchmarks/bench_monitor.py [--rounds N] [--requests N]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
VARIANTS = ("none", "0.05", "1.0")  # as monitored_app.py reaches the app
BOUNDS = {"0.05": 0.01, "1.0": 0.05}
BLOCK = 30
USERS = 60  # each is a password hash to create: the set-up's cost


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def uvicorn(app: str, env: dict[str, str], *, factory: bool = False) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log", "--app-dir", str(HERE)]
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench_monitor: {app} did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def paths(client: httpx.Client) -> list[str]:
    """Create the users; the requests of one cycle (every user once, plans and health often)."""
    ids = []
    for n in range(USERS):
        body = {
            "email": f"user{n}@example.com",
            "password": "correct horse battery",
            "name": f"User Number {n}",
        }
        created = client.post("/users/", json=body)
        created.raise_for_status()
        ids.append(created.json()["id"])
    cycle = []
    for user in ids:
        cycle += [f"/users/{user}", "/pricing/plans", "/health"]
    return cycle


def measure(clients: dict[str, httpx.Client], cycle: list[str], n: int) -> dict[str, list[float]]:
    """The latency (seconds) of ``n`` requests to each way, in blocks of :data:`BLOCK`: the
    three ways take turns block by block, each first as often as the others, so that the
    machine's moods fall on all alike while the worker thread's comparisons after a sampled
    response slow the requests of its own way, not the next one's."""
    times: dict[str, list[float]] = {variant: [] for variant in clients}
    clock = time.perf_counter
    order = list(clients.items())
    for block, first in enumerate(range(0, n, BLOCK)):
        shift = block % len(order)
        chunk = [cycle[i % len(cycle)] for i in range(first, min(n, first + BLOCK))]
        for variant, client in order[shift:] + order[:shift]:
            for path in chunk:
                started = clock()
                response = client.get(path)
                times[variant].append(clock() - started)
                if response.status_code != 200:
                    raise SystemExit(f"bench_monitor: {variant} {path}: {response.status_code}")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1500, help="each way, per round")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    with ExitStack() as stack:
        rates = stack.enter_context(uvicorn("example_app.dev.rates_service:app", dict(os.environ)))
        env = {
            **os.environ,
            "SECRET_KEY": SECRET,
            "RATES_API_URL": rates,
            "DATABASE_PATH": str(work / "app.db"),
        }
        url = stack.enter_context(uvicorn("monitored_app:create", env, factory=True))
        clients = {
            variant: stack.enter_context(
                httpx.Client(base_url=url, timeout=30, headers={"x-bench-variant": variant})
            )
            for variant in VARIANTS
        }
        cycle = paths(clients["none"])
        measure(clients, cycle, 300)  # warm up: imports, caches, the monitor's snapshot
        times: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
        for _ in range(args.rounds):
            for variant, values in measure(clients, cycle, args.requests).items():
                times[variant] += values
    base_times = times["none"]
    base = statistics.median(base_times)
    print(
        f"p50 latency of {len(times['none'])} requests each way (GET /users/{{id}} of "
        f"{USERS} users, /pricing/plans, /health; uvicorn on 127.0.0.1, keep-alive, interleaved)"
    )
    print(f"  without DriftMonitor   {base * 1000:7.3f} ms")
    missed = []
    for variant in VARIANTS[1:]:
        p50 = statistics.median(times[variant])
        overhead = p50 / base - 1
        paired = statistics.median(
            statistics.median(times[variant][i : i + BLOCK])
            / statistics.median(times["none"][i : i + BLOCK])
            - 1
            for i in range(0, len(base_times), BLOCK)
        )
        bound = BOUNDS[variant]
        verdict = "ok" if overhead <= bound else "MISSED"
        print(
            f"  sample={variant:<5}          {p50 * 1000:7.3f} ms   p50 overhead {overhead:+.1%} "
            f"(median over blocks {paired:+.1%}; bound {bound:.0%}) {verdict}"
        )
        if overhead > bound:
            missed.append(variant)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
