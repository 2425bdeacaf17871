"""Shape inference and comparison on a large response, against DeepDiff on the same pair.

A 2.3 MB JSON array of 10,000 order lines; in the new version one field of every object is
renamed (``customer_email`` -> ``customerEmail``). driftguard must infer both shapes and
compare them in at most 0.15 s (median of several runs) and report exactly one finding,
the rename; DeepDiff 9.1 compares the same parsed pair once in the same run, and the ratio
of the two times is printed. Exits 1 when a target is missed.

    .venv/bin/python benchmarks/bench_shapes.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from typing import Any

TARGET_SECONDS = 0.15
ITEMS = 10_000


def make_item(i: int, rng: random.Random, *, renamed: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": i,
        "order_id": f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}"
        f"-a{rng.getrandbits(12):03x}-{rng.getrandbits(48):012x}",
        "unit_price": round(rng.uniform(1, 500), 2),
        "quantity": rng.randint(1, 20),
        "created_at": f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}Z",
        "shipped": bool(i % 3),
        "customer_email": f"c{i}@example.org",
        "discount": None if i % 4 else round(rng.uniform(0, 0.3), 2),
        "tags": rng.sample(["gift", "bulk", "priority", "fragile"], k=rng.randint(0, 2)),
    }
    if renamed:
        item["customerEmail"] = item.pop("customer_email")
    return item


def make_pair() -> tuple[bytes, bytes]:
    old = [make_item(i, random.Random(i), renamed=False) for i in range(ITEMS)]
    new = [make_item(i, random.Random(i), renamed=True) for i in range(ITEMS)]
    return json.dumps(old).encode(), json.dumps(new).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of driftguard")
    parser.add_argument("--skip-deepdiff", action="store_true", help="do not run DeepDiff")
    options = parser.parse_args()

    from driftguard.shapes import compare_shapes, infer_shape

    old_bytes, new_bytes = make_pair()
    old, new = json.loads(old_bytes), json.loads(new_bytes)
    print(f"response: {len(new_bytes) / 1e6:.2f} MB, {len(new):,} objects, one field renamed")

    def shapes_only() -> Any:
        return compare_shapes(infer_shape(old), infer_shape(new), probe="bench")

    def with_parsing() -> Any:
        return compare_shapes(infer_shape(old), json.loads(new_bytes), probe="bench")

    shapes_only()  # warm-up
    timings, parsed_timings = [], []
    report = None
    for _ in range(options.runs):
        start = time.perf_counter()
        report = shapes_only()
        timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        with_parsing()
        parsed_timings.append(time.perf_counter() - start)
    assert report is not None
    median = statistics.median(timings)
    print(
        f"driftguard infer both + compare: median {median * 1000:.1f} ms "
        f"(min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f}; {options.runs} runs)"
    )
    print(
        "driftguard incl. json.loads of the new body: median "
        f"{statistics.median(parsed_timings) * 1000:.1f} ms"
    )
    findings = [(f.id, f.details.get("from"), f.details.get("to")) for f in report.findings]
    print(f"driftguard findings: {findings}")

    failures = []
    if median > TARGET_SECONDS:
        failures.append(f"median {median:.3f} s is over the {TARGET_SECONDS} s target")
    if findings != [("response-field-renamed", "customer_email", "customerEmail")]:
        failures.append(f"expected exactly one rename finding, got {findings}")

    if not options.skip_deepdiff:
        from deepdiff import DeepDiff

        start = time.perf_counter()
        diff = DeepDiff(old, new)
        deep = time.perf_counter() - start
        reported = sum(len(v) for v in diff.values() if hasattr(v, "__len__"))
        print(
            f"DeepDiff 9.1 on the same pair: {deep:.2f} s, {reported:,} items ({', '.join(diff)})"
        )
        print(f"ratio: driftguard is {deep / median:.0f}x faster than DeepDiff (median vs one run)")

    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
