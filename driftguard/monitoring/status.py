"""The history as people read it: text lines, JSON, and a self-contained html status page.

The page uses the html report's stylesheet (:mod:`driftguard.formats.html`) and its
escaping, has no script and asks the network for nothing: open incidents first, then the
timeline of runs (newest first, a strip of one mark per run above the table), then what
was resolved. Every text in it went through the redaction rules when it was recorded; the
history's own URL is shown redacted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from driftguard._io import json_text
from driftguard._version import __version__
from driftguard.formats.html._assets import STYLE
from driftguard.formats.html._page import _e
from driftguard.monitoring.history import Incident, RunRecord

__all__ = ["history_html", "history_json", "history_text"]

_STATUS_STYLE = """
.strip{display:flex;flex-wrap:wrap;gap:2px;margin:.4rem 0 .8rem}
.strip span{display:inline-block;width:.8rem;height:1.4rem;border-radius:2px;background:var(--ok)}
.strip span.drift{background:var(--b)}
.strip span.unreachable{background:var(--w)}
table.runs,table.incidents{border-collapse:collapse;width:100%;table-layout:fixed}
table.runs th,table.runs td,table.incidents th,table.incidents td{text-align:left;
padding:.2rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
col.when{width:12rem}col.where{width:18%}col.what{width:7.5rem}col.n{width:5.5rem}
col.took{width:4.5rem}
@media (max-width:48rem){table.runs col{width:auto}}
tr.drift td.outcome{color:var(--b);font-weight:600}
tr.unreachable td.outcome{color:var(--w);font-weight:600}
tr.clean td.outcome{color:var(--ok)}
"""


def history_json(runs: Sequence[RunRecord], incidents: Sequence[Incident]) -> str:
    data = {
        "tool": "driftguard",
        "version": __version__,
        "runs": [run.to_dict() for run in runs],
        "incidents": [incident.to_dict() for incident in incidents],
    }
    return json_text(data)


def _counts(run: RunRecord) -> str:
    return f"{run.breaking} breaking, {run.warning} warning, {run.info} info"


def history_text(runs: Sequence[RunRecord], incidents: Sequence[Incident], since: str) -> str:
    opened = [i for i in incidents if i.is_open]
    resolved = [i for i in incidents if not i.is_open]
    lines = [f"{len(runs)} run(s) since {since}"]
    for run in runs:
        what = run.error if run.outcome == "unreachable" else f"causes: {_counts(run)}"
        lines.append(
            f"  {run.started}  {run.target}  {run.outcome:<11}  {what}  "
            f"({run.seconds:.1f}s, exit {run.exit_code})"
        )
    lines.append(f"{len(opened)} open incident(s)")
    lines += [_incident_line(i) for i in opened]
    lines.append(f"{len(resolved)} resolved incident(s)")
    lines += [_incident_line(i) for i in resolved]
    return "\n".join(lines) + "\n"


def _incident_line(incident: Incident) -> str:
    when = f"since {incident.opened}"
    if incident.resolved:
        when = f"{incident.opened} .. {incident.resolved}"
    return (
        f"  [{incident.severity}] {incident.target}: {incident.message} ({incident.rule}; "
        f"{when}; seen in {incident.runs} run(s))"
    )


def _incident_rows(incidents: Sequence[Incident]) -> str:
    rows = "".join(
        f'<tr class="{_e(i.severity)}" data-cause="{_e(i.cause)}">'
        f'<td><span class="sev">{_e(i.severity)}</span><br><code>{_e(i.rule)}</code></td>'
        f"<td>{_e(i.message)}</td><td><code>{_e(i.target)}</code></td>"
        f"<td>{_e(i.opened)}</td><td>{_e(i.resolved or i.last_seen)}</td>"
        f'<td class="n">{i.runs}</td></tr>'
        for i in incidents
    )
    return (
        '<table class="incidents"><thead><tr><th>severity and check</th><th>cause</th>'
        "<th>target</th><th>first seen</th><th>resolved / last seen</th><th>runs</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def history_html(
    runs: Sequence[RunRecord], incidents: Sequence[Incident], *, since: str, source: str
) -> str:
    newest = list(reversed(runs))
    opened = [i for i in incidents if i.is_open]
    resolved = [i for i in incidents if not i.is_open]
    targets = sorted({run.target for run in runs} | {i.target for i in incidents})
    title = "driftguard status" + (f": {', '.join(targets)}" if targets else "")
    verdict = (
        f"{len(opened)} open incident(s)" if opened else "no open incident"
    ) + f" · {len(runs)} run(s) since {since}"
    body: list[str] = [
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="run">driftguard {_e(__version__)} · history <code>{_e(source)}</code></p>',
        f'<p class="verdict {"fail" if opened else "pass"}" id="verdict">{_e(verdict)}</p>',
        "</header><main>",
        '<section id="open"><h2>Open incidents</h2>',
        _incident_rows(opened) if opened else '<p class="none">None.</p>',
        "</section>",
        '<section id="timeline"><h2>Runs</h2>',
    ]
    strip = "".join(
        f'<span class="{_e(run.outcome)}" title="{_e(run.started)} {_e(run.outcome)}"></span>'
        for run in runs
    )
    body.append(f'<div class="strip" aria-hidden="true">{strip}</div>')
    rows = "".join(
        f'<tr class="{_e(run.outcome)}"><td>{_e(run.started)}</td>'
        f"<td><code>{_e(run.target)}</code></td>"
        f'<td class="outcome">{_e(run.outcome)}</td>'
        f'<td class="n">{run.breaking}</td><td class="n">{run.warning}</td>'
        f'<td class="n">{run.info}</td><td class="n">{run.seconds:.1f}s</td>'
        f"<td>{_e(_run_note(run))}</td></tr>"
        for run in newest
    )
    body.append(
        '<table class="runs"><colgroup><col class="when"><col class="where"><col class="what">'
        '<col class="n"><col class="n"><col class="n"><col class="took"><col></colgroup>'
        "<thead><tr><th>started</th><th>target</th><th>outcome</th>"
        '<th class="breaking">breaking</th><th class="warning">warning</th>'
        '<th class="info">info</th><th>took</th><th>causes</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )
    body += [
        '<section id="resolved"><h2>Resolved incidents</h2>',
        _incident_rows(resolved) if resolved else '<p class="none">None.</p>',
        "</section></main>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}{_STATUS_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _run_note(run: RunRecord) -> str:
    if run.outcome == "unreachable":
        return run.error or "unreachable"
    messages: list[Any] = [c.get("message", "") for c in run.causes[:3]]
    more = len(run.causes) - len(messages)
    return "; ".join(str(m) for m in messages) + (f" (+{more} more)" if more > 0 else "")
