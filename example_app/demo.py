"""``make demo``: driftguard at work on example_app, end to end, with real processes.

Every step runs the real ``driftguard`` command line, prints it, lets its report through
(coloured on a terminal) and checks its exit code: 0 where the contract held, 1 where
driftguard found drift. The demo exits 0 only if every step answered as expected, so it
doubles as a smoke test of the installed tool.

Steps: ``diff`` of the committed snapshot against the app (clean) and against a careless
release of it (``example_app.dev.drifted``); ``check`` of both (OpenAPI document and live
response shapes); ``fuzz`` of both.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "example_app.main:app"
DRIFTED = "example_app.dev.drifted:app"
SECRET = "demo-secret-key-that-is-long-enough-0123456789"


def _driftguard() -> list[str]:
    script = Path(sys.executable).with_name("driftguard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "driftguard.cli"]


def _bold(text: str) -> str:
    return f"\x1b[1m{text}\x1b[0m" if sys.stdout.isatty() else text


class Demo:
    def __init__(self, workdir: Path, rates_url: str) -> None:
        self.workdir = workdir
        self.rates_url = rates_url
        self.failures: list[str] = []
        self.runs = 0

    def env(self) -> dict[str, str]:
        # A fresh database per run: the create-user probe must find its e-mail unused.
        self.runs += 1
        database = self.workdir / f"run-{self.runs}" / "example_app.db"
        database.parent.mkdir()
        return {
            **os.environ,
            "SECRET_KEY": SECRET,
            "RATES_API_URL": self.rates_url,
            "DATABASE_PATH": str(database),
        }

    def step(self, title: str, args: list[str], expect: int) -> None:
        print()
        print(_bold(f"== {title}"))
        print(f"$ driftguard {shlex.join(args)}")
        sys.stdout.flush()
        started = time.perf_counter()
        result = subprocess.run([*_driftguard(), *args], cwd=ROOT, env=self.env(), check=False)
        took = time.perf_counter() - started
        verdict = "as expected" if result.returncode == expect else f"EXPECTED {expect}"
        print(f"-> exit code {result.returncode} ({verdict}) in {took:.1f}s")
        if result.returncode != expect:
            self.failures.append(f"{title}: exit code {result.returncode}, expected {expect}")


@contextmanager
def rates_service() -> Iterator[str]:
    """The stand-in exchange-rate service example_app calls, under uvicorn on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "example_app.dev.rates_service:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("demo: the stand-in rates service did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="driftguard-demo-"))
    try:
        with rates_service() as rates_url:
            demo = Demo(workdir, rates_url)
            print(
                _bold(
                    "driftguard demo: example_app, its committed snapshots/, and a careless release"
                )
            )
            print(f"(stand-in rates service at {rates_url}; databases under {workdir})")

            demo.step(
                "Schema drift: the committed OpenAPI snapshot against the app as it is",
                ["diff", "snapshots", APP],
                expect=0,
            )
            demo.step(
                "Schema drift: the same snapshot against a careless release of the app",
                ["diff", "snapshots", DRIFTED],
                expect=1,
            )
            demo.step(
                "Response drift: the CI gate on the app (spec + every probe's response shape)",
                ["check", APP],
                expect=0,
            )
            demo.step(
                "Response drift: the CI gate on the careless release (drift the spec cannot show)",
                ["check", DRIFTED],
                expect=1,
            )
            demo.step(
                "Validation gaps: fuzzing the app (seeded, so the run is repeatable)",
                ["fuzz", APP, "--seed", "1"],
                expect=0,
            )
            demo.step(
                "Validation gaps: fuzzing the new endpoint of the careless release",
                ["fuzz", DRIFTED, "--operation", "GET /pricing/per-seat", "--seed", "1"],
                expect=1,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    if demo.failures:
        print(_bold("demo: some steps did not answer as expected:"))
        for failure in demo.failures:
            print(f"  {failure}")
        return 1
    print(_bold("demo: every step answered as expected."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
