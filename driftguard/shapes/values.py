"""Values, where values are the contract: error codes, catalogue prices, normalised text.

A shape ignores values by design, so that ids and clocks do not show as drift. But some
values are what clients branch on: FastAPI's 422 error codes (``value_error.number.not_ge``
became ``greater_than_equal`` with Pydantic 2), a fixed price list, a URL a client compares.
A probe names them (``values = ["$.detail[*].type"]``, or ``values = true`` for every value
that is not volatile); the record keeps them, redacted, and a check compares them with
DeepDiff, one ``response-value-changed`` finding per changed path.

Without ``values``, a probe recorded with a 4xx status compares the machine-readable part of
FastAPI's error body, ``detail[*].type`` and ``detail[*].loc``: every client that maps error
codes breaks when those change. Volatile values (ids, timestamps, tokens, whatever the
configuration's ``ignore`` names) are never compared unless a path names them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from driftguard._errors import UsageError
from driftguard._redact import REDACTED, is_secret_name, looks_secret, redact
from driftguard._types import Json
from driftguard.findings import Finding
from driftguard.rules import finding
from driftguard.shapes._formats import detect
from driftguard.shapes._paths import ITEMS, Path, PathMatcher, render_path

__all__ = ["ERROR_CODES", "ValueRule", "compare_values", "select_values", "selection_rule"]

# Strings whose format says they are made per call: a clock or a generated id.
_VOLATILE_FORMATS = frozenset({"date-time", "date", "time", "uuid"})
# Field names of ids and clocks: `id`, `order_id`, `requestId`, `created_at`, `updatedAt`, ...
_VOLATILE_NAME = re.compile(
    r"(?:^|_)(?:id|uuid|guid|etag|nonce|timestamp)$|[a-z0-9](?:Id|Uuid)$|_at$|[a-z0-9]At$|^ts$",
    re.IGNORECASE,
)
_NOTHING: Any = object()


@dataclass(frozen=True)
class ValueRule:
    """Which values of a probe's response are compared, and how.

    ``paths`` are ``ignore``-style patterns (``$.plans[*].price``, ``$..code``), or None for
    every value that is not volatile (``values = true``). ``ignore_order`` compares arrays as
    multisets; ``tolerance`` is the absolute difference two numbers may have and still be
    equal (DeepDiff's ``math_epsilon``).
    """

    paths: tuple[str, ...] | None = None
    ignore_order: bool = False
    tolerance: float = 0.0

    @classmethod
    def of(
        cls, values: bool | Sequence[str], *, ignore_order: bool = False, tolerance: float = 0.0
    ) -> ValueRule | None:
        """The rule of a probe's ``values`` setting; None when it compares none."""
        if values is False:
            return None
        paths = None if values is True else tuple(values)
        if paths is not None:
            PathMatcher(paths)  # a pattern that cannot be read fails here, not mid-run
        return cls(paths, ignore_order, tolerance)

    def to_record(self) -> dict[str, Any]:
        """The rule as the snapshot's request keeps it, so a recorded probe replays with it."""
        data: dict[str, Any] = {"paths": True if self.paths is None else list(self.paths)}
        if self.ignore_order:
            data["ignore_order"] = True
        if self.tolerance:
            data["tolerance"] = self.tolerance
        return data

    @classmethod
    def from_record(cls, data: Any) -> ValueRule | None:
        """The inverse of :meth:`to_record`; ValueError for what it never writes."""
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ValueError("'values' must be an object")
        paths = data.get("paths")
        ignore_order, tolerance = (data.get(k) for k in ("ignore_order", "tolerance"))
        if not (
            paths is True or (isinstance(paths, list) and all(isinstance(p, str) for p in paths))
        ):
            raise ValueError("'values.paths' must be true or a list of paths")
        if not isinstance(ignore_order, bool | None) or not isinstance(
            tolerance, int | float | None
        ):
            raise ValueError("'values' options must be a boolean and a number")
        try:
            rule = cls.of(paths, ignore_order=bool(ignore_order), tolerance=float(tolerance or 0))
        except UsageError as exc:  # a path the parser refuses
            raise ValueError(f"'values': {exc}") from None
        return rule


ERROR_CODES = ValueRule(("$.detail[*].type", "$.detail[*].loc"))
"""Compared for every probe recorded with a 4xx: the codes of FastAPI's error body."""


def select_values(body: Json, rule: ValueRule, *, ignore: PathMatcher | None = None) -> Json | None:
    """The part of ``body`` that ``rule`` compares, redacted; None when it holds nothing.

    Named paths keep what they name whole. ``values = true`` keeps every value but the
    volatile ones and those ``ignore`` names. Arrays keep the items that hold a selected
    value, in order: the snapshot shows exactly what is compared.
    """
    redacted = redact(body)  # a secret is never written, whatever a path names
    named = None if rule.paths is None else PathMatcher(rule.paths)
    chosen = _select(redacted, (), None, named, ignore or PathMatcher())
    return None if chosen is _NOTHING else chosen


def _select(
    value: Any, path: Path, name: str | None, named: PathMatcher | None, ignore: PathMatcher
) -> Any:
    if named is not None and path and named(path):
        return value
    if named is None and path and ignore(path):
        return _NOTHING
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            chosen = _select(item, (*path, key), key, named, ignore)
            if chosen is not _NOTHING:
                kept[key] = chosen
        return kept if kept or (named is None and not value) else _NOTHING
    if isinstance(value, list):
        items = [_select(item, (*path, ITEMS), name, named, ignore) for item in value]
        kept_items = [item for item in items if item is not _NOTHING]
        return kept_items if kept_items or (named is None and not value) else _NOTHING
    if named is not None or _volatile(value, name):
        return _NOTHING
    return value


def _volatile(value: Any, name: str | None) -> bool:
    """An id, a clock or a token: made anew per call, never compared unless named."""
    if name is not None and (_VOLATILE_NAME.search(name) or is_secret_name(name)):
        return True
    if isinstance(value, str):
        return value == REDACTED or looks_secret(value) or detect([value])[0] in _VOLATILE_FORMATS
    return False


def compare_values(
    old: Json | None,
    new: Json | None,
    rule: ValueRule | None,
    *,
    probe: str,
    operation: str | None = None,
) -> list[Finding]:
    """One ``response-value-changed`` per path whose value differs between two selections.

    A value that vanished, or a key that appeared, is the shape's finding (a field removed
    or added), not reported twice here; an item added to or gone from an array is reported.
    """
    if old is None or new is None or old == new:
        return []  # nothing recorded (an older snapshot), or equal: DeepDiff is not imported
    from deepdiff import DeepDiff

    rule = rule or ValueRule()
    diff = DeepDiff(
        old,
        new,
        ignore_order=rule.ignore_order,
        math_epsilon=rule.tolerance or None,
        ignore_numeric_type_changes=True,
        view="tree",
    )
    findings: dict[str, Finding] = {}
    for kind in ("values_changed", "type_changes", "iterable_item_added", "iterable_item_removed"):
        for level in diff.get(kind, ()):
            where = _render(level.path(output_format="list"))
            before = None if kind == "iterable_item_added" else level.t1
            after = None if kind == "iterable_item_removed" else level.t2
            findings[where] = finding(
                "response-value-changed",
                operation=operation,
                location=f"{probe} {where}",
                details={"probe": probe, "path": where, "old": before, "new": after},
            )
    return [findings[where] for where in sorted(findings)]


def _render(steps: Sequence[Any]) -> str:
    """DeepDiff's path as the other response findings write one: ``$.detail[0].type``."""
    out = ["$"]
    for step in steps:
        out.append(f"[{step}]" if isinstance(step, int) else render_path((str(step),))[1:])
    return "".join(out)


def selection_rule(configured: ValueRule | None, status: int | None) -> ValueRule | None:
    """What a probe compares: its own rule, else FastAPI's error codes for a 4xx."""
    if configured is not None:
        return configured
    if status is not None and 400 <= status < 500:
        return ERROR_CODES
    return None
