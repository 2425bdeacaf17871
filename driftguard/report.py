"""The report of one run: its findings, the causes they show, and what the run was.

A schema diff, a live response compared with its snapshot and a fuzz run all end as a
:class:`Report`; formats, exit codes and the pytest plugin read nothing else. The findings
are the model (:mod:`driftguard.findings`), the causes are computed from them
(:mod:`driftguard.causes`), so the two can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from driftguard._version import __version__
from driftguard.causes import Cause, group
from driftguard.findings import FailOn, Finding, RunInfo, Severity

__all__ = ["Report"]


class Report:
    """The findings of one command run, always sorted so that two reports diff cleanly,
    and the causes they show (:mod:`driftguard.causes`), the most severe first."""

    __slots__ = ("_causes", "command", "findings", "run")

    def __init__(
        self, command: str, findings: Iterable[Finding] = (), *, run: RunInfo | None = None
    ) -> None:
        self.command = command
        self.findings: list[Finding] = sorted(findings, key=lambda f: f.sort_key)
        self.run = run if run is not None else RunInfo()
        self._causes: list[Cause] | None = None

    @property
    def causes(self) -> list[Cause]:
        if self._causes is None:
            self._causes = group(self.findings)
        return self._causes

    @property
    def cause_summary(self) -> dict[str, int]:
        """The causes counted by severity, as ``summary`` counts the findings."""
        counts = {"breaking": 0, "warning": 0, "info": 0}
        for cause in self.causes:
            counts[cause.severity.value] += 1
        return counts

    def __repr__(self) -> str:
        return f"Report(command={self.command!r}, summary={self.summary})"

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    @property
    def title(self) -> str:
        return self.run.title(self.command)

    @property
    def summary(self) -> dict[str, int]:
        counts = {"breaking": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def exit_code(self, fail_on: FailOn | str = "breaking") -> int:
        """0 when nothing reaches ``fail_on``, 1 otherwise (CONTRACT section 2)."""
        if isinstance(fail_on, str):
            fail_on = FailOn.parse(fail_on)
        return 1 if any(fail_on.trips(f.severity) for f in self.findings) else 0

    def filtered(self, keep: Callable[[Finding], bool]) -> Report:
        """A report holding only the findings for which ``keep(finding)`` is true."""
        return Report(self.command, [f for f in self.findings if keep(f)], run=self.run)

    def to_dict(self) -> dict[str, Any]:
        keys = {id(f): cause.key for cause in self.causes for f in cause.findings}
        return {
            "tool": "driftguard",
            "version": __version__,
            "command": self.command,
            "run": self.run.to_dict(),
            "summary": {**self.summary, "causes": self.cause_summary},
            "causes": [cause.to_dict() for cause in self.causes],
            "findings": [{**f.to_dict(), "cause": keys[id(f)]} for f in self.findings],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        from driftguard._io import json_text  # (tempfile and all: not for the other formats)

        data = self.to_dict()
        if indent == 2:
            text = _indented(data)
            if text is not None:
                return text
        return json_text(data, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        findings = [Finding.from_dict(f) for f in data.get("findings", [])]
        return cls(data["command"], findings, run=RunInfo.from_dict(data.get("run") or {}))


# Python's json module writes indented JSON with its pure-Python encoder (C only without
# indent): 70 ms of a Discord-sized report. This writes the same text, byte for byte, from
# plain JSON values, and leaves everything else to _io.json_text (its rules for NaN, long
# integers, lone surrogates and other types are the report's).
_quoted: Callable[[str], str] = json.encoder.encode_basestring  # C, as dumps(ensure_ascii=False)


class _NotPlain(Exception):
    """A value :func:`_indented` leaves to the json module."""


def _indented(data: Any) -> str | None:
    """``json.dumps(data, indent=2, ensure_ascii=False)``, or None for anything but plain
    JSON values (dicts with string keys, lists, strings, finite floats, ints, bools, None)."""
    try:
        text = _encode(data, "\n")
        text.encode("utf-8")  # a lone surrogate: JSON text must escape it
    except (_NotPlain, ValueError, RecursionError, UnicodeEncodeError):
        return None
    return text


def _encode(value: Any, newline: str) -> str:
    kind = type(value)
    if kind is str:
        return _quoted(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            # most values are strings: quoted here, without a call of _encode
            text = _quoted(item) if type(item) is str else _encode(item, inner)
            parts.append(f"{_quoted(key)}: {text}")
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + "  "
        items = [_quoted(v) if type(v) is str else _encode(v, inner) for v in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)  # ValueError past 4,300 digits, as json's
    if kind is float and value - value == 0:  # finite: inf - inf and nan are nan
        return float.__repr__(value)
    raise _NotPlain
