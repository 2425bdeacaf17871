"""What the recorded responses say about a schema change's risk.

A schema finding judges a change from the documents alone: ``response-property-became-nullable``
is breaking because a client that never saw ``null`` may not handle it. A snapshot holds real
responses, and sometimes they contradict that: when the recorded responses already carried
``null`` for the field, clients already handle it; when a bound is loosened far beyond every
recorded value (a ``maxLength`` of 65,536 removed from a field whose values are a dozen
characters long), no client has met it. Such findings are lowered, never raised, and say why in
``details.evidence``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from driftguard.findings import Finding, Severity
from driftguard.shapes import Shape
from driftguard.shapes.infer import EXAMPLE_LIMIT

__all__ = ["Seen", "weigh"]

# (operation, status) -> every recorded shape of a probe of that operation, with its name
Seen = Mapping[tuple[str, str], list[tuple[str, Shape]]]

_NULLABLE = frozenset({"response-property-became-nullable", "response-body-became-nullable"})
_LENGTH = frozenset(
    {
        "response-property-max-length-increased",
        "response-property-max-length-unset",
        "response-body-max-length-increased",
        "response-body-max-length-unset",
    }
)
_NUMBER = frozenset(
    {
        "response-property-max-increased",
        "response-property-max-unset",
        "response-body-max-increased",
        "response-body-max-unset",
    }
)
# A bound is "far" from what was seen when every value was below this share of it.
_FAR = 0.01


def _at(shape: Shape, path: str) -> list[Shape]:
    """The shapes at a schema finding's property path (``data/[]/name``) in a response."""
    found = [shape]
    for segment in [s for s in path.split("/") if s]:
        if segment.startswith(("oneOf[", "anyOf[", "allOf[")):
            continue  # a branch of a composition: the same place in the response
        step: list[Shape] = []
        for current in found:
            if segment == "[]":
                if current.items is not None:
                    step.append(current.items)
            elif segment in current.fields:
                step.append(current.fields[segment])
        found = step
    return found


def _lowered(finding: Finding, severity: Severity, evidence: str) -> Finding:
    if severity.rank >= finding.severity.rank:
        return finding
    return replace(finding, severity=severity, details={**finding.details, "evidence": evidence})


def _weigh(finding: Finding, shapes: list[tuple[str, Shape]]) -> Finding:
    probes = sorted({probe for probe, _ in shapes})
    named = ", ".join(probes)
    field = finding.details.get("property") or "the body"
    if finding.id in _NULLABLE:
        if any(shape.nullable for _, shape in shapes):
            evidence = f"the recorded responses of {named} already carried null for {field}"
            return _lowered(finding, Severity.INFO, evidence)
        return finding
    old = finding.details.get("old")
    if not isinstance(old, int | float) or isinstance(old, bool) or old <= 0:
        return finding
    if finding.id in _LENGTH:
        examples = [s.example for _, s in shapes if isinstance(s.example, str)]
        measured: list[float] = [len(e) for e in examples if len(e) < EXAMPLE_LIMIT]  # whole
        unit = "characters"
    elif finding.id in _NUMBER:
        measured = [
            abs(s.example)
            for _, s in shapes
            if isinstance(s.example, int | float) and not isinstance(s.example, bool)
        ]
        unit = "at most"
    else:
        return finding
    if not measured or len(measured) < len(shapes) or max(measured) > old * _FAR:
        return finding
    most = max(measured)
    seen = f"{most:g} {unit}" if unit == "characters" else f"{unit} {most:g}"
    evidence = f"the recorded values of {named} are {seen}, far inside the old bound {old:g}"
    return _lowered(finding, Severity.WARNING, evidence)


def weigh(findings: Iterable[Finding], seen: Seen) -> list[Finding]:
    """``findings`` with each schema finding the recorded responses contradict lowered.

    Evidence about a field of a shared schema holds wherever the schema is used: null seen
    for ``Author.website`` in one operation's recorded response lowers the same finding on
    every operation that returns an Author.
    """
    weighed = _each(findings, seen)
    shared: dict[tuple[str, str], Finding] = {}
    for finding in weighed:
        schema = finding.details.get("schema")
        if "evidence" in finding.details and isinstance(schema, str):
            shared.setdefault((finding.id, schema), finding)
    if not shared:
        return weighed
    return [
        _lowered(f, lowered.severity, str(lowered.details["evidence"]))
        if (lowered := shared.get((f.id, str(f.details.get("schema"))))) is not None
        else f
        for f in weighed
    ]


def _each(findings: Iterable[Finding], seen: Seen) -> list[Finding]:
    weighed = []
    for finding in findings:
        status = finding.details.get("status")
        if finding.source == "schema" and finding.operation and status is not None:
            shapes = [
                (probe, at)
                for probe, shape in seen.get((finding.operation, str(status)), [])
                for at in _at(shape, str(finding.details.get("property", "")))
            ]
            if shapes:
                finding = _weigh(finding, shapes)
        weighed.append(finding)
    return weighed
