"""The work of a fuzz run over its operations: requests sent, judged and collected.

For every operation, a :class:`Run` sends:

1. schemathesis' coverage cases: deterministic boundary values, wrong types, missing fields
   and headers, positive and negative. They find most planted defects in a few requests and
   give every run, whatever the seed, the same baseline; then driftguard's own edges of
   each type (:mod:`~driftguard.fuzzing.boundaries`: 2^63, ``1e400``, ``NaN``, NUL bytes,
   lone surrogates, year 9999, naive datetimes), capped per operation;
2. Hypothesis-generated cases, positive and negative (``max_examples`` per operation).
   A request that shows a cause coverage did not is raised as a failure of its own class, so
   Hypothesis shrinks each cause separately to a minimal request;
3. then, once every operation is done, :func:`~driftguard.fuzzing.probing.probe` runs the
   scenarios over the requests the target accepted: authentication, concurrent creates, use
   after delete, every created id through the item operations of its collection, and the
   scopes of OAuth2 password flows.

Throughout, an accepted write has the reads that serve it sent again
(:class:`~driftguard.fuzzing.stateful.Rereads`): a stored value that breaks them is a finding.

Each answer is judged by :class:`~driftguard.fuzzing.judge.Judge` and its causes collected
by the :class:`~driftguard.fuzzing.evidence.Collector`, the smallest request per cause kept.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext
from schemathesis.generation.meta import REQUEST_SHAPE_PROBES, coverage_scenario

from driftguard._errors import DriftguardError, one_line
from driftguard._version import __version__
from driftguard.fuzzing._compat import coverage_cases, strategy_kwargs
from driftguard.fuzzing.auth import Slot, security_slots
from driftguard.fuzzing.boundaries import BoundaryCase, boundary_cases, is_base
from driftguard.fuzzing.causes import (
    integral_floats_as_ints,
)
from driftguard.fuzzing.evidence import Cause, Collector, Evidence, Origin, holds_a_smaller
from driftguard.fuzzing.judge import Judge, check_context, leaves
from driftguard.fuzzing.options import FuzzOptions
from driftguard.fuzzing.progress import FuzzProgress
from driftguard.fuzzing.stateful import Rereads
from driftguard.fuzzing.transport import Exchange, Request, Sender, Unsendable

__all__ = ["MAX_ROUNDS", "OutOfTime", "Progress", "Run"]

Progress = Callable[[FuzzProgress], None]

_USER_AGENT = f"driftguard/{__version__}"


class OutOfTime(BaseException):
    """Stops a run at its time budget, through Hypothesis (which lets BaseException pass)."""


class _Abort(BaseException):
    """Carries a DriftguardError (a service that went down) out of a Hypothesis test."""

    def __init__(self, error: DriftguardError) -> None:
        super().__init__(str(error))
        self.error = error


class _CauseFound(Exception):
    """Raised in a Hypothesis test for a new cause, so that Hypothesis shrinks its request."""


_CAUSE_TYPES: dict[tuple[str, str, str], type[_CauseFound]] = {}


def _cause_error(key: tuple[str, str, str]) -> _CauseFound:
    # Hypothesis tells failures apart by exception type: one class per cause makes each
    # cause a distinct bug, shrunk on its own.
    kind = _CAUSE_TYPES.get(key)
    if kind is None:
        kind = type(f"CauseFound{len(_CAUSE_TYPES)}", (_CauseFound,), {})
        _CAUSE_TYPES[key] = kind
    return kind(" ".join(key))


@dataclass
class _OperationState:
    """What the probes need to know about an operation after its generated requests."""

    slots: list[Slot]
    accepted: Request | None = None  # first valid request answered 2xx
    valid: Request | None = None  # first valid request, whatever the answer
    base: Any = None  # the case of ``valid``: what the stateful sequences start from
    successes: int = 0  # requests answered 2xx
    statuses: Counter[int] = field(default_factory=Counter)  # every answer, by status


@dataclass
class Run:
    options: FuzzOptions
    spec: Mapping[str, Any]
    base_url: str
    seed: int
    started: float
    progress: Progress | None
    total: int
    notes: list[str]
    sender: Sender
    judge: Judge
    operations: Mapping[str, Any] = field(default_factory=dict)  # by label
    collector: Collector = field(default_factory=Collector)
    states: dict[str, _OperationState] = field(default_factory=dict)
    done: int = 0
    current: str | None = None
    deadline: float | None = None  # when the current operation's share of the budget ends
    budget_spent: bool = False  # the time budget cut an operation or the run short
    _last_progress: float = 0.0
    rereads: Rereads = field(init=False)

    def __post_init__(self) -> None:
        self.rereads = Rereads(self.spec, enabled=self.options.stateful)

    # -- budget and progress --------------------------------------------------------------

    def out_of_time(self) -> bool:
        budget, now = self.options.time_budget, time.monotonic()
        if self.deadline is not None and now >= self.deadline:
            return True  # the current operation's share of the budget is spent
        return budget is not None and now - self.started >= budget

    def snapshot(self, *, finished: bool = False) -> FuzzProgress:
        return FuzzProgress(
            done=self.done,
            total=self.total,
            operation=self.current,
            requests=self.sender.requests_sent,
            findings=len(self.collector),
            elapsed=time.monotonic() - self.started,
            finished=finished,
        )

    def report_progress(self, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self._last_progress >= 0.05:
            self._last_progress = now
            self.progress(self.snapshot())

    # -- one operation --------------------------------------------------------------------

    def fuzz_operation(self, operation: Any) -> None:
        if self.out_of_time():
            raise OutOfTime
        label = operation.label
        context = self.begin(operation)
        try:
            self.rereads.baseline(self, label)
            base = None
            for case in self._coverage_cases(operation):
                if self.out_of_time():
                    raise OutOfTime
                self.exercise(operation, case, context, origin="coverage")
                base = base or (case if is_base(case) else None)
            for edge in boundary_cases(operation, base):
                if self.out_of_time():
                    raise OutOfTime
                self.exercise(operation, edge.case, context, origin="coverage", boundary=edge)
            self._generate(operation, context)
        except _Abort as abort:
            raise abort.error from None
        except schemathesis.errors.SchemathesisError as exc:
            self.notes.append(f"{label}: could not generate requests: {one_line(exc)}")
        self.done += 1
        self.report_progress(force=True)

    def begin(self, operation: Any) -> CheckContext:
        """Set up an operation's state; returns the context its answers are checked in."""
        self.current = operation.label
        self.states[operation.label] = _OperationState(
            slots=security_slots(self.spec, operation.path, operation.method)
        )
        self.report_progress(force=True)
        return check_context(operation, self.options.headers)

    def _coverage_cases(self, operation: Any) -> Iterator[Any]:
        generation = operation.schema.config.generation_for(operation=operation, phase="coverage")
        # Supplied headers are fixed values: never mutated into negative data, never dropped.
        yield from coverage_cases(operation, generation, list(GenerationMode), self.options.headers)

    def _generate(self, operation: Any, context: CheckContext) -> None:
        """Hypothesis rounds on one operation, until a round finds no new cause.

        Hypothesis stops generating at the first failure and spends the rest of its run
        shrinking it, so one early crash would hide every other problem of the operation
        that only generated data reveals. Each further round starts with the causes found so
        far known, so only a new one can stop it; rounds are seeded from the run seed, so a
        seeded run stays repeatable.
        """
        label = operation.label
        override = strategy_kwargs(self.options.headers)
        strategy = st.one_of(
            [operation.as_strategy(generation_mode=mode, **override) for mode in GenerationMode]
        )
        for round_number in range(MAX_ROUNDS):
            before = set(self.collector.keys(label))
            self._generate_round(operation, context, strategy, before, round_number)
            if set(self.collector.keys(label)) == before or self.out_of_time():
                return

    def _generate_round(
        self,
        operation: Any,
        context: CheckContext,
        strategy: Any,
        known: set[Any],
        round_number: int,
    ) -> None:
        label = operation.label

        def test(case: Any) -> None:
            if self.out_of_time():
                raise OutOfTime
            causes = self.exercise(operation, case, context, origin="fuzzing")
            fresh = sorted(c.key for c in causes if self._new(label, c, known))
            if fresh:
                raise _cause_error((label, *fresh[0]))

        wrapped = given(case=strategy)(test)
        wrapped = hypothesis.settings(
            max_examples=self.options.max_examples,
            database=None,
            deadline=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            phases=(Phase.generate, Phase.shrink),
            report_multiple_bugs=True,
            print_blob=False,
        )(wrapped)
        round_label = label if round_number == 0 else f"{label}#{round_number}"
        wrapped = hypothesis.seed(_operation_seed(self.seed, round_label))(wrapped)
        try:
            wrapped()
        except (OutOfTime, _Abort):
            raise
        except BaseException as exc:  # sorted out in _absorb
            self._absorb(exc, label)

    def _new(self, label: str, cause: Cause, known: set[Any]) -> bool:
        """Whether a cause is new to the round: not known, and not a crash already found with
        more zeros (shrinking every such variant as a bug of its own sent 16,805 requests for
        20 examples over HTTP)."""
        return cause.key not in known and not holds_a_smaller(cause, self.collector.triggers(label))

    def _absorb(self, exc: BaseException, label: str) -> None:
        """Accept what Hypothesis raises for causes found; re-raise anything else."""
        from hypothesis.errors import HypothesisException

        for leaf in leaves(exc):
            if isinstance(leaf, _CauseFound):
                continue
            if isinstance(leaf, HypothesisException):
                # Flaky replays (a stateful target answers differently the second time) and
                # unsatisfiable strategies: the causes already collected stand.
                continue
            if isinstance(leaf, schemathesis.errors.SchemathesisError):
                self.notes.append(f"{label}: could not generate requests: {one_line(leaf)}")
                continue
            raise leaf

    # -- one request ----------------------------------------------------------------------

    def exercise(
        self,
        operation: Any,
        case: Any,
        context: CheckContext,
        *,
        origin: Origin,
        boundary: BoundaryCase | None = None,
        before: tuple[Exchange, ...] = (),
    ) -> list[Cause]:
        """Send one case, judge the answer, record what it shows; returns its causes.

        ``before`` are the exchanges the request depends on (the create of the resource it
        names), sent first in its reproduction. An accepted write has its reads sent again
        (:mod:`~driftguard.fuzzing.stateful`).
        """
        try:
            prepared, request = self._prepare(case, text=boundary.text if boundary else None)
        except schemathesis.errors.SerializationError:
            if origin == "fuzzing":
                hypothesis.reject()
            return []
        try:
            exchange = self.sender.send(request)
        except Unsendable:
            if origin == "fuzzing":
                hypothesis.reject()
            return []
        except DriftguardError as error:
            raise _Abort(error) from None
        mode = case.meta.generation.mode.value if case.meta is not None else None
        state = self.states[operation.label]
        scenario = coverage_scenario(case)
        if mode == "positive" and scenario not in REQUEST_SHAPE_PROBES:
            if state.valid is None:
                state.valid, state.base = request, case
            if state.accepted is None and exchange.succeeded:
                state.accepted = request
        if exchange.succeeded:
            state.successes += 1
        state.statuses[exchange.status] += 1
        causes = self.judge.causes(operation, case, context, prepared, exchange, state.slots)
        if boundary is not None and boundary.crash_only:
            causes = [cause for cause in causes if cause.id == "server-error"]
        app_wide = boundary is not None and boundary.surrogate
        for cause in causes:
            evidence = Evidence(cause, exchange, origin, mode, before=before)
            self.collector.add(operation.label, evidence, app_wide=app_wide)
        self.rereads.after_write(self, operation, case, exchange, before)
        self.report_progress()
        return causes

    def prepare(self, case: Any) -> tuple[Any, Request]:
        """A case as the prepared request the judge reads and the exact request sent."""
        return self._prepare(case)

    def _prepare(self, case: Any, *, text: bytes | None = None) -> tuple[Any, Request]:
        import requests

        kwargs = case.as_transport_kwargs(base_url=self.base_url, headers=self.options.headers)
        if text is not None and ("json" in kwargs or "data" in kwargs):
            kwargs.pop("json", None)  # a JSON text or a form, written byte for byte
            kwargs["data"] = text
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Content-Type": case.media_type}
        if "json" in kwargs and case.meta is not None and case.meta.generation.mode.is_positive:
            # 5.0 is an integer to JSON Schema and a float to most servers (Pydantic's strict
            # mode refuses it): valid data is sent as 5, which no reading can dispute.
            kwargs["json"] = integral_floats_as_ints(kwargs["json"])
        headers = dict(kwargs.get("headers") or {})
        headers.pop("X-Schemathesis-TestCaseId", None)
        headers["User-Agent"] = _USER_AGENT
        prepared = requests.Request(
            method=kwargs["method"],
            url=kwargs["url"],
            headers=headers,
            params=kwargs.get("params"),
            data=kwargs.get("data"),
            json=kwargs.get("json"),
            files=kwargs.get("files"),
            cookies=kwargs.get("cookies"),
            auth=kwargs.get("auth"),
        ).prepare()
        body = prepared.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        request = Request(
            method=str(prepared.method),
            url=str(prepared.url),
            # Servers drop the whitespace around a header value and HTTP clients refuse to
            # send it: "Bearer " goes out as "Bearer", as a server would read it anyway.
            headers=tuple((str(k), str(v).strip(" \t")) for k, v in prepared.headers.items()),
            body=body if isinstance(body, bytes) else b"",
        )
        return prepared, request


# -- Hypothesis rounds ----------------------------------------------------------------------


# Hypothesis rounds per operation at most: the first, and one more per round that found
# a new cause.
MAX_ROUNDS = 5


def _operation_seed(seed: int, label: str) -> int:
    digest = hashlib.sha256(f"{seed}:{label}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big")
