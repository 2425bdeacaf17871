"""What driftguard reports for the real Pydantic 1 -> 2 upgrade pair, counted for cause grouping.

Serves the bookshop under both stacks, runs ``driftguard snapshot`` against the Pydantic 1
side and ``driftguard check --format json`` against the Pydantic 2 side, and prints:

- the findings by source and severity;
- the distinct ``(id, path)`` groups: a response finding's ``details.path`` without its
  probe, a schema finding's location without its operation (what a grouping by rule and
  place alone would make of them);
- the real changes of the pair (changes.py), each with its findings: the cause count that
  a perfect grouping would reach;
- the report's own causes, when it has them.

Usage, from the repository root::

    python tests/upgrade/report.py [--output report.json]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.upgrade.changes import CHANGES, UNREPORTED, Key
from tests.upgrade.envs import pydantic1_python, pydantic2_python
from tests.upgrade.pair import serving, snapshot_then_check

SEVERITIES = ("breaking", "warning", "info")


def _key(finding: dict[str, Any]) -> Key:
    if finding["source"] == "response":
        return ("response", finding["id"], finding["details"]["probe"], finding["details"]["path"])
    return (finding["source"], finding["id"], finding["operation"] or "", finding["location"])


def _group(finding: dict[str, Any]) -> tuple[str, str, str]:
    """(source, id, path) without the probe or operation."""
    if finding["source"] == "response":
        return ("response", finding["id"], finding["details"]["path"])
    location = str(finding["location"])
    return (finding["source"], finding["id"], location)


def render(report: dict[str, Any]) -> str:
    findings = report["findings"]
    lines = [f"{len(findings)} findings"]
    by = Counter((f["source"], f["severity"]) for f in findings)
    sources = sorted({f["source"] for f in findings})
    lines.append(f"  {'source':<10}" + "".join(f"{s:>10}" for s in (*SEVERITIES, "total")))
    for source in sources:
        counts = [by[(source, s)] for s in SEVERITIES]
        lines.append(f"  {source:<10}" + "".join(f"{n:>10}" for n in (*counts, sum(counts))))
    totals = [sum(by[(src, s)] for src in sources) for s in SEVERITIES]
    lines.append(f"  {'total':<10}" + "".join(f"{n:>10}" for n in (*totals, sum(totals))))

    groups = Counter(_group(f) for f in findings)
    lines += ["", f"{len(groups)} distinct (id, path/location) groups"]
    for (source, rule, path), count in sorted(groups.items()):
        lines.append(f"  {count:>3}  {source:<8} {rule:<38} {path}")

    keys = {_key(f): f for f in findings}
    lines += ["", f"{len(CHANGES)} real changes (the causes a perfect grouping finds)"]
    accounted: set[Key] = set()
    for change in CHANGES:
        seen = change.findings & keys.keys()
        accounted |= seen
        sources_seen = sorted({k[0] for k in seen})
        severity = next((s for s in SEVERITIES if any(keys[k]["severity"] == s for k in seen)), "-")
        missing = len(change.findings - seen)
        lines.append(
            f"  {len(seen):>3} finding(s)  {severity:<8} {change.name:<34} "
            f"{'+'.join(sources_seen) or '-'}{f'  ({missing} expected, missing)' if missing else ''}"
        )
        lines.append(f"       {change.what}")
    others = [k for k in keys if k not in accounted]
    if others:
        lines.append(f"  {len(others):>3} finding(s) of no known change:")
        lines += [f"       {k}" for k in sorted(others)]
    lines += ["", "real but not reported:"]
    lines += [f"  - {text}" for text in UNREPORTED]

    causes = report.get("causes")
    lines.append("")
    if causes:
        lines.append(f"{len(causes)} causes in the report")
        for cause in causes:
            lines.append(
                f"  {len(cause.get('findings', [])):>3} finding(s)  {cause.get('severity', ''):<8} "
                f"{cause.get('id', '')}: {cause.get('message', '')}"
            )
    else:
        lines.append("the report has no causes yet")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="also write the JSON report here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        with serving(pydantic1_python(retry=True), pydantic2_python()) as (old, new):
            code, report = snapshot_then_check(old, new, Path(workdir))
        if args.output is not None:
            import json

            args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"driftguard check exited {code}")
    print(render(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
