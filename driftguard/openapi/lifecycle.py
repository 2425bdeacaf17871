"""The API's lifecycle: sunsets, stability levels and versions, and what they do to findings.

oasdiff's lifecycle rules, read from the documents' own markers:

- ``deprecated`` with ``x-sunset`` (an RFC 3339 date or date-time, on an operation, a
  parameter or a schema property): the day after which the thing may be removed. Removing
  something deprecated is info once its sunset has passed (or when it has none), breaking
  before. The grace period a new deprecation must give is the :class:`Lifecycle`'s
  ``deprecation_days`` (``deprecation_days_beta`` for beta operations; none for draft and
  alpha ones, which promise nothing).
- ``x-stability-level``: ``draft`` < ``alpha`` < ``beta`` < ``stable``; an operation without
  one is ``stable``. A level may only move forward. Every finding about an operation that was
  draft or alpha *in the old document* is lowered to info (:func:`review`): the old document
  is the contract clients had, so marking an operation draft cannot excuse breaking it.
- ``info.version``, compared as semver (a leading ``v`` allowed) where both documents' parse.

"Today" is the :class:`Lifecycle`'s, the real date in UTC unless given, so that a test or a
reproducible CI run can fix it. The checks (:mod:`driftguard.openapi.checks.lifecycle`) read
the lifecycle in force through :func:`judge`; :func:`compare_specs
<driftguard.openapi.compare.compare_specs>` sets it with :func:`judging` and runs
:func:`review` over every finding at the end: the one place where a lifecycle lowers a
severity, and where the version is held against what changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from driftguard import rules
from driftguard.findings import Finding, Severity

if TYPE_CHECKING:
    from driftguard._config import Config
    from driftguard.openapi.document import Spec

__all__ = [
    "LEVELS",
    "SUNSET",
    "Judge",
    "Lifecycle",
    "Sunset",
    "deprecation",
    "judge",
    "judging",
    "level",
    "removal",
    "review",
    "semver",
    "stability_change",
    "sunset",
    "sunset_moved",
]

SUNSET = "x-sunset"
STABILITY = "x-stability-level"
LEVELS = ("draft", "alpha", "beta", "stable")
UNDECLARED = "stable"  # an operation published without a level is held to stable's promises
_LENIENT = frozenset({"draft", "alpha"})
_RFC3339_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RFC3339_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
# The ids a stability lowering leaves alone: they are about the levels themselves.
_STABILITY_IDS = frozenset(
    {
        "api-stability-decreased",
        "api-stability-increased",
        "api-invalid-stability-level",
        "request-property-stability-decreased",
        "request-property-stability-increased",
        "response-property-stability-decreased",
        "response-property-stability-increased",
    }
)
_PROPERTY_REMOVALS = frozenset(
    {
        "request-property-removed",
        "response-required-property-removed",
        "response-optional-property-removed",
    }
)


def _today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Lifecycle:
    """The deprecation policy, and the day sunsets are judged on."""

    today: date = field(default_factory=_today)
    deprecation_days: int = 0
    deprecation_days_beta: int | None = None  # None: as deprecation_days

    @classmethod
    def of(cls, config: Config | None = None, *, today: date | None = None) -> Lifecycle:
        """The lifecycle a configuration sets (``today`` wins over its ``today``)."""
        day = today or (config.today if config is not None else None) or _today()
        if config is None:
            return cls(day)
        return cls(day, config.deprecation_days, config.deprecation_days_beta)

    def grace(self, level_name: str | None) -> int:
        """The days a deprecation must give clients of an operation of ``level_name``."""
        if level_name in _LENIENT:
            return 0
        if level_name == "beta" and self.deprecation_days_beta is not None:
            return self.deprecation_days_beta
        return self.deprecation_days


# -- sunsets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sunset:
    """An ``x-sunset`` as written, and its day (None when it is not an RFC 3339 date)."""

    written: str
    day: date | None


def sunset(node: Mapping[str, Any]) -> Sunset | None:
    """The ``x-sunset`` of an operation, parameter or schema, or None when it has none.

    A date-time is taken on its day in UTC, as "today" is.
    """
    value = node.get(SUNSET)
    if value is None:
        return None
    if isinstance(value, datetime):  # a document built in Python rather than parsed
        day = (value.astimezone(UTC) if value.tzinfo else value).date()
        return Sunset(value.isoformat(), day)
    if isinstance(value, date):
        return Sunset(value.isoformat(), value)
    if not isinstance(value, str):
        return Sunset(str(value), None)
    text = value.strip().upper()
    try:
        if _RFC3339_DATE.fullmatch(text):
            return Sunset(value, date.fromisoformat(text))
        if _RFC3339_TIME.fullmatch(text):
            return Sunset(value, datetime.fromisoformat(text).astimezone(UTC).date())
    except ValueError:  # 2026-02-30
        pass
    return Sunset(value, None)


def deprecation(found: Sunset | None, grace: int, today: date) -> tuple[str, dict[str, Any]]:
    """How a new deprecation stands: ``plain`` (no sunset, none asked), ``missing``,
    ``invalid``, ``too-small`` or ``with-sunset``; and the details saying why."""
    if found is None:
        return ("missing", {"grace": grace}) if grace > 0 else ("plain", {})
    if found.day is None:
        return "invalid", {"sunset": found.written}
    days = (found.day - today).days
    if days < grace:
        return "too-small", {"sunset": found.written, "days": days, "grace": grace}
    return "with-sunset", {"sunset": found.written}


def removal(deprecated: bool, found: Sunset | None, today: date) -> tuple[str, dict[str, Any]]:
    """How a removal stands: ``without`` deprecation, ``invalid`` sunset, ``before`` the
    sunset, or ``with`` deprecation (the sunset passed, or there was none)."""
    if not deprecated:
        return "without", {}
    if found is None:
        return "with", {}
    if found.day is None:
        return "invalid", {"sunset": found.written}
    if today < found.day:
        return "before", {"sunset": found.written, "days": (found.day - today).days}
    return "with", {"sunset": found.written}


def sunset_moved(
    old: Sunset | None, new: Sunset | None, grace: int, today: date
) -> tuple[str, dict[str, Any]] | None:
    """What happened to the sunset of something deprecated in both documents: ``deleted``,
    ``invalid``, moved ``earlier``, or a new one ``too-small``; None when nothing to say."""
    if new is None:
        return None if old is None else ("deleted", {"old": old.written})
    if old is not None and old.written == new.written:
        return None
    if new.day is None:
        return "invalid", {"sunset": new.written}
    if old is None:
        outcome = deprecation(new, grace, today)
        return outcome if outcome[0] == "too-small" else None
    if old.day is not None and new.day < old.day:
        return "earlier", {"old": old.written, "new": new.written}
    return None


# -- stability levels -------------------------------------------------------------------------


def level(node: Mapping[str, Any]) -> str | None:
    """The stability level of an operation or schema (``stable`` when undeclared), or None
    when its ``x-stability-level`` is not one of :data:`LEVELS`."""
    value = node.get(STABILITY)
    if value is None:
        return UNDECLARED
    if isinstance(value, str) and value.strip().lower() in LEVELS:
        return value.strip().lower()
    return None


def stability_change(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[str, dict[str, Any]] | None:
    """``invalid`` (the new level is no level), ``decreased`` or ``increased``, or None."""
    if old.get(STABILITY) == new.get(STABILITY):
        return None
    before, after = level(old), level(new)
    if after is None:
        return "invalid", {"value": new.get(STABILITY)}
    if before is None or before == after:
        return None
    change = "decreased" if LEVELS.index(after) < LEVELS.index(before) else "increased"
    return change, {"old": before, "new": after}


# -- the lifecycle in force while checks run --------------------------------------------------


class Judge:
    """A :class:`Lifecycle` applied to one new document: the grace period of each of its
    operations, found by the operation label a check's site carries."""

    def __init__(self, lifecycle: Lifecycle, new: Spec | None = None) -> None:
        self.lifecycle = lifecycle
        self.today = lifecycle.today
        self._levels = {} if new is None else {op.label: op.node for op in new.operations.values()}

    def grace(self, operation: Mapping[str, Any] | str | None) -> int:
        """The deprecation days owed to clients of an operation (its node, or its label)."""
        node = self._levels.get(operation) if isinstance(operation, str) else operation
        return self.lifecycle.grace(level(node) if node is not None else UNDECLARED)


_ACTIVE: ContextVar[Judge | None] = ContextVar("driftguard_lifecycle", default=None)


@contextmanager
def judging(lifecycle: Lifecycle, new: Spec) -> Iterator[Judge]:
    """Make ``lifecycle`` the one the checks read (through :func:`judge`) for ``new``."""
    active = Judge(lifecycle, new)
    token = _ACTIVE.set(active)
    try:
        yield active
    finally:
        _ACTIVE.reset(token)


def judge() -> Judge:
    """The lifecycle in force; outside :func:`judging`, the default one, today."""
    return _ACTIVE.get() or Judge(Lifecycle())


# -- the pass over every finding --------------------------------------------------------------


def _lowered(finding: Finding, why: str, **details: Any) -> Finding:
    if finding.severity is Severity.INFO:
        return finding
    merged = {**finding.details, **details, "lifecycle": why}
    return replace(finding, severity=Severity.INFO, details=merged)


def _operation_levels(old: Spec, new: Spec) -> dict[str, str | None]:
    """Each operation label's stability level in the old document (the new one's, for an
    operation the old document did not have)."""
    levels: dict[str, str | None] = {}
    for key, operation in new.operations.items():
        previous = old.operations.get(key)
        levels[operation.label] = level((previous or operation).node)
    for operation in old.operations.values():
        levels.setdefault(operation.label, level(operation.node))
    return levels


def _lower(finding: Finding, levels: Mapping[str, str | None], today: date) -> Finding:
    details = finding.details
    if finding.id in _PROPERTY_REMOVALS and details.get("deprecated") is True:
        written = details.get("sunset")
        if written is None:
            finding = _lowered(finding, "it was deprecated, without a sunset")
        else:
            found = sunset({SUNSET: written})
            if found is not None and found.day is not None and found.day <= today:
                finding = _lowered(finding, f"it was deprecated, and its sunset {written} passed")
    stability = levels.get(finding.operation or "")
    if stability in _LENIENT and finding.id not in _STABILITY_IDS:
        why = f"the operation was {stability} (x-stability-level): its changes are info"
        finding = _lowered(finding, why, stability=stability)
    return finding


def review(
    findings: Iterable[Finding], old: Spec, new: Spec, lifecycle: Lifecycle
) -> list[Finding]:
    """Every finding with the lifecycle's lowering applied, and the version's findings.

    Lowered: the removal of a property that was deprecated (its sunset passed, or it had
    none), and every finding about a draft or alpha operation but those about its level.
    The version is judged on what remains breaking.
    """
    levels = _operation_levels(old, new)
    reviewed = [_lower(finding, levels, lifecycle.today) for finding in findings]
    reviewed.extend(_version(old.document, new.document, reviewed))
    return reviewed


# -- versions ---------------------------------------------------------------------------------

_SEMVER = re.compile(
    r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
Version = tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]


def semver(value: Any) -> Version | None:
    """A comparable key for a semantic version (``1.2.3``, ``v2.0.0-rc.1``), or None.

    Build metadata is ignored and a pre-release sorts before its release, as semver says.
    """
    if not isinstance(value, str):
        return None
    match = _SEMVER.fullmatch(value.strip())
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    if pre is None:
        return (int(major), int(minor), int(patch), 1, ())
    parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in pre.split("."))
    return (int(major), int(minor), int(patch), 0, parts)


def _info_version(document: Mapping[str, Any]) -> Any:
    info = document.get("info")
    return info.get("version") if isinstance(info, dict) else None


def _version(
    old: Mapping[str, Any], new: Mapping[str, Any], findings: list[Finding]
) -> list[Finding]:
    """``api-version-decreased``, ``-not-bumped`` and ``api-major-version-not-bumped``.

    Below 1.0.0 anything may change (semver's rule), and as with Cargo a minor bump is what
    announces a break there.
    """
    old_text, new_text = _info_version(old), _info_version(new)
    before, after = semver(old_text), semver(new_text)
    if before is None or after is None:
        return []
    details = {"old": old_text, "new": new_text}
    out = []
    if after < before:
        out.append(_spec_wide("api-version-decreased", details))
    elif after == before and any(f.operation is not None for f in findings):
        # a change to what some operation accepts or returns, not only to components
        out.append(_spec_wide("api-version-not-bumped", details))
    breaking = sum(1 for f in findings if f.severity is Severity.BREAKING)
    needed = "major" if before[0] > 0 else "minor"
    bumped = after[0] > before[0] or (needed == "minor" and after[:2] > before[:2])
    if breaking and not bumped:
        out.append(
            _spec_wide(
                "api-major-version-not-bumped", {**details, "breaking": breaking, "needed": needed}
            )
        )
    return out


def _spec_wide(rule_id: str, details: dict[str, Any]) -> Finding:
    return rules.finding(rule_id, operation=None, location="info.version", details=details)
