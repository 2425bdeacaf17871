"""Benchmark ``REV:PATH`` targets: what reading with git costs over reading the files.

In a temporary git repository holding the old document of each real pair of
../shared/specs (tagged ``old``, the new one committed after it) and this project's own
``snapshots/``, it times ``load_spec`` of one document (or snapshot directory) from the
file and from the revision, in-process, best of N runs (the difference is git's cost: a
repository look-up, one ``git cat-file`` process, and for a snapshot its copy into a
temporary directory), then the same ``driftguard diff`` pair as a whole CLI process on the
files and on the revisions (medians; noisy on a busy machine). Exits 1 when a target is
missed:

    git's cost for one document or snapshot directory   <= 0.1 s

Usage: python benchmarks/bench_git_targets.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_diff import PAIRS, ROOT, SPECS, run_once

MAX_COST = 0.1
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True)


def median(args: list[str], runs: int) -> float:
    """Median wall time of ``driftguard ARGS`` started here (the scratch repository)."""
    here = Path.cwd()
    run_once(args, here)  # warm the caches
    return statistics.median(run_once(args, here)[0] for _ in range(runs))


def best(target: str, runs: int) -> float:
    from driftguard import load_spec

    times = []
    for _ in range(runs + 1):  # the first warms the caches
        start = time.perf_counter()
        load_spec(target)
        times.append(time.perf_counter() - start)
    return min(times[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per case (default 7)")
    options = parser.parse_args()
    print(f"REV:PATH targets against files, {options.runs} runs each")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    print()
    missed = []
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "repo"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        for name, (old, _, _, _) in PAIRS.items():
            shutil.copy(SPECS / old, repo / f"{name}{Path(old).suffix}")
        shutil.copytree(ROOT / "snapshots", repo / "snapshots")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "old")
        git(repo, "tag", "old")
        for name, (_, new, _, _) in PAIRS.items():
            shutil.copy(SPECS / new, repo / f"{name}{Path(new).suffix}")
        git(repo, "commit", "-q", "-am", "new")
        os.chdir(repo)  # where a user runs it: the repository around the current directory
        cases = {
            name: (
                [str(SPECS / old), str(SPECS / new)],
                [f"old:{name}{Path(old).suffix}", f"HEAD:{name}{Path(new).suffix}"],
            )
            for name, (old, new, _, _) in PAIRS.items()
        }
        cases["snapshots"] = (["snapshots", "snapshots"], ["HEAD:snapshots", "snapshots"])
        print("load_spec, in-process, best of runs")
        print(f"{'case':<10} {'file s':>8} {'revision s':>11} {'git s':>7}  target")
        for name, (files, revisions) in cases.items():
            on_file, on_git = best(files[0], options.runs), best(revisions[0], options.runs)
            ok = on_git - on_file <= MAX_COST
            if not ok:
                missed.append(name)
            print(
                f"{name:<10} {on_file:>8.3f} {on_git:>11.3f} {on_git - on_file:>7.3f}  "
                f"<= {MAX_COST} s {'ok' if ok else 'MISSED'}"
            )
        print()
        print("driftguard diff OLD NEW, whole CLI process, median of runs")
        print(f"{'case':<10} {'files s':>8} {'revisions s':>12} {'git s':>7}")
        for name, (files, revisions) in cases.items():
            on_files = median(["diff", *files], options.runs)
            on_git = median(["diff", *revisions], options.runs)
            print(f"{name:<10} {on_files:>8.3f} {on_git:>12.3f} {on_git - on_files:>7.3f}")
        os.chdir(ROOT)
    if missed:
        print(f"\nMISSED targets: {', '.join(missed)}")
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
