"""From thousands of generated requests to a handful of findings: one per cause.

A :class:`Cause` is what a request revealed (an id and a location such as ``request body
/qty`` or ``exception ValueError in create_item``) and never the generated data itself, so
that two runs with different seeds that hit the same defect report the same fingerprint.
The :class:`Collector` keeps, for every (operation, id, location), the smallest request that
showed it: a deterministic coverage case first, then the shortest generated one (Hypothesis
shrinks towards short requests), so the reproduction in the report is a minimal one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from driftguard import rules
from driftguard._redact import Redactor
from driftguard.findings import Finding, Severity
from driftguard.fuzzing.reproduce import chain_command, request_details
from driftguard.fuzzing.transport import Exchange

__all__ = ["COERCED", "Cause", "Collector", "Evidence", "holds_a_smaller", "origin_rank"]

# Suffix of the location of an accepted coercion, so it has a fingerprint of its own.
COERCED = " (coerced)"
_ORIGIN_ORDER = {"coverage": 0, "probe": 1, "fuzzing": 2}
# Where a request came from: a deterministic coverage case, a scenario, or Hypothesis.
Origin = Literal["coverage", "probe", "fuzzing"]
_BODY_EXCERPT = 500


@dataclass(frozen=True)
class Cause:
    """Why a request is a finding: a rule id, a stable location and the words for the message."""

    id: str
    location: str
    details: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    severity: Severity | None = field(default=None, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.location)


@dataclass(frozen=True)
class Evidence:
    """A cause with the exchange that showed it and where that request came from."""

    cause: Cause
    exchange: Exchange
    origin: Origin = "fuzzing"
    mode: str | None = None  # positive | negative, for generated requests
    # Requests that must be sent first for the reproduction to work (create, then delete...).
    before: tuple[Exchange, ...] = ()
    # The exchange whose request ``details.request`` shows when it is not the last one: a
    # write, when the read after it showed the cause.
    request_of: Exchange | None = None

    @property
    def rank(self) -> tuple[int, int, str, bytes]:
        request = self.exchange.request
        size = len(request.url) + len(request.body)
        return (origin_rank(self.origin), size, request.url, request.body)


def origin_rank(origin: str) -> int:
    """Where a request came from, in the order evidence is preferred: a deterministic
    coverage case, a scenario, a Hypothesis example (``details.generation``'s first word)."""
    return _ORIGIN_ORDER.get(origin, len(_ORIGIN_ORDER))


class Collector:
    """The best evidence per (operation, id, location).

    A cause of the whole app (a lone surrogate that its JSON renderer cannot encode, seen on
    every operation that echoes text) is kept once, under no operation, with the operations
    that showed it: one finding for one fix.
    """

    def __init__(self) -> None:
        self._best: dict[tuple[str, str, str], Evidence] = {}
        self._seen: dict[tuple[str, str], set[str]] = {}  # app-wide cause -> operations

    def __len__(self) -> int:
        return len(self._best)

    def add(self, operation: str, evidence: Evidence, *, app_wide: bool = False) -> bool:
        """Keep ``evidence`` if it is the first or the smallest for its cause; True if new."""
        if app_wide:
            self._seen.setdefault(evidence.cause.key, set()).add(operation)
            operation = ""
        key = (operation, *evidence.cause.key)
        current = self._best.get(key)
        if current is None:
            self._best[key] = evidence
            return True
        if evidence.rank < current.rank:
            self._best[key] = evidence
        return False

    def keys(self, operation: str) -> set[tuple[str, str]]:
        return {(rule, location) for op, rule, location in self._best if op == operation}

    def triggers(self, operation: str) -> list[set[str]]:
        """The triggers (fields sent as zero or empty) of the operation's 5xx causes so far."""
        return _triggers(self._best).get(operation, [])

    def evidence(self, operation: str) -> list[Evidence]:
        return [e for (op, _, _), e in self._best.items() if op == operation]

    def findings(
        self, redactor: Redactor, *, replay_base: str | None = None, serve: str | None = None
    ) -> list[Finding]:
        kept = _without_subsumed(self._best)
        return [
            _finding(
                operation,
                evidence,
                redactor,
                replay_base=replay_base,
                serve=serve,
                seen=sorted(self._seen.get((rule, location), ())) if not operation else None,
            )
            for (operation, rule, location), evidence in sorted(kept.items())
        ]


def _without_subsumed(
    best: Mapping[tuple[str, str, str], Evidence],
) -> dict[tuple[str, str, str], Evidence]:
    """Drop a coercion finding where the same field also accepts plainly invalid values, and
    a 5xx whose trigger holds another 5xx's of the operation (that crash, with more zeros)."""
    triggers = _triggers(best)
    return {
        key: evidence
        for key, evidence in best.items()
        if not (key[2].endswith(COERCED) and (key[0], key[1], key[2].removesuffix(COERCED)) in best)
        and not holds_a_smaller(evidence.cause, triggers.get(key[0], []))
    }


def _triggers(best: Mapping[tuple[str, str, str], Evidence]) -> dict[str, list[set[str]]]:
    """By operation, the triggers (fields sent as zero or empty) of its 5xx causes."""
    triggers: dict[str, list[set[str]]] = {}
    for (operation, rule, _), evidence in best.items():
        trigger = evidence.cause.details.get("trigger")
        if rule == "server-error" and trigger is not None:
            triggers.setdefault(operation, []).append(set(trigger))
    return triggers


def holds_a_smaller(cause: Cause, triggers: list[set[str]]) -> bool:
    """A 5xx whose trigger holds another 5xx's of the operation: that crash, with more zeros
    (over HTTP a crash is told apart by the fields sent as zero). No finding of its own, and
    no new cause to a Hypothesis round."""
    trigger = cause.details.get("trigger")
    if cause.id != "server-error" or trigger is None:
        return False
    return any(other < set(trigger) for other in triggers)


def _finding(
    operation: str,
    evidence: Evidence,
    redactor: Redactor,
    *,
    replay_base: str | None,
    serve: str | None,
    seen: list[str] | None = None,
) -> Finding:
    exchange = evidence.exchange
    details: dict[str, Any] = {
        key: redactor.details(value) for key, value in evidence.cause.details.items()
    }
    if seen is not None:
        details["operations"] = seen  # an app-wide cause: where it was seen
    details["reproduce"] = chain_command(
        (*evidence.before, exchange), redactor, replay_base=replay_base
    )
    details["request"] = request_details((evidence.request_of or exchange).request, redactor)
    if evidence.before:
        # what the reproduction sends first: a replay of the request alone shows nothing
        details["before"] = [
            f"{step.request.method} {step.request.path}" for step in evidence.before
        ]
    if exchange.error is None:
        details["response"] = {
            "status": exchange.status,
            "content_type": exchange.content_type,
            "body": _excerpt(_response_text(exchange.content, redactor)),
        }
    details["generation"] = (
        evidence.origin if evidence.mode is None else (f"{evidence.origin} ({evidence.mode})")
    )
    if serve is not None:
        details["serve"] = serve
    finding = rules.finding(
        evidence.cause.id,
        operation=operation or None,
        location=evidence.cause.location,
        details=details,
    )
    if evidence.cause.severity is not None:
        finding = finding.with_severity(evidence.cause.severity)
    return finding


def _response_text(content: bytes, redactor: Redactor) -> str:
    """The response body as text, redacted by the one rule set: a service under test may
    issue real tokens to the users fuzzing creates."""
    try:
        data = json.loads(content)
    except ValueError:
        text = content[: _BODY_EXCERPT * 4].decode("utf-8", errors="replace")
        return redactor.received_text(text)
    text = json.dumps(redactor.received(data), ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate echoed back: keep its escape
        return json.dumps(redactor.received(data))
    return text


def _excerpt(text: str) -> str:
    return text if len(text) <= _BODY_EXCERPT else text[:_BODY_EXCERPT] + "..."
