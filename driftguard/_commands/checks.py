"""`driftguard checks`: the rule catalogue, so that users can write ignore lists and overrides.

Every rule of :mod:`driftguard.rules` once, with its default severity, its source, direction,
area and tier, and a one-line description derived from the catalogue itself
(:func:`driftguard.rules.describe.description`). Beside the default it shows what the
configuration makes of the rule: its ``[tool.driftguard] severity`` override, or that
``ignore_findings`` drops all its findings.

``--format json`` prints one JSON list, sorted by id, of objects with the keys ``id``,
``severity`` (the default), ``configured_severity`` (after the configuration's override; the
default when there is none), ``ignored`` (true when ``ignore_findings`` names the bare id),
``source``, ``direction``, ``area``, ``tier`` and ``description``.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_args

from driftguard._commands import _options
from driftguard._types import Source

if TYPE_CHECKING:
    from driftguard._config import Config
    from driftguard.findings import Severity
    from driftguard.rules import Rule

WIDTH = 100  # the text table fits a 100-column terminal
_ID_COLUMN = 48  # a longer id takes a line of its own


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "checks",
        help="list every rule: id, default severity, direction, area, description",
        description="List the rule catalogue: every finding id driftguard can report, with its "
        "default severity, source, direction, area and a one-line description, and what the "
        "configuration's severity overrides and ignore_findings make of it.",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default: a table grouped by source and area), json (a list sorted by id) "
        "or markdown (the catalogue as a CHECKS.md page: a table per source and area)",
    )
    parser.add_argument(
        "--severity",
        type=_options.severity,
        metavar="LEVEL",
        help="only the rules whose severity, after the configuration's overrides, is LEVEL: "
        "breaking, warning, info",
    )
    parser.add_argument(
        "--source",
        choices=get_args(Source),
        help="only the rules of one source: schema (diff), response (check) or fuzz",
    )
    _options.common(parser)


@dataclass(frozen=True)
class Entry:
    """A rule as this listing shows it: the catalogue's facts and the configuration's."""

    rule: Rule
    configured: Severity
    ignored: bool
    description: str

    def to_dict(self) -> dict[str, Any]:
        rule = self.rule
        return {
            "id": rule.id,
            "severity": rule.severity.value,
            "configured_severity": self.configured.value,
            "ignored": self.ignored,
            "source": rule.source,
            "direction": rule.direction,
            "area": rule.area,
            "tier": rule.tier,
            "description": self.description,
        }

    @property
    def shown_severity(self) -> str:
        """``breaking``; ``info -> breaking`` when overridden; ``ignored (info)``."""
        default = self.rule.severity.value
        if self.ignored:
            return f"ignored ({default})"
        if self.configured != self.rule.severity:
            return f"{default} -> {self.configured.value}"
        return default


def entries(
    config: Config, *, severity: Severity | None = None, source: str | None = None
) -> list[Entry]:
    """Every rule, sorted by id, with the configuration's effect; filtered as asked."""
    from driftguard.rules import RULES
    from driftguard.rules.describe import description

    ignored = {rule for rule in config.ignore_findings if isinstance(rule, str)}
    ignored.update(
        rule.id
        for rule in config.ignore_findings
        if not isinstance(rule, str) and rule.id and not (rule.operation or rule.fingerprint)
    )
    chosen = []
    for rule_id in sorted(RULES):
        rule = RULES[rule_id]
        configured = config.severity.get(rule_id, rule.severity)
        if (severity is not None and configured != severity) or (
            source is not None and rule.source != source
        ):
            continue
        chosen.append(Entry(rule, configured, rule_id in ignored, description(rule_id)))
    return chosen


def run(args: argparse.Namespace, config: Config) -> int:
    from driftguard._io import json_text

    # An override naming no rule never gets here: the configuration refuses it.
    listed = entries(config, severity=args.severity, source=args.source)
    if args.format == "json":
        sys.stdout.write(json_text([entry.to_dict() for entry in listed]) + "\n")
        return 0
    if args.format == "markdown":
        sys.stdout.write("\n".join(markdown(listed)) + "\n")
        return 0
    if args.quiet:  # the summary line alone, as --quiet is for every command
        sys.stdout.write(_headline(listed, config) + "\n")
        return 0
    lines = [_headline(listed, config), "", *table(listed)]
    lines += [
        "",
        'Override a severity in [tool.driftguard] with severity = { ID = "LEVEL" },',
        'drop every finding of a rule with ignore_findings = ["ID"].',
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _headline(listed: list[Entry], config: Config) -> str:
    counts = dict.fromkeys(("breaking", "warning", "info"), 0)
    for entry in listed:
        counts[entry.configured.value] += 1
    text = f"{len(listed)} rules ({', '.join(f'{n} {level}' for level, n in counts.items())})"
    overridden = sum(1 for e in listed if e.configured != e.rule.severity and not e.ignored)
    ignored = sum(1 for e in listed if e.ignored)
    if config.source and (overridden or ignored):
        text += f"; {config.source}: {overridden} overridden, {ignored} ignored"
    return text


def _groups(listed: list[Entry]) -> dict[tuple[str, str], list[Entry]]:
    """The rules by (source, area): sources in the order reports use them, areas in
    catalogue order, ids sorted."""
    from driftguard.findings import SOURCES
    from driftguard.rules import RULES

    areas: dict[str, int] = {}
    for rule in RULES.values():
        areas.setdefault(rule.area, len(areas))
    groups: dict[tuple[str, str], list[Entry]] = {}
    for entry in sorted(
        listed, key=lambda e: (SOURCES.index(e.rule.source), areas[e.rule.area], e.rule.id)
    ):
        groups.setdefault((entry.rule.source, entry.rule.area), []).append(entry)
    return groups


def markdown(listed: list[Entry]) -> list[str]:
    """The catalogue as a CHECKS.md page: a heading and a table per source and area."""
    lines = [
        "# driftguard checks",
        "",
        f"Every id driftguard can report ({len(listed)} rules), as `driftguard checks` lists "
        'them: override a severity with `severity = { ID = "LEVEL" }`, drop a rule\'s findings '
        'with `ignore_findings = ["ID"]`.',
    ]
    for (source, area), members in _groups(listed).items():
        lines += ["", f"## {source} / {area}", "", "| id | severity | direction | reports |"]
        lines.append("|---|---|---|---|")
        for entry in members:
            text = entry.description.replace("|", "\\|")
            row = (
                f"| `{entry.rule.id}` | {entry.shown_severity} | {entry.rule.direction} | {text} |"
            )
            lines.append(row)
    return lines


def table(listed: list[Entry]) -> list[str]:
    """The rules grouped by source and area, ids first, aligned within ``WIDTH`` columns."""
    groups = _groups(listed)
    severity_width = max((len(e.shown_severity) for e in listed), default=8)
    lines: list[str] = []
    for (source, area), members in groups.items():
        directions = sorted({e.rule.direction for e in members})
        side = "" if directions == ["none"] else f", {'/'.join(directions)} side"
        if lines:
            lines.append("")
        count = f"{len(members)} rule{'s' if len(members) != 1 else ''}"
        lines.append(f"{source} / {area} ({count}{side})")
        id_width = min(max(len(e.rule.id) for e in members), _ID_COLUMN)
        text_width = max(WIDTH - 2 - id_width - 2 - severity_width - 2, 30)
        indent = " " * (2 + id_width + 2 + severity_width + 2)
        for entry in members:
            wrapped = textwrap.wrap(entry.description, text_width) or [""]
            head = f"  {entry.rule.id:<{id_width}}  {entry.shown_severity:<{severity_width}}  "
            if len(entry.rule.id) > id_width:
                lines.append(f"  {entry.rule.id}")
                head = f"  {'':<{id_width}}  {entry.shown_severity:<{severity_width}}  "
            lines.append((head + wrapped[0]).rstrip())
            lines += [indent + more for more in wrapped[1:]]
    return lines
