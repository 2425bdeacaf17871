"""From findings to causes: one change, however many places show it.

A field renamed in a shared model is one change; the diff sees it on every operation that
uses the model (``response-property-renamed``) and every probe that returns it sees it again
(``response-field-renamed``). A person acts on the change, so reports lead with causes and
keep every finding beneath them.

A cause's key comes from *what* changed, never from where it was seen:

- a rename, from any source: the old and the new name;
- a change inside a referenced schema (``details["schema"]``, the component and the path in
  it): the change, whichever side of which operation showed it (a type changed in a model
  used by requests and responses is one cause);
- any other schema change: the rule, the place within an operation and what changed (a
  ``422`` response added to twenty operations is one cause);
- a live response: the rule, the field and what it changed from and to (a compared value:
  the field alone, since its values differ per item);
- a fuzz defect: the rule and its location (the same exception in the same function, the
  same unchecked parameter), on however many operations.

A cause has the highest severity of its findings; its id and message are those of its most
telling finding (the most severe, a schema finding before the others, since its message
names no probe).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import attrgetter
from typing import Any

from driftguard._types import Source
from driftguard.findings import SOURCES, Finding, Severity, short_hash

__all__ = ["Cause", "cause_key", "group"]

# Words of a schema rule's id that say where a change was seen, not what it is: dropped so
# that the request and the response side of one shared schema make one cause.
_PLACE_WORDS = frozenset(
    {
        "request",
        "response",
        "body",
        "property",
        "parameter",
        "header",
        "new",
        "required",
        "optional",
        "with",
        "default",
    }
)
# Details that describe the place rather than the change (already in the schema pointer).
# Details that say where a change was seen, or why its severity was adjusted there (what
# the responses showed, a merged allOf, a webhook, a draft operation): never what changed.
_PLACE_DETAILS = frozenset(
    {
        "property",
        "media",
        "status",
        "probe",
        "path",
        "new_path",
        "schema",
        "evidence",
        "merged",
        "sent",
        "lifecycle",
        "stability",
        "deprecated",
        "sunset",
        "required",
    }
)
_SOURCE_ORDER = {source: rank for rank, source in enumerate(SOURCES)}


@dataclass(frozen=True)
class Cause:
    """One change and every finding that shows it."""

    key: str
    id: str
    severity: Severity
    message: str
    findings: tuple[Finding, ...]

    @property
    def sources(self) -> list[Source]:
        seen = {f.source for f in self.findings}
        return [source for source in SOURCES if source in seen]

    @property
    def operations(self) -> list[str]:
        return sorted({f.operation for f in self.findings if f.operation})

    @property
    def probes(self) -> list[str]:
        return sorted({str(f.details["probe"]) for f in self.findings if "probe" in f.details})

    def where(self, *, limit: int = 4) -> str:
        """``in 3 operations and 2 probes: GET /books, GET /books/{id}, ...``."""
        operations, probes = self.operations, self.probes
        counted = []
        if operations:
            counted.append(_count(len(operations), "operation"))
        if probes:
            counted.append(_count(len(probes), "probe"))
        if not counted:
            return "in the whole API"
        places = [*operations, *probes]
        shown = ", ".join(places[:limit]) + (", ..." if len(places) > limit else "")
        return f"in {' and '.join(counted)}: {shown}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "id": self.id,
            "severity": self.severity.value,
            "message": self.message,
            "sources": self.sources,
            "findings": [f.fingerprint for f in self.findings],
        }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _response_field(path: str) -> str:
    """The field a response path ends in: ``$.lines[*].unit_price`` -> ``unit_price``, and
    ``$.detail[0].loc[1]`` -> ``loc`` (a value's path names the item it was found in)."""
    path = _TRAILING_ITEMS.sub("", path) or path
    last = path.rstrip("]").rsplit(".", 1)[-1] if "." in path else path
    return last.removesuffix("[*").strip("'[]") or path


_TRAILING_ITEMS = re.compile(r"(?:\[(?:\*|\d+)\])+\Z")


@cache
def _change(rule_id: str) -> str:
    """What a schema rule says happened, without where: ``max-length-decreased``."""
    words = [w for w in rule_id.split("-") if w not in _PLACE_WORDS]
    if words:
        return "-".join(words)
    return "added" if rule_id.startswith("new-") else rule_id


def _what(details: Mapping[str, Any]) -> list[str]:
    return [f"{k}={details[k]!r}" for k in sorted(details) if k not in _PLACE_DETAILS]


def _base(type_text: Any) -> str:
    """``string (numeric, 2 decimals)`` -> ``string``: the JSON type a client parses."""
    return str(type_text).split(" ", 1)[0]


def _field(finding: Finding) -> str | None:
    """The field a finding is about, in the document (a property, a parameter) or on the wire."""
    details = finding.details
    if finding.source == "response":
        return _response_field(str(details.get("path", "")))
    if finding.source != "schema":
        return None
    for name in _field_details(finding.id):
        if name in details:
            value = str(details[name])
            return value.rsplit("/", 1)[-1] if name == "property" else value
    return None


@cache
def _field_details(rule_id: str) -> tuple[str, ...]:
    """The details that may name the field of a schema rule's findings, in order."""
    if not rule_id.startswith(("response-", "request-", "new-")):
        return ()
    return tuple(name for name in ("property", "parameter") if name in rule_id)


def _transition(finding: Finding, field: str | None) -> list[str] | None:
    """The key of a change one producer change makes to many fields at once, and that a
    client meets the same way on each: a type turned into another (a serializer that now
    writes Decimals as strings), a field that may now be null (Optional documented as such),
    a string spelled another way (``Z`` for ``+00:00``). Keyed by the transition alone.
    ``field`` is the finding's (:func:`_field`)."""
    if field is None:
        return None
    kind, details = _transition_kind(finding.id), finding.details
    if kind == "type":
        return ["type", _base(details.get("old")), _base(details.get("new"))]
    if kind == "nullable":
        return ["nullable"]
    if kind == "format":
        return ["format", str(details.get("old")), str(details.get("new"))]
    return None


@cache
def _transition_kind(rule: str) -> str | None:
    if "type-changed" in rule or "type-generalized" in rule or "type-specialized" in rule:
        return "type"
    if rule.endswith("became-nullable"):
        return "nullable"
    if rule == "response-field-format-changed":
        return "format"
    return None


@cache
def _field_verb(rule: str) -> str | None:
    """What a rule says happened to a field, for the changes a field can show both in the
    document and on the wire, on either side of an exchange: removed, added, required,
    optional."""
    if rule.endswith("-removed") and ("property" in rule or "field" in rule):
        return "removed"
    if rule.endswith("-added") or rule.startswith("new-"):
        return "added"
    if rule.endswith(("became-required", "became-required-with-default")):
        return "required"
    if rule.endswith("became-optional"):
        return "optional"
    return None


@cache
def _about_the_operation(rule_id: str) -> bool:
    """An operation added, removed or deprecated is a change of its own on each operation."""
    from driftguard.rules import RULES

    rule = RULES.get(rule_id)
    return rule is not None and rule.area == "paths"


def cause_key(finding: Finding) -> str:
    """The stable key of the change ``finding`` shows (see the module docstring)."""
    return _cause(finding)[0]


def _cause(finding: Finding) -> tuple[str, bool]:
    """:func:`cause_key`, and whether the finding is a type changed (see :func:`group`)."""
    details = finding.details
    field = _field(finding)
    transition = _transition(finding, field)
    verb = None if field is None else _field_verb(finding.id)
    if finding.id.endswith("-renamed") and finding.id != "component-renamed":
        material = ["renamed", str(details.get("from")), str(details.get("to"))]
    elif transition is not None:
        material = ["transition", *transition]
    elif verb is not None and field is not None:
        material = ["field", verb, field]
    elif finding.id == "response-value-changed" and field is not None:
        # The values of one field, whatever they changed from and to: a price table, the
        # error codes of every 422 (one error model), one host spelling per URL.
        material = ["value", field]
    elif finding.source == "response":
        material = [finding.id, str(details.get("old")), str(details.get("new"))]
        if not finding.id.endswith(("status-changed", "content-type-changed")):
            material.insert(1, _response_field(str(details.get("path", ""))))
    elif finding.source == "schema" and "schema" in details:
        material = [_change(finding.id), str(details["schema"]), *_what(details)]
    elif finding.source == "schema":
        material = [finding.id, finding.location, *_what(details)]
        if not finding.location or _about_the_operation(finding.id):
            material.append(finding.operation or "")
    else:  # fuzz: the same defect, whichever operation shows it
        material = [finding.id, finding.location]
    key = _key("\x1f".join(material))
    return key, transition is not None and transition[0] == "type"


@lru_cache(maxsize=4096)  # the findings of one cause share it: hashed once, not per finding
def _key(material: str) -> str:
    return short_hash(material)


_SORT_KEY = attrgetter("sort_key")


def _message(finding: Finding) -> str:
    """The finding's message, named by what changed rather than where it was seen: a
    property of a shared schema within its component (``charge/status``), a field of live
    responses by its name, without the probe that happened to show it."""
    from driftguard.rules import RULES, render

    details = finding.details
    rule = RULES.get(finding.id)
    if rule is None:
        return finding.message
    if finding.source == "response" and rule.brief and "path" in details:
        field = _response_field(str(details["path"]))
        text = render(rule.brief, {**details, "path": field}) + " in live responses"
        reason = details.get("reason")  # why a probe's status changed (snapshots.gate)
        return f"{text}: {reason}" if isinstance(reason, str) and reason else text
    schema = details.get("schema")
    if finding.source != "schema" or not isinstance(schema, str) or "property" not in details:
        return finding.message

    anchor, _, inside = schema.partition(" ")
    named = anchor.rsplit("/", 1)[-1] + inside
    return render(rule.message, {**details, "property": named})


def _consequence(finding: Finding) -> bool:
    """A keyword that comes and goes with a type (a number's bounds, a string's pattern)."""
    return finding.source == "schema" and _consequential(finding.id)


@cache
def _consequential(rule_id: str) -> bool:
    return any(word in rule_id for word in ("-max", "-min", "-pattern-", "-enum", "-exclusive-"))


def _join_values_to_their_field(findings: list[Finding], keys: dict[int, str]) -> None:
    shaped: dict[tuple[str, str], str] = {}
    for finding in findings:
        if finding.source == "response" and finding.id != "response-value-changed":
            place = (str(finding.details.get("probe")), str(finding.details.get("path")))
            shaped.setdefault(place, keys[id(finding)])
    if not shaped:
        return
    for finding in findings:
        if finding.id == "response-value-changed":
            path = _INDEXES.sub("[*]", str(finding.details.get("path")))
            key = shaped.get((str(finding.details.get("probe")), path))
            if key is not None:
                keys[id(finding)] = key


_INDEXES = re.compile(r"\[\d+\]")


def group(findings: Iterable[Finding]) -> list[Cause]:
    """The causes of ``findings``: the most severe first, then in report order.

    A bound or pattern removed where a type changed at the same place (a Decimal's
    ``minimum`` gone with its ``number``) is part of that type change's cause, and so is a
    compared value of a field whose shape changed in the same probe (9 -> 9.99 where the
    field went from integer to number).
    """
    findings = list(findings)
    keys: dict[int, str] = {}
    typed: dict[tuple[str | None, str], str] = {}  # place -> key of the type changed there
    for finding in findings:
        key, type_changed = _cause(finding)
        keys[id(finding)] = key
        if type_changed:
            typed[(finding.operation, finding.location)] = key
    for finding in findings if typed else ():
        place = (finding.operation, finding.location)
        if place in typed and _consequence(finding):
            keys[id(finding)] = typed[place]
    _join_values_to_their_field(findings, keys)
    by_key: dict[str, list[Finding]] = {}
    for finding in findings:
        by_key.setdefault(keys[id(finding)], []).append(finding)
    causes = []
    for key, members in by_key.items():
        members.sort(key=_SORT_KEY)
        # The most telling member: not a consequence of a type change (where there are
        # others), the most severe, a schema finding first; of equals, the first in
        # sort_key order, which is the members' order.
        several = len(members) > 1
        best = min(
            members,
            key=lambda f: (
                several and _consequence(f),
                -f.severity.rank,
                _SOURCE_ORDER[f.source],
            ),
        )
        causes.append(Cause(key, best.id, best.severity, _message(best), tuple(members)))
    causes.sort(key=lambda c: (-c.severity.rank, c.findings[0].sort_key, c.id))
    return causes
