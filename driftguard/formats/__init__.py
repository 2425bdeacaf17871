"""Output formats behind one registry: every format reads a :class:`Report`, nothing else.

A format is a module with ``render(report, options) -> str``. Modules are imported only when
used, so adding one costs nothing at start-up. The ``json`` format is the contract's report
(CONTRACT section 3); the others are views of the same findings.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Protocol

from driftguard._errors import UsageError
from driftguard.findings import FailOn, Severity
from driftguard.report import Report

__all__ = ["FORMATS", "FormatOptions", "Renderer", "render"]

FORMATS: dict[str, str] = {
    "text": "driftguard.formats.text",
    "json": "driftguard.formats.json",
    "markdown": "driftguard.formats.markdown",
    "junit": "driftguard.formats.junit",
    "github": "driftguard.formats.github",
    "html": "driftguard.formats.html",
    "summary": "driftguard.formats.summary",
}


@dataclass(frozen=True)
class FormatOptions:
    """How a report is rendered: colour, the exit threshold to show, the causes to show
    (``--show``: none below it) and whether every finding is listed (``--details``)."""

    color: bool = False
    fail_on: FailOn = field(default_factory=lambda: FailOn.parse("breaking"))
    show: Severity | None = None
    details: bool = False


class Renderer(Protocol):
    def __call__(self, report: Report, options: FormatOptions) -> str: ...


def render(report: Report, name: str, options: FormatOptions | None = None) -> str:
    """The report in format ``name``; an unknown name is a UsageError listing the choices."""
    try:
        module = importlib.import_module(FORMATS[name])
    except KeyError:
        raise UsageError(f"unknown format {name!r} (choose from {', '.join(FORMATS)})") from None
    renderer: Renderer = module.render
    return renderer(report, options or FormatOptions())
