"""Benchmark `driftguard diff` as users run it: a whole CLI process per run.

For each real pair in ../shared/specs, and for the Stripe pair written as YAML (made here,
in a temporary directory, with yaml.safe_dump: 2.6 + 3.2 MB), it runs
``driftguard diff OLD NEW`` (text report to /dev/null) several times and prints the median
wall time and the peak resident memory of the process, then a scaling table: the Discord
pair replicated 1, 2 and 4 times (paths and components copied under new names, references
rewritten), to show that cost grows linearly with the size of the documents. The runs start
in that temporary directory, which holds no driftguard configuration (a project's
configuration file adds its validation with pydantic, about 50 ms). Exits 1 when a target
is missed:

    stripe       median <= 0.3 s and peak RSS <= 150 MB
    discord      median <= 0.2 s
    twilio       median <= 0.2 s
    stripe-yaml  median <= 1.0 s

On a busy machine wall times are not comparable from one run of this script to the next
(with a load average of 5.8 on 2 CPUs it gave 0.435 s for Stripe and 0.282 s for Discord, where
a quiet machine gives about 0.3 s and 0.2 s): to compare two versions there, alternate their
runs and compare the user+sys CPU time of the processes (``os.wait4``), or count instructions
with ``valgrind --tool=callgrind``, which give the same figure every run.

Usage: python benchmarks/bench_diff.py [--runs N] [--no-scaling]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The real specifications: $DRIFTGUARD_SPECS, else shared/specs beside the project.
SPECS = Path(os.environ.get("DRIFTGUARD_SPECS") or ROOT.parent / "shared" / "specs")
DRIFTGUARD = Path(sys.executable).with_name("driftguard")

# name -> (old, new, max median seconds, max peak RSS in MB or None)
PAIRS = {
    "stripe": ("stripe-2021-04.json", "stripe-2022-04.json", 0.3, 150.0),
    "discord": ("discord-2025-01.json", "discord-2025-09.json", 0.2, None),
    "twilio": ("twilio-video-2025-02.yaml", "twilio-video-2025-08.yaml", 0.2, None),
}
# the Stripe pair as YAML, written at run time (never committed): name, max median s, max MB
YAML_PAIR: tuple[str, float, float | None] = ("stripe-yaml", 1.0, None)


# As an installed driftguard runs: from its .pyc files (the warm-up run writes them), even
# where the calling shell sets PYTHONDONTWRITEBYTECODE (recompiling every module of the
# package costs each run about 30 ms).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(args: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB, and exit code of one CLI process started in ``cwd``."""
    command = (
        [str(DRIFTGUARD), *args]
        if DRIFTGUARD.exists()
        else [
            sys.executable,
            "-m",
            "driftguard.cli",
            *args,
        ]
    )
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env=_ENV
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"driftguard {' '.join(args)} failed ({process.returncode}): {stderr}")
    return wall, usage.ru_maxrss / 1024, process.returncode


def measure(old: Path, new: Path, runs: int, cwd: Path) -> tuple[float, float, float]:
    """Median and best wall time, and the highest peak RSS, over ``runs`` runs."""
    walls, peaks = [], []
    run_once(["diff", str(old), str(new)], cwd)  # warm the file cache and .pyc files
    for _ in range(runs):
        wall, peak, _ = run_once(["diff", str(old), str(new)], cwd)
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), min(walls), max(peaks)


def _size_mb(*paths: Path) -> float:
    return sum(p.stat().st_size for p in paths) / 1e6


def replicate(document: dict[str, Any], copies: int) -> dict[str, Any]:
    """``document`` with its paths and component schemas copied ``copies`` times."""
    prefix = "#/components/schemas/"
    result: dict[str, Any] = json.loads(json.dumps(document))
    schemas = document.get("components", {}).get("schemas", {})
    for copy in range(1, copies):
        suffix = f"_copy{copy}"

        def rename(node: Any, suffix: str = suffix) -> Any:
            if isinstance(node, dict):
                return {
                    k: (
                        prefix + v[len(prefix) :] + suffix
                        if k == "$ref" and isinstance(v, str) and v.startswith(prefix)
                        else rename(v)
                    )
                    for k, v in node.items()
                }
            if isinstance(node, list):
                return [rename(v) for v in node]
            return node

        for path, item in document["paths"].items():
            result["paths"][f"/copy{copy}{path}"] = rename(item)
        for name, schema in schemas.items():
            result["components"]["schemas"][name + suffix] = rename(schema)
    return result


def write_yaml_pair(directory: Path) -> tuple[Path, Path]:
    """The Stripe pair as YAML files in ``directory``, written by another process (so that
    this one stays small: a child's peak RSS counts its parent's memory until exec)."""
    names = [str(PAIRS["stripe"][i]) for i in (0, 1)]
    paths = [directory / Path(name).with_suffix(".yaml").name for name in names]
    code = (
        "import json, sys, yaml\n"
        "dumper = getattr(yaml, 'CSafeDumper', yaml.SafeDumper)\n"
        "for source, target in zip(sys.argv[1::2], sys.argv[2::2]):\n"
        "    with open(source, encoding='utf-8') as file:\n"
        "        document = json.load(file)\n"
        "    with open(target, 'w', encoding='utf-8') as file:\n"
        "        yaml.dump(document, file, Dumper=dumper)\n"
    )
    sources = [str(SPECS / name) for name in names]
    arguments = [sources[0], str(paths[0]), sources[1], str(paths[1])]
    subprocess.run([sys.executable, "-c", code, *arguments], check=True)
    return paths[0], paths[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per pair (default 7)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling table")
    options = parser.parse_args()
    cpus = os.cpu_count()
    load = os.getloadavg()[0]
    print(f"driftguard diff, whole CLI process, {options.runs} runs each")
    print(f"machine: {cpus} CPUs, load average {load:.2f} at start (timings are noisy when busy)")
    print()
    print(f"{'pair':<11} {'size MB':>8} {'median s':>9} {'best s':>7} {'peak RSS MB':>12}  target")
    missed = []
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        tiny = scratch / "tiny.json"
        tiny.write_text(
            json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}})
        )
        startup, _, _ = measure(tiny, tiny, options.runs, scratch)
        pairs = [
            (name, SPECS / old_name, SPECS / new_name, max_wall, max_rss)
            for name, (old_name, new_name, max_wall, max_rss) in PAIRS.items()
        ]
        pairs.append((YAML_PAIR[0], *write_yaml_pair(scratch), *YAML_PAIR[1:]))
        for name, old, new, max_wall, max_rss in pairs:
            median, best, peak = measure(old, new, options.runs, scratch)
            target = f"<= {max_wall:.1f} s" + (f", <= {max_rss:.0f} MB" if max_rss else "")
            ok = median <= max_wall and (max_rss is None or peak <= max_rss)
            if not ok:
                missed.append(name)
            print(
                f"{name:<11} {_size_mb(old, new):>8.2f} {median:>9.3f} {best:>7.3f} "
                f"{peak:>12.1f}  {target} {'ok' if ok else 'MISSED'}"
            )
        print(f"{'(empty)':<11} {0:>8.2f} {startup:>9.3f} {'':>7} {'':>12}  process start-up")
        if not options.no_scaling:
            print()
            print("scaling: the Discord pair replicated k times")
            print(
                f"{'k':>3} {'size MB':>8} {'median s':>9} {'minus start-up':>15} {'ms per MB':>10}"
            )
            documents = [json.loads((SPECS / str(PAIRS["discord"][i])).read_text()) for i in (0, 1)]
            for copies in (1, 2, 4):
                paths = []
                for index, document in enumerate(documents):
                    path = scratch / f"discord-{copies}-{index}.json"
                    path.write_text(json.dumps(replicate(document, copies), indent=2))
                    paths.append(path)
                median, _, _ = measure(paths[0], paths[1], options.runs, scratch)
                size = _size_mb(*paths)
                work = median - startup
                print(
                    f"{copies:>3} {size:>8.2f} {median:>9.3f} {work:>15.3f} "
                    f"{1000 * work / size:>10.1f}"
                )
    if missed:
        print(f"\nMISSED targets: {', '.join(missed)}")
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
