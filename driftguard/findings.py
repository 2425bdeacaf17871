"""The one model every source produces and every output format reads.

A schema diff, a live response compared with its snapshot and a fuzz run all end as
:class:`Finding` values with a :class:`RunInfo`, gathered in a :class:`~driftguard.report.Report`.
Formats, exit codes, ignore rules and the pytest plugin only ever look at this model, so a new
source or a new format never needs the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from driftguard._errors import UsageError
from driftguard._types import Source
from driftguard._version import __version__

try:  # the interpreter's own SHA-256, the same digests as hashlib's without loading OpenSSL
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - named _sha2 since Python 3.12
    try:
        from _sha2 import sha256 as _sha256  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import sha256 as _sha256

__all__ = ["SOURCES", "FailOn", "Finding", "RunInfo", "Severity", "Source", "short_hash"]

SOURCES: tuple[Source, ...] = ("schema", "response", "fuzz")


class Severity(StrEnum):
    """How much a finding matters to a client of the API.

    ``breaking``: a client that worked before may stop working. ``warning``: it may break a
    client, but the contract cannot tell. ``info``: a change no client can notice for the worse.
    """

    INFO = "info"
    WARNING = "warning"
    BREAKING = "breaking"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity as users write it, including oasdiff's ``ERR``/``WARN``/``INFO``."""
        key = text.strip().lower()
        try:
            return _ALIASES[key]
        except KeyError:
            choices = ", ".join(s.value for s in cls)
            raise UsageError(f"unknown severity {text!r} (choose from {choices})") from None


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.BREAKING: 3}
_ALIASES = {
    "info": Severity.INFO,
    "warning": Severity.WARNING,
    "warn": Severity.WARNING,
    "breaking": Severity.BREAKING,
    "err": Severity.BREAKING,
    "error": Severity.BREAKING,
}


@dataclass(frozen=True)
class FailOn:
    """The ``--fail-on`` threshold: the lowest severity that makes a run exit 1, or never."""

    threshold: Severity | None

    @classmethod
    def parse(cls, text: str) -> FailOn:
        if text.strip().lower() == "never":
            return cls(None)
        return cls(Severity.parse(text))

    def __str__(self) -> str:
        return "never" if self.threshold is None else self.threshold.value

    def trips(self, severity: Severity) -> bool:
        return self.threshold is not None and severity.rank >= self.threshold.rank


_NO_DETAILS: Any = object()


@dataclass(frozen=True)
class Finding:
    """One thing driftguard found: a contract change, a drifted response or a validation gap."""

    id: str
    severity: Severity
    source: Source
    operation: str | None
    location: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        id: str,
        severity: Severity,
        source: Source,
        operation: str | None,
        location: str,
        message: str,
        details: Mapping[str, Any] = _NO_DETAILS,
    ) -> None:
        # The generated __init__ of a frozen dataclass sets each field through
        # object.__setattr__: twice as slow, for the thousands of findings of a big diff.
        self.__dict__.update(
            id=id,
            severity=severity,
            source=source,
            operation=operation,
            location=location,
            message=message,
            details={} if details is _NO_DETAILS else details,
        )

    @cached_property  # (a report asks for it several times: the JSON report twice a finding)
    def fingerprint(self) -> str:
        """Stable across runs and machines: the id, operation and location, hashed.

        Messages and details are left out on purpose so that a reworded message or a new
        detail does not invalidate users' ignore files and baselines.
        """
        return short_hash(f"{self.id}\x1f{self.operation or ''}\x1f{self.location}")

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.operation or "", self.location, self.id)

    def with_severity(self, severity: Severity) -> Finding:
        return Finding(
            self.id,
            severity,
            self.source,
            self.operation,
            self.location,
            self.message,
            self.details,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "source": self.source,
            "operation": self.operation,
            "location": self.location,
            "message": self.message,
            "details": dict(self.details),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            id=data["id"],
            severity=Severity(data["severity"]),
            source=data["source"],
            operation=data.get("operation"),
            location=data.get("location", ""),
            message=data.get("message", ""),
            details=data.get("details") or {},
        )


@dataclass
class RunInfo:
    """What a run was: every format shows it, the JSON report as its ``run`` object.

    ``target`` is what was examined (the new document of a diff), ``baseline`` what it was
    held against (the old document, the snapshot directory). ``notes`` are what the run has
    to say besides its findings (what was compared, what was skipped, the fuzz seed).
    """

    target: str | None = None
    baseline: str | None = None
    version: str = __version__
    started: datetime | None = None
    seconds: float | None = None
    notes: list[str] = field(default_factory=list)
    # fuzz runs: the seed that makes them repeatable and the requests sent
    seed: int | None = None
    requests: int | None = None
    # the operations the run covered (a JUnit case each, findings or not)
    operations: list[str] = field(default_factory=list)
    # fuzz runs: requests answered 2xx, per operation
    successes: dict[str, int] = field(default_factory=dict)
    # fuzz runs: the share of the operations this run took (--shard I/N: "2/3")
    shard: str | None = None

    @classmethod
    def timed(cls, **values: Any) -> tuple[RunInfo, Callable[[], RunInfo]]:
        """A RunInfo started now, and a function that stops its clock and returns it."""
        started = time.monotonic()
        info = cls(started=datetime.now(UTC).replace(microsecond=0), **values)

        def finish() -> RunInfo:
            info.seconds = round(time.monotonic() - started, 3)
            return info

        return info, finish

    def title(self, command: str) -> str:
        """``driftguard diff: old.json -> new.json``, ``driftguard check: app against snapshots``."""
        if self.target and self.baseline:
            if command == "diff":
                return f"driftguard diff: {self.baseline} -> {self.target}"
            return f"driftguard {command}: {self.target} against {self.baseline}"
        if self.target:
            return f"driftguard {command}: {self.target}"
        return f"driftguard {command}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "target": self.target,
            "version": self.version,
            "started": None if self.started is None else _iso(self.started),
            "seconds": self.seconds,
            "notes": list(self.notes),
        }
        if self.baseline is not None:
            data["baseline"] = self.baseline
        if self.seed is not None:
            data["seed"] = self.seed
        if self.requests is not None:
            data["requests"] = self.requests
            # the operations fuzzed (a JUnit case each), so that shards merge losslessly
            data["operations"] = list(self.operations)
        if self.shard is not None:
            data["shard"] = self.shard
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunInfo:
        started = data.get("started")
        return cls(
            target=data.get("target"),
            baseline=data.get("baseline"),
            version=data.get("version", __version__),
            started=datetime.fromisoformat(started) if isinstance(started, str) else None,
            seconds=data.get("seconds"),
            notes=list(data.get("notes") or []),
            seed=data.get("seed"),
            requests=data.get("requests"),
            operations=list(data.get("operations") or []),
            shard=data.get("shard"),
        )


def short_hash(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of ``text``: fingerprints and cause keys."""
    digest: str = _sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:16]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
