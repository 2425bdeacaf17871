"""The markup of the html report, built from a Report and nothing else.

Every piece of text that came from a document, a target or a user (messages, locations,
values, curl lines, notes, targets) goes through :func:`_e`, which escapes ``<``, ``&`` and
both quotes; nothing user-controlled ever reaches the inline script, which reads the page's
own DOM. The markup is kept lean on purpose: Stripe's diff has 3,394 findings, and each
finding is one table row whose classes carry its severity and source for the filters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

from driftguard._io import json_text
from driftguard.findings import SOURCES, Finding, Severity
from driftguard.formats._view import SPEC_WIDE, hidden_line, run_facts, shown_causes, summary_line
from driftguard.formats.html._assets import SCRIPT, STYLE
from driftguard.report import Report
from driftguard.rules import RULES
from driftguard.rules.describe import description
from driftguard.rules.explain import explain

if TYPE_CHECKING:
    from driftguard.causes import Cause
    from driftguard.formats import FormatOptions

__all__ = ["page"]

_SEVERITIES = [s.value for s in reversed(Severity)]  # breaking first


def _e(value: Any) -> str:
    """Any value as escaped text: strings as they are, other values as compact JSON."""
    text = value if isinstance(value, str) else json_text(value, indent=None)
    return escape(text, quote=True)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _header(report: Report, options: FormatOptions, commit: str | None) -> list[str]:
    run = report.run
    facts = run_facts(run) or [f"driftguard {run.version}"]
    line = " · ".join(_e(fact) for fact in facts)
    if commit:
        line += f" · commit <code>{_e(commit)}</code>"
    out = [f"<h1>{_e(report.title)}</h1>", f'<p class="run">{line}</p>', '<dl class="what">']
    out.append(f"<dt>command</dt><dd><code>driftguard {_e(report.command)}</code></dd>")
    if run.baseline:
        out.append(f"<dt>baseline</dt><dd><code>{_e(run.baseline)}</code></dd>")
    if run.target:
        out.append(f"<dt>target</dt><dd><code>{_e(run.target)}</code></dd>")
    out.append("</dl>")
    failing = report.exit_code(options.fail_on) == 1
    verdict = f"{summary_line(report)} (fail-on: {options.fail_on})"
    out.append(f'<p class="verdict {"fail" if failing else "pass"}">{_e(verdict)}</p>')
    if report.findings:
        out.append(_counts(report))
    if run.notes:
        notes = "".join(f"<li>{_e(note)}</li>" for note in run.notes)
        out.append(f'<section class="notes"><h2>Notes</h2><ul>{notes}</ul></section>')
    return out


def _counts(report: Report) -> str:
    """Causes and findings by severity and by source, as two tables that sit side by side or
    one above the other on a narrow window. A cause that two sources show counts under both,
    so the source columns may add up to more than the total."""
    totals = {"causes": len(report.causes), "findings": len(report.findings)}
    by_severity = {"causes": report.cause_summary, "findings": report.summary}
    by_source: dict[str, Counter[str]] = {
        "causes": Counter(source for cause in report.causes for source in cause.sources),
        "findings": Counter(f.source for f in report.findings),
    }

    def table(caption: str, columns: list[str], counts: Mapping[str, Mapping[str, int]]) -> str:
        head = "".join(f'<th class="{column}">{column}</th>' for column in columns)
        rows = "".join(
            f"<tr><th>{name}</th>"
            + "".join(f'<td data-count="{name}-{c}">{counts[name][c]}</td>' for c in columns)
            + "</tr>"
            for name in totals
        )
        return (
            f'<table class="counts"><caption>{caption}</caption><thead><tr><th></th>{head}'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )

    with_total = {name: {**by_severity[name], "total": totals[name]} for name in totals}
    return (
        '<div class="tallies">'
        f"{table('by severity', [*_SEVERITIES, 'total'], with_total)}"
        f"{table('by source', list(SOURCES), by_source)}</div>"
    )


def _toolbar() -> str:
    """The filters: hidden until the script shows them, so a page without scripts (an
    artefact viewer that strips them) shows no controls that do nothing."""
    severity = "".join(
        f'<label class="{s}"><input type="checkbox" name="severity" value="{s}" checked>{s}</label>'
        for s in _SEVERITIES
    )
    source = "".join(
        f'<label><input type="checkbox" name="source" value="{s}" checked>{s}</label>'
        for s in SOURCES
    )
    return (
        '<form id="filters" class="filters" hidden>'
        f"<fieldset><legend>severity</legend>{severity}</fieldset>"
        f"<fieldset><legend>source</legend>{source}</fieldset>"
        '<input type="search" id="search" placeholder="search (press /)" autocomplete="off" '
        'title="words that must all be in a finding or its cause" aria-label="search">'
        '<button type="button" id="expand">expand all</button>'
        '<button type="button" id="collapse">collapse all</button>'
        '<output id="shown" aria-live="polite"></output></form>'
    )


def _pair(labels: tuple[str, str], details: Mapping[str, Any], keys: tuple[str, str]) -> str:
    parts = [
        f'<span class="k">{label}</span> <code>{_e(details[key])}</code>'
        for label, key in zip(labels, keys, strict=True)
        if key in details
    ]
    return f"<div>{' '.join(parts)}</div>"


def _evidence(f: Finding) -> str:
    """What a finding carries besides its message, where it has it: the values before and
    after, the probe, its request and the field of a live response, a fuzz run's curl line
    and request."""
    d = f.details
    parts = []
    if "from" in d or "to" in d:
        parts.append(_pair(("renamed from", "to"), d, ("from", "to")))
    if "old" in d or "new" in d:
        parts.append(_pair(("before", "after"), d, ("old", "new")))
    if f.source == "response":
        if "probe" in d:
            parts.append(f'<div><span class="k">probe</span> <code>{_e(d["probe"])}</code></div>')
        if "path" in d:
            parts.append(f'<div><span class="k">field</span> <code>{_e(d["path"])}</code></div>')
    if f.source == "fuzz" and "reproduce" in d:
        parts.append(f'<pre class="curl">{_e(d["reproduce"])}</pre>')
    if f.source in ("response", "fuzz") and "request" in d:
        request = _e(json_text(d["request"], indent=2))
        parts.append(f"<details><summary>request</summary><pre>{request}</pre></details>")
    return f'<div class="ev">{"".join(parts)}</div>' if parts else ""


def _finding(f: Finding) -> str:
    """One row: the operation over the location (one wide column, so that neither is broken
    mid-word), the message with its evidence, the check. The stylesheet sets the location
    and the check in monospace by position, which saves a tenth of Stripe's page."""
    return (
        f'<tr class="{f.severity.value} {f.source}"><td>{_e(f.operation or SPEC_WIDE)}'
        f"<div>{_e(f.location)}</div></td><td>{_e(f.message)}{_evidence(f)}</td>"
        f"<td>{_check_link(f.id)}<br><b>{f.severity.value}</b> · {f.source}</td></tr>"
    )


def _explanations(cause: Cause) -> str:
    """A paragraph for each check the cause's findings come from, its own check first (a
    rename seen in the document and in live responses has two)."""
    ids = dict.fromkeys([cause.id, *(f.id for f in cause.findings)])
    return "".join(
        f'<p class="why"><b>Why <code>{_e(rule_id)}</code> matters.</b> {_e(explain(rule_id))}</p>'
        for rule_id in ids
        if rule_id in RULES
    )


def _cause(cause: Cause) -> str:
    severity, n = cause.severity.value, len(cause.findings)
    rows = "".join(_finding(f) for f in cause.findings)
    return (
        f'<details class="cause {severity}" id="c-{_e(cause.key)}">'
        f'<summary><span class="sev">{severity}</span> <span class="msg">{_e(cause.message)}'
        f'</span> <span class="count">{_plural(n, "finding")}</span><span class="meta"><code>'
        f"{_check_link(cause.id)}</code> · {' + '.join(cause.sources)} · {_e(cause.where())}</span>"
        f"</summary>{_explanations(cause)}"
        '<table class="findings"><thead><tr><th>operation and location</th><th>finding</th>'
        f"<th>check</th></tr></thead><tbody>{rows}</tbody></table></details>"
    )


def _check_link(rule_id: str) -> str:
    """A check id linking to its entry in the page's own catalogue (:func:`_catalogue`)."""
    if rule_id not in RULES:
        return _e(rule_id)
    return f'<a href="#check-{_e(rule_id)}">{_e(rule_id)}</a>'


def _catalogue(report: Report) -> str:
    """The catalogue entries of the checks in this report, as ``driftguard checks`` lists
    them, so the page explains its ids without fetching anything."""
    ids = sorted({f.id for f in report.findings} & set(RULES))
    rows = "".join(
        f'<tr id="check-{_e(rule_id)}"><td><code>{_e(rule_id)}</code></td>'
        f"<td>{RULES[rule_id].severity.value}</td><td>{RULES[rule_id].source} · "
        f"{_e(RULES[rule_id].direction)} · {_e(RULES[rule_id].area)}</td>"
        f"<td>{_e(description(rule_id))}</td></tr>"
        for rule_id in ids
    )
    return (
        '<h2 id="checks">Checks in this report</h2><p class="checks-note">From the catalogue '
        "that <code>driftguard checks</code> lists (default severities; the configuration may "
        'override them).</p><table class="catalogue"><thead><tr><th>id</th><th>default</th>'
        f"<th>source · direction · area</th><th>reports</th></tr></thead><tbody>{rows}</tbody>"
        "</table>"
    )


def page(report: Report, options: FormatOptions, *, commit: str | None) -> str:
    """The whole page. ``commit`` is the git commit the run was made on, if known."""
    body = ["<header>", *_header(report, options, commit), "</header>", "<main>"]
    if not report.findings:
        body.append('<p class="none">No findings.</p>')
    else:
        shown = shown_causes(report, options)
        body += ["<h2>Causes</h2>", _toolbar()]
        hidden = hidden_line(report, shown)
        if hidden:
            body.append(f'<p class="hidden-causes">{_e(hidden)}</p>')
        body += ['<div id="causes">', *(_cause(cause) for cause in shown), "</div>"]
        body.append(_catalogue(report))
    body.append("</main>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(report.title)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}<script>{SCRIPT}</script></body></html>\n"
    )
