"""A recorded shape against a live one: what a client of the old responses would trip over.

Only shapes and spellings are compared, never values, so ids, timestamps and tokens that
change on every call do not show. The severity of each finding comes from the catalogue.

Direction matters: the old shape is what clients were written against. A type the new
response adds, a field that is gone or may now be null, a string spelled differently: those
are reported. A variant the new sample happens not to show (a field that was optional and is
absent this time, a nullable field that is not null now) is not, because one sample cannot
prove its absence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from driftguard._redact import REDACTED
from driftguard.findings import Finding
from driftguard.renames import pair_renames
from driftguard.report import Report
from driftguard.rules import finding
from driftguard.shapes._formats import STRONG, label, new_spelling
from driftguard.shapes._paths import ITEMS, WILDCARD, Path, PathMatcher, render_path
from driftguard.shapes.infer import Shape, infer_shape
from driftguard.shapes.maps import data_keys

__all__ = ["RecordedResponse", "compare_response", "compare_shapes"]


class RecordedResponse(Protocol):
    """What :func:`compare_response` needs of a response: a snapshot record satisfies it."""

    @property
    def status(self) -> int | None: ...

    @property
    def media_type(self) -> str | None: ...

    @property
    def shape(self) -> Shape | None: ...

    @property
    def error(self) -> str | None:
        """Why no answer came at all (the record's status is then 0), else None."""


def compare_shapes(
    old: Shape,
    new: Shape | Any,
    *,
    probe: str,
    operation: str | None = None,
    ignore: Sequence[str] | PathMatcher = (),
) -> Report:
    """Findings for every way ``new`` (a Shape, or parsed JSON) drifted from ``old``."""
    matcher = PathMatcher.of(ignore)
    if not isinstance(new, Shape):
        new = infer_shape(new, ignore=matcher)
    comparison = _Comparison(probe, operation, matcher)
    comparison.compare(old, new, ())
    return Report("check", comparison.findings)


def compare_response(
    old: RecordedResponse,
    new: RecordedResponse,
    *,
    probe: str,
    operation: str | None = None,
    ignore: Sequence[str] | PathMatcher = (),
) -> Report:
    """A recorded response against a live one: status, then media type, then shape.

    A different status or media type means a different body altogether, so its shape is
    not compared field by field (a 404 body against a user would be all noise).
    """
    details = {"probe": probe, "path": "$"}

    def report(rule_id: str, where: str, **extra: Any) -> Report:
        location = f"{probe} {where}"
        found = finding(
            rule_id, operation=operation, location=location, details={**details, **extra}
        )
        return Report("check", [found])

    # Parsed JSON handed to the pytest fixture has no status and no media type: those are
    # compared only when both sides were HTTP responses.
    both_responses = old.status is not None and new.status is not None
    if both_responses and old.status != new.status:
        answered = new.status if new.error is None else f"nothing ({new.error})"
        return report("response-status-changed", "status", old=old.status, new=answered)
    if both_responses and (old.media_type or None) != (new.media_type or None):
        return report(
            "response-content-type-changed",
            "content-type",
            old=old.media_type or "no body",
            new=new.media_type or "no body",
        )
    if old.shape is None:
        return Report("check")
    if new.shape is None:
        return report("response-field-type-changed", "$", old=_types(old.shape), new="no JSON body")
    return compare_shapes(old.shape, new.shape, probe=probe, operation=operation, ignore=ignore)


class _Comparison:
    __slots__ = ("findings", "ignore", "operation", "probe")

    def __init__(self, probe: str, operation: str | None, ignore: PathMatcher) -> None:
        self.probe = probe
        self.operation = operation
        self.ignore = ignore
        self.findings: list[Finding] = []

    def emit(self, rule_id: str, path: Path, **details: Any) -> None:
        where = render_path(path)
        self.findings.append(
            finding(
                rule_id,
                operation=self.operation,
                location=f"{self.probe} {where}",
                details={"probe": self.probe, "path": where, **details},
            )
        )

    def compare(self, old: Shape, new: Shape, path: Path) -> None:
        in_items = bool(path) and path[-1] is ITEMS
        old_types, new_types = old.non_null, new.non_null
        if new.nullable and not old.nullable and old_types:
            if in_items:
                self.emit("response-array-items-changed", path, old=_types(old), new=_types(new))
                return
            self.emit("response-field-became-nullable", path, old=_types(old), new=_types(new))
        if not old_types or not new_types:
            return  # only nulls seen on one side: nothing is known about its type
        unexpected = new_types - old_types
        if "number" in old_types:
            unexpected = unexpected - {"integer"}
        spelled_as_float = "integer" in old_types and "number" in unexpected
        if spelled_as_float:
            unexpected = unexpected - {"number"}
        if unexpected:
            rule = "response-array-items-changed" if in_items else "response-field-type-changed"
            self.emit(rule, path, old=_types(old), new=_types(new))
            return
        if spelled_as_float:
            self.emit("response-field-format-changed", path, old="integer", new="number (float)")
        if "string" in new_types:
            self._formats(old, new, path)
        if "object" in new_types:
            if _as_maps(old, new):
                self._values(old, new, path)
            else:
                self._fields(old, new, path)
        if "array" in new_types and old.items is not None and new.items is not None:
            self.compare(old.items, new.items, (*path, ITEMS))

    def _formats(self, old: Shape, new: Shape, path: Path) -> None:
        if old.format is None:
            return  # clients saw arbitrary strings here before
        if new.format != old.format:
            if new.format is None and old.format not in STRONG:
                return
        elif not new_spelling(old.style, new.style):
            return  # the same spelling, or one of those a mixed field was recorded with
        self.emit(
            "response-field-format-changed",
            path,
            old=label(old.format, old.style),
            new=label(new.format, new.style),
        )

    def _values(self, old: Shape, new: Shape, path: Path) -> None:
        """A map's values against the other side's, whatever keys either had."""
        old_values, new_values = old.map_values(), new.map_values()
        if old_values is not None and new_values is not None:
            self.compare(old_values, new_values, (*path, WILDCARD))

    def _fields(self, old: Shape, new: Shape, path: Path) -> None:
        ignore = self.ignore
        removed = [n for n in old.fields if n not in new.fields and not ignore((*path, n))]
        added = [n for n in new.fields if n not in old.fields and not ignore((*path, n))]
        renamed = _pair_renames(old, new, removed, added) if removed and added else {}
        for before, after in renamed.items():
            self.emit(
                "response-field-renamed",
                (*path, before),
                **{"from": before, "to": after, "new_path": render_path((*path, after))},
            )
            self.compare(old.fields[before], new.fields[after], (*path, after))
        for name in removed:
            if name not in renamed and name not in old.optional:
                self.emit("response-field-removed", (*path, name))
        taken = set(renamed.values())
        for name in added:
            if name not in taken:
                self.emit("response-field-added", (*path, name))
        for name, old_field in old.fields.items():
            new_field = new.fields.get(name)
            if new_field is None:
                continue
            child = (*path, name)
            if ignore and ignore(child):
                continue
            if name in new.optional and name not in old.optional:
                self.emit("response-field-removed", child, missing="in some items")
            self.compare(old_field, new_field, child)


def _as_maps(old: Shape, new: Shape) -> bool:
    """Whether two objects are compared as maps: the recorded one is a map (the live one's
    keys are then data, whatever they look like), or the live one is and the recorded keys
    look like data too. A recorded object of named fields is never a map after the fact:
    its fields gone would go unreported."""
    if old.is_map:
        return True
    return new.is_map and (not old.fields or data_keys(old.fields))


def _types(shape: Shape) -> str:
    return shape.describe()


def _telling(value: Any) -> bool:
    """Whether an equal sample value says something (``true`` or ``0`` on both sides does not)."""
    if value is None or isinstance(value, bool) or value == REDACTED:
        return False
    if isinstance(value, str):
        return len(value) >= 2
    return value not in (0, 1)


def _compatible(old: Shape, new: Shape) -> bool:
    if not old.non_null or not new.non_null:
        return True
    return old.signature() == new.signature()


def _pair_renames(old: Shape, new: Shape, removed: list[str], added: list[str]) -> dict[str, str]:
    """Renamed fields, judged as the schema diff judges renamed properties (one judge), with
    the samples as extra evidence: a telling value that moved to a new name."""

    def same(before: str, after: str) -> bool:
        return _compatible(old.fields[before], new.fields[after])

    def same_value(before: str, after: str) -> bool:
        was, now = old.fields[before].example, new.fields[after].example
        return _telling(was) and was == now and type(was) is type(now)

    return dict(pair_renames(removed, added, same, evidence=same_value))
