"""``driftguard fuzz``: generated requests that find validation gaps and contract violations.

This is the only module that imports hypothesis, and with :mod:`driftguard.fuzzing.judge` the
only one that imports schemathesis. For every operation it sends:

1. schemathesis' coverage cases: deterministic boundary values, wrong types, missing fields
   and headers, positive and negative. They find most planted defects in a few requests and
   give every run, whatever the seed, the same baseline;
2. Hypothesis-generated cases, positive and negative (``max_examples`` per operation).
   A request that shows a cause coverage did not is raised as a failure of its own class, so
   Hypothesis shrinks each cause separately to a minimal request;
3. then three probes over requests the target accepted (:mod:`driftguard.fuzzing.scenarios`):
   authentication, concurrent creates, use after delete.

Each response goes through schemathesis' own checks (status codes, media types, response
schemas, acceptance of invalid and rejection of valid data, missing headers), and
:class:`~driftguard.fuzzing.judge.Judge` maps their failures onto driftguard's ids with a location
that names the cause (a field, a status, an exception), never the data, so findings are stable
across seeds.

Requests are serialised by schemathesis and sent by :class:`~driftguard.fuzzing.transport.Sender`
(httpx, in-process or over HTTP), so the reproduction shows the exact bytes that went out.
"""

from __future__ import annotations

import copy
import hashlib
import random
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext
from schemathesis.generation.meta import REQUEST_SHAPE_PROBES, coverage_scenario

from driftguard._config import Config
from driftguard._errors import DriftguardError, UsageError, first_line, one_line
from driftguard._version import __version__
from driftguard.findings import Report, RunInfo
from driftguard.fuzzing.auth import Slot, security_slots
from driftguard.fuzzing.causes import integral_floats_as_ints
from driftguard.fuzzing.evidence import Cause, Collector, Evidence
from driftguard.fuzzing.judge import CHECKS_CONFIG, Judge, check_context, leaves
from driftguard.fuzzing.options import FuzzOptions, HeaderInput, resolve_options
from driftguard.fuzzing.progress import FuzzProgress
from driftguard.fuzzing.reproduce import IN_PROCESS_REPLAY_URL, redactor_for
from driftguard.fuzzing.scenarios import (
    creates,
    delete_chains,
    probe_auth,
    probe_concurrency,
    probe_delete,
)
from driftguard.fuzzing.target import base_url as target_base_url
from driftguard.fuzzing.target import resolve
from driftguard.fuzzing.transport import Request, Sender, Unsendable
from driftguard.openapi.sources import app_spec, load_spec
from driftguard.policy import apply_policy
from driftguard.targets import Target

__all__ = ["fuzz"]

Progress = Callable[[FuzzProgress], None]

_USER_AGENT = f"driftguard/{__version__}"


def fuzz(
    target: str | Target | Any,
    *,
    max_examples: int | None = None,
    seed: int | None = None,
    time_budget: float | None = None,
    concurrency: int | None = None,
    strict: bool | None = None,
    headers: HeaderInput | None = None,
    operations: Iterable[str] | None = None,
    config: Config | None = None,
    progress: Progress | None = None,
) -> Report:
    """Fuzz a live TARGET and report what it got wrong, one finding per cause.

    ``target`` is ``module:attr`` (an ASGI app, called in-process), an ``http(s)://`` base URL,
    a :class:`~driftguard.targets.Target`, or an ASGI app object. Arguments left as ``None``
    come from ``config.fuzz`` (``[tool.driftguard.fuzz]``): ``max_examples`` generated requests
    per operation (25), ``concurrency`` simultaneous creates (8). With ``seed``, two runs
    against the same behaviour send the same requests and report the same findings; without
    it a seed is drawn and shown in the report's notes. ``time_budget`` (seconds) bounds the
    whole run. ``strict`` makes accepted type coercions breaking and reports the framework's
    own 400 for unparsable bodies. ``headers`` go with every request (credentials for
    authenticated fuzzing); ``operations`` limits the run to ``"METHOD /path"`` labels.

    Every finding carries ``details.reproduce``, a curl command line. For a URL target it
    calls that URL; for an in-process app it calls ``http://127.0.0.1:8000``, where
    ``details.serve`` (``uvicorn module:attr``) serves the app. ``progress`` receives
    :class:`~driftguard.fuzzing.progress.FuzzProgress` snapshots while the run goes on.
    """
    options = resolve_options(
        config,
        max_examples=max_examples,
        seed=seed,
        time_budget=time_budget,
        concurrency=concurrency,
        strict=strict,
        headers=headers,
        operations=operations,
    )
    if _event_loop_running():
        # The sender runs an event loop of its own; give it a thread where none is running.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="driftguard-fuzz") as pool:
            return pool.submit(_fuzz, target, options, config or Config(), progress).result()
    return _fuzz(target, options, config or Config(), progress)


def _event_loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _fuzz(target: Any, options: FuzzOptions, config: Config, progress: Progress | None) -> Report:
    info, finish = RunInfo.timed()
    # Warnings (a pattern schemathesis cannot generate from...) become notes of the report:
    # on a pipe, stdout and stderr carry the report and errors only.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _session(target, options, config, progress) as session:
            run, operations = session.run, session.operations
            try:
                for operation in operations:
                    run.fuzz_operation(operation)
                run.probe()
            except _OutOfTime:
                run.notes.append(
                    f"time budget of {options.time_budget:g}s reached after {run.done} of "
                    f"{len(operations)} operations"
                )
    for message in dict.fromkeys(
        first_line(str(w.message))
        for w in caught
        if not issubclass(
            w.category, DeprecationWarning | PendingDeprecationWarning | ResourceWarning
        )
    ):
        run.notes.append(f"warning: {message}")
    if progress is not None:
        progress(run.snapshot(finished=True))
    redactor = redactor_for(options.headers, options.templates)
    findings = run.collector.findings(
        redactor, replay_base=session.replay_base, serve=session.serve
    )
    never = [label for label, state in run.states.items() if state.successes == 0]
    if never:
        hint = ""
        if any(run.states[label].slots for label in never) and not options.headers:
            hint = " (some declare authentication: pass credentials with --header)"
        run.notes.append(f"never answered 2xx: {', '.join(never)}{hint}")
    elapsed = time.monotonic() - run.started
    requests = run.sender.requests_sent
    summary = f"{run.done} operations, {requests} requests in {elapsed:.1f}s, seed {run.seed}"
    info.target = str(session.target)
    info.notes = [summary, *run.notes]
    info.operations = [operation.label for operation in operations]
    info.requests = requests
    info.seed = run.seed
    info.successes = {label: state.successes for label, state in run.states.items()}
    return apply_policy(Report("fuzz", findings, run=finish()), config)


@dataclass
class _Session:
    """Everything a run needs once the target is loaded; the benchmark drives one directly."""

    target: Target
    run: _Run
    operations: list[Any]
    replay_base: str | None
    serve: str | None


@contextmanager
def _session(
    target: Any, options: FuzzOptions, config: Config, progress: Progress | None = None
) -> Iterator[_Session]:
    started = time.monotonic()
    resolved, app, serve = resolve(target, config)
    if app is not None and not isinstance(target, str | Target):
        spec = app_spec(app, where=resolved.value)
    else:
        spec = load_spec(
            resolved,
            allow_remote_refs=config.allow_remote_refs,
            timeout=options.timeout,
            headers=options.headers,
        )
    base_url = target_base_url(resolved.base_url, spec)
    schema = schemathesis.openapi.from_dict(
        copy.deepcopy(spec), config=schemathesis.Config.from_dict(CHECKS_CONFIG)
    )
    schema.config.update(base_url=base_url)
    operations, notes = _operations(schema, options.operations)
    seed = options.seed if options.seed is not None else random.SystemRandom().getrandbits(32)
    replay_base = None
    if resolved.kind == "app":
        replay_base = IN_PROCESS_REPLAY_URL + urlsplit(base_url).path.rstrip("/")
    with Sender(resolved, app=app, timeout=options.timeout) as sender:
        run = _Run(
            options=options,
            spec=spec,
            base_url=base_url,
            seed=seed,
            started=started,
            progress=progress,
            total=len(operations),
            notes=notes,
            sender=sender,
            judge=Judge(
                strict=options.strict,
                base_path=urlsplit(base_url).path,
                supplied=frozenset(name.lower() for name in options.headers),
            ),
        )
        yield _Session(resolved, run, operations, replay_base, serve)


def _operations(schema: Any, wanted: tuple[str, ...]) -> tuple[list[Any], list[str]]:
    operations, notes = [], []
    for result in schema.get_all_operations():
        try:
            operations.append(result.ok())
        except Exception as exc:  # an operation schemathesis cannot read
            notes.append(f"skipped an operation: {one_line(exc)}")
    if wanted:
        by_label = {operation.label: operation for operation in operations}
        missing = [label for label in wanted if label not in by_label]
        if missing:
            known = ", ".join(sorted(by_label)[:10])
            raise UsageError(
                f"no operation {missing[0]!r} in the target's OpenAPI document "
                f"(it has: {known}{', ...' if len(by_label) > 10 else ''})"
            )
        operations = [by_label[label] for label in dict.fromkeys(wanted)]
    return operations, notes


class _OutOfTime(BaseException):
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
    successes: int = 0  # requests answered 2xx


@dataclass
class _Run:
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
    collector: Collector = field(default_factory=Collector)
    states: dict[str, _OperationState] = field(default_factory=dict)
    done: int = 0
    current: str | None = None
    _last_progress: float = 0.0

    # -- budget and progress --------------------------------------------------------------

    def out_of_time(self) -> bool:
        budget = self.options.time_budget
        return budget is not None and time.monotonic() - self.started >= budget

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

    def _report_progress(self, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self._last_progress >= 0.05:
            self._last_progress = now
            self.progress(self.snapshot())

    # -- one operation --------------------------------------------------------------------

    def fuzz_operation(self, operation: Any) -> None:
        if self.out_of_time():
            raise _OutOfTime
        label = operation.label
        context = self.begin(operation)
        try:
            for case in self._coverage_cases(operation):
                if self.out_of_time():
                    raise _OutOfTime
                self.exercise(operation, case, context, origin="coverage")
            self._generate(operation, context)
        except _Abort as abort:
            raise abort.error from None
        except schemathesis.errors.SchemathesisError as exc:
            self.notes.append(f"{label}: could not generate requests: {one_line(exc)}")
        self.done += 1
        self._report_progress(force=True)

    def begin(self, operation: Any) -> CheckContext:
        """Set up an operation's state; returns the context its answers are checked in."""
        self.current = operation.label
        self.states[operation.label] = _OperationState(
            slots=security_slots(self.spec, operation.path, operation.method)
        )
        self._report_progress(force=True)
        return check_context(operation, self.options.headers)

    def _override(self) -> Any:
        from schemathesis.generation.overrides import Override

        # Supplied headers are fixed values: never mutated into negative data, never dropped.
        return Override(headers=dict(self.options.headers))

    def _coverage_cases(self, operation: Any) -> Iterator[Any]:
        from schemathesis.generation.drivers import CoverageGenerator
        from schemathesis.generation.feedback import FeedbackSources

        generation = operation.schema.config.generation_for(operation=operation, phase="coverage")
        yield from CoverageGenerator(
            operation=operation,
            generation_modes=list(GenerationMode),
            generation_config=generation,
            auth_storage=None,
            override=self._override(),
            feedback=FeedbackSources(),
        )

    def _generate(self, operation: Any, context: CheckContext) -> None:
        """Hypothesis rounds on one operation, until a round finds no new cause.

        Hypothesis stops generating at the first failure and spends the rest of its run
        shrinking it, so one early crash would hide every other problem of the operation
        that only generated data reveals. Each further round starts with the causes found so
        far known, so only a new one can stop it; rounds are seeded from the run seed, so a
        seeded run stays repeatable.
        """
        label = operation.label
        override = self._override().as_strategy_kwargs()
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
                raise _OutOfTime
            causes = self.exercise(operation, case, context, origin="fuzzing")
            fresh = sorted(c.key for c in causes if c.key not in known)
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
        except (_OutOfTime, _Abort):
            raise
        except BaseException as exc:  # sorted out in _absorb
            self._absorb(exc, label)

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
        self, operation: Any, case: Any, context: CheckContext, *, origin: str
    ) -> list[Cause]:
        """Send one case, judge the answer, record what it shows; returns its causes."""
        try:
            prepared, request = self._prepare(case)
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
                state.valid = request
            if state.accepted is None and exchange.succeeded:
                state.accepted = request
        if exchange.succeeded:
            state.successes += 1
        causes = self.judge.causes(operation, case, context, prepared, exchange, state.slots)
        for cause in causes:
            self.collector.add(operation.label, Evidence(cause, exchange, origin, mode))
        self._report_progress()
        return causes

    def _prepare(self, case: Any) -> tuple[Any, Request]:
        import requests

        kwargs = case.as_transport_kwargs(base_url=self.base_url, headers=self.options.headers)
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

    # -- probes ---------------------------------------------------------------------------

    def probe(self) -> None:
        self.current = "probes"
        self._report_progress(force=True)
        supplied = list(self.options.headers.items())
        for label, state in self.states.items():
            if self.out_of_time():
                raise _OutOfTime
            request = state.accepted or state.valid
            if state.slots and request is not None:
                self._record(label, probe_auth(self.sender, request, state.slots))
            if state.accepted is not None and creates(self.spec, label):
                found = probe_concurrency(self.sender, state.accepted, self.options.concurrency)
                self._record(label, found)
        for create_label, delete_label, get_label, template in delete_chains(self.spec):
            creator = self.states.get(create_label)
            if creator is None or creator.accepted is None or get_label not in self.states:
                continue
            if delete_label not in self.states or self.out_of_time():
                continue
            found = probe_delete(
                self.sender,
                creator.accepted,
                template=template,
                base_url=self.base_url,
                extra_headers=supplied,
            )
            self._record(get_label, found)

    def _record(self, label: str, evidence: list[Evidence]) -> None:
        for item in evidence:
            self.collector.add(label, item)


# -- Hypothesis rounds ----------------------------------------------------------------------


# Hypothesis rounds per operation at most: the first, and one more per round that found
# a new cause.
MAX_ROUNDS = 5


def _operation_seed(seed: int, label: str) -> int:
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return int.from_bytes(digest[:8], "big")
