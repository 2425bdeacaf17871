"""One self-contained HTML page (no scripts, no external assets) for CI artefacts."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Any

from driftguard.findings import Finding, Report
from driftguard.formats.text import SPEC_WIDE, run_facts, summary_line

__all__ = ["render"]

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#1b1f24}
h1{font-size:1.4rem} h2{font-size:1.05rem;font-family:ui-monospace,monospace;margin-top:2rem}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;
text-align:left;vertical-align:top} code{font-family:ui-monospace,monospace;font-size:.9em}
.breaking{color:#b42318;font-weight:600}.warning{color:#9a6700;font-weight:600}.info{color:#0969da}
.summary{padding:.6rem .8rem;background:#f6f8fa;border-radius:6px}
.run{color:#57606a;font-size:.9em} .notes{color:#57606a}
"""


def _row(f: Finding) -> str:
    reproduce = f.details.get("reproduce")
    extra = f"<br><code>{escape(str(reproduce))}</code>" if reproduce else ""
    return (
        f'<tr><td class="{f.severity.value}">{f.severity.value}</td>'
        f"<td>{escape(f.message)}{extra}</td><td><code>{escape(f.id)}</code></td>"
        f"<td><code>{escape(f.location)}</code></td></tr>"
    )


def render(report: Report, options: Any) -> str:
    title = report.title
    body = [f"<h1>{escape(title)}</h1>"]
    facts = run_facts(report.run)
    if facts:
        body.append(f'<p class="run">{escape(" · ".join(facts))}</p>')
    if report.run.notes:
        notes = "".join(f"<li>{escape(note)}</li>" for note in report.run.notes)
        body.append(f'<ul class="notes">{notes}</ul>')
    body.append(
        f'<p class="summary">{escape(summary_line(report))} (fail-on: {options.fail_on})</p>'
    )
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding.operation or SPEC_WIDE].append(finding)
    if not groups:
        body.append("<p>No findings.</p>")
    for operation, findings in groups.items():
        rows = "".join(
            _row(f) for f in sorted(findings, key=lambda f: (-f.severity.rank, f.location))
        )
        body.append(
            f"<h2>{escape(operation)}</h2><table><tr><th>severity</th><th>change</th>"
            f"<th>id</th><th>where</th></tr>{rows}</table>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
