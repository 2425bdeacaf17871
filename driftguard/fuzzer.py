"""``driftguard fuzz``: generated requests that find validation gaps and contract violations.

This is the only module that imports schemathesis and hypothesis. For every operation it sends:

1. schemathesis' coverage cases: deterministic boundary values, wrong types, missing fields
   and headers, positive and negative. They find most planted defects in a few requests and
   give every run, whatever the seed, the same baseline;
2. Hypothesis-generated cases, positive and negative (``max_examples`` per operation).
   A request that shows a cause coverage did not is raised as a failure of its own class, so
   Hypothesis shrinks each cause separately to a minimal request;
3. then three probes over requests the target accepted (:mod:`driftguard._fuzz_probes`):
   authentication, concurrent creates, use after delete.

Each response goes through schemathesis' own checks (status codes, media types, response
schemas, acceptance of invalid and rejection of valid data, missing headers), and their
failures are mapped onto driftguard's ids with a location that names the cause (a field, a
status, an exception), never the data, so findings are stable across seeds.

Requests are serialised by schemathesis and sent by :class:`~driftguard._fuzz_transport.Sender`
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
from schemathesis.core.failures import AcceptedNegativeData, Failure
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import REQUEST_SHAPE_PROBES, coverage_scenario
from schemathesis.openapi.checks import (
    ContentDeserializationError,
    JsonSchemaError,
    MissingContentType,
    MissingHeaderNotRejected,
    RejectedPositiveData,
    UndefinedContentType,
    UndefinedStatusCode,
)
from schemathesis.specs.openapi import checks as st_checks

from driftguard import __version__
from driftguard._config import Config
from driftguard._errors import DriftguardError, UsageError
from driftguard._fuzz_auth import Slot, has_credentials, security_slots
from driftguard._fuzz_causes import (
    error_pointer,
    exception_cause,
    framework_answer,
    integral_floats_as_ints,
    missing_header,
    one_line,
    rejected_valid,
    schema_violation,
    status_cause,
    unenforced_auth,
    unique,
)
from driftguard._fuzz_findings import COERCED, Cause, Collector, Evidence
from driftguard._fuzz_options import FuzzOptions, HeaderInput, resolve_options
from driftguard._fuzz_probes import (
    creates,
    delete_chains,
    probe_auth,
    probe_concurrency,
    probe_delete,
)
from driftguard._fuzz_progress import FuzzProgress
from driftguard._fuzz_request import IN_PROCESS_REPLAY_URL, Redactor
from driftguard._fuzz_schema import lax_coerce
from driftguard._fuzz_target import app_document, resolve
from driftguard._fuzz_target import base_url as target_base_url
from driftguard._fuzz_transport import Exchange, Request, Sender, Unsendable
from driftguard.findings import Report, Severity
from driftguard.targets import Target, load_spec

__all__ = ["fuzz"]

Progress = Callable[[FuzzProgress], None]

# The checks whose failures driftguard reports (others: server errors, auth and resources
# are judged here or in the probes).
_CHECKS = (
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    st_checks.negative_data_rejection,
    st_checks.positive_data_acceptance,
    st_checks.missing_required_header,
)
# Only a 2xx to invalid data, or to a request missing a required header, is a finding.
_NOT_2XX = ["1xx", "3xx", "4xx", "5xx"]
_SCHEMATHESIS_CONFIG = {
    "checks": {
        "negative_data_rejection": {"expected-statuses": _NOT_2XX},
        "missing_required_header": {"expected-statuses": _NOT_2XX},
    }
}
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
    :class:`~driftguard._fuzz_progress.FuzzProgress` snapshots while the run goes on.
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
        _first_line_of(str(w.message))
        for w in caught
        if not issubclass(
            w.category, DeprecationWarning | PendingDeprecationWarning | ResourceWarning
        )
    ):
        run.notes.append(f"warning: {message}")
    if progress is not None:
        progress(run.snapshot(finished=True))
    redactor = Redactor.for_headers(options.headers, options.templates)
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
    meta = {
        "title": f"driftguard fuzz {session.target}",
        "notes": [summary, *run.notes],
        "operations": [operation.label for operation in operations],
        "requests": requests,
        "seconds": round(elapsed, 3),
        "seed": run.seed,
        "successes": {label: state.successes for label, state in run.states.items()},
    }
    return Report("fuzz", findings, meta=meta)


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
        spec = load_spec(app_document(app))
    else:
        spec = load_spec(
            resolved,
            allow_remote_refs=config.allow_remote_refs,
            timeout=options.timeout,
            headers=options.headers,
        )
    base_url = target_base_url(resolved.base_url, spec)
    schema = schemathesis.openapi.from_dict(
        copy.deepcopy(spec), config=schemathesis.Config.from_dict(_SCHEMATHESIS_CONFIG)
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
        )
        yield _Session(resolved, run, operations, replay_base, serve)


def _operations(schema: Any, wanted: tuple[str, ...]) -> tuple[list[Any], list[str]]:
    operations, notes = [], []
    for result in schema.get_all_operations():
        try:
            operations.append(result.ok())
        except Exception as exc:  # an operation schemathesis cannot read
            notes.append(f"skipped an operation: {_first_line(exc)}")
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


def _first_line_of(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else text


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


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
            self.notes.append(f"{label}: could not generate requests: {_first_line(exc)}")
        self.done += 1
        self._report_progress(force=True)

    def begin(self, operation: Any) -> CheckContext:
        """Set up an operation's state; returns the context its answers are checked in."""
        self.current = operation.label
        self.states[operation.label] = _OperationState(
            slots=security_slots(self.spec, operation.path, operation.method)
        )
        self._report_progress(force=True)
        return self._check_context(operation)

    def _check_context(self, operation: Any) -> CheckContext:
        from requests.structures import CaseInsensitiveDict

        config = operation.schema.config.checks_config_for(operation=operation, phase="fuzzing")
        headers = CaseInsensitiveDict(self.options.headers) if self.options.headers else None
        return CheckContext(
            override=None,
            auth=None,
            headers=headers,
            config=config,
            transport_kwargs=None,
            response_checks=None,
        )

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
        (an unenforced bound behind a division by zero). Each further round starts with the
        causes found so far known, so only a new one can stop it; rounds are seeded from the
        run seed, so a seeded run stays repeatable.
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

        for leaf in _leaves(exc):
            if isinstance(leaf, _CauseFound):
                continue
            if isinstance(leaf, HypothesisException):
                # Flaky replays (a stateful target answers differently the second time) and
                # unsatisfiable strategies: the causes already collected stand.
                continue
            if isinstance(leaf, schemathesis.errors.SchemathesisError):
                self.notes.append(f"{label}: could not generate requests: {_first_line(leaf)}")
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
        causes = self._judge(operation, case, context, prepared, exchange)
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

    # -- judging --------------------------------------------------------------------------

    def _judge(
        self, operation: Any, case: Any, context: CheckContext, prepared: Any, exchange: Exchange
    ) -> list[Cause]:
        if exchange.error is not None:
            return [exception_cause(exchange.error)]
        causes: list[Cause] = []
        status = exchange.status
        if status >= 500:
            causes.append(status_cause(status))
        if coverage_scenario(case) in REQUEST_SHAPE_PROBES or status >= 500:
            return causes
        framework = not self.options.strict and framework_answer(
            exchange, route=operation.path, base_path=urlsplit(self.base_url).path
        )
        response = _schemathesis_response(exchange, prepared)
        for failure in _failures(context, response, case):
            causes.extend(self._causes(operation, case, exchange, failure, framework=framework))
        causes.extend(self._auth_causes(operation, case, exchange))
        return unique(causes)

    def _causes(
        self, operation: Any, case: Any, exchange: Exchange, failure: Failure, *, framework: bool
    ) -> list[Cause]:
        status = exchange.status
        if isinstance(failure, UndefinedStatusCode):
            if framework:
                return []
            documented = ", ".join(failure.defined_status_codes)
            return [
                Cause(
                    "undocumented-status-code",
                    f"response {status}",
                    {"status": status, "documented": documented},
                )
            ]
        if isinstance(failure, UndefinedContentType | MissingContentType):
            if framework:
                return []
            content_type = (getattr(failure, "content_type", None) or "(none)").split(";")[0]
            media_types: list[str] = list(
                getattr(failure, "defined_content_types", None)
                or getattr(failure, "media_types", None)
                or []
            )
            return [
                Cause(
                    "undocumented-content-type",
                    f"response {status} {content_type}",
                    {
                        "status": status,
                        "content_type": content_type,
                        "documented": ", ".join(media_types),
                    },
                )
            ]
        if isinstance(failure, JsonSchemaError):
            return [
                schema_violation(
                    status,
                    instance_path=failure.instance_path,
                    schema_path=failure.schema_path,
                    schema=failure.schema,
                    instance=failure.instance,
                    message=failure.validation_message,
                )
            ]
        if isinstance(failure, ContentDeserializationError):
            return [
                Cause(
                    "response-schema-violation",
                    f"response {status} body",
                    {"status": status, "cause": f"the body cannot be read: {failure.title}"},
                )
            ]
        if isinstance(failure, AcceptedNegativeData):
            if not exchange.succeeded:
                return []
            return self._accepted_invalid(operation, case, exchange)
        if isinstance(failure, RejectedPositiveData):
            return [rejected_valid(exchange)]
        if isinstance(failure, MissingHeaderNotRejected):
            name = failure.header_name
            if not exchange.succeeded or self._credential_header(operation.label, name):
                return []
            return [missing_header(name, status)]
        return []

    def _credential_header(self, label: str, name: str) -> bool:
        """A header that carries credentials: supplied by the user or declared as security."""
        wanted = name.lower()
        if wanted in {k.lower() for k in self.options.headers}:
            return True
        slots = self.states[label].slots
        return any(s.where == "header" and s.name.lower() == wanted for s in slots)

    def _accepted_invalid(self, operation: Any, case: Any, exchange: Exchange) -> list[Cause]:
        """One cause per invalid field of an accepted request (per parameter outside bodies)."""
        meta = case.meta
        request, status = exchange.request, exchange.status
        causes: list[Cause] = []
        data = meta.phase.data
        description = data.description or "invalid data"
        judged_elsewhere = False
        for location in (
            ParameterLocation.PATH,
            ParameterLocation.QUERY,
            ParameterLocation.HEADER,
            ParameterLocation.COOKIE,
        ):
            if not meta.is_negative_at(location):
                continue
            where = location.value
            for name in _negated_names(data, location):
                if location == ParameterLocation.HEADER:
                    if self._credential_header(operation.label, name):
                        judged_elsewhere = True  # as auth-not-enforced
                        continue
                    if request.header(name) is None:
                        causes.append(missing_header(name, status))
                        continue
                causes.append(
                    Cause(
                        "accepted-invalid-input",
                        f"request {where} {name}",
                        {"cause": f"{where} parameter {name}: {description}", "field": name},
                    )
                )
        if meta.is_negative_at(ParameterLocation.BODY):
            causes.extend(self._body_causes(operation, case, description))
        if not causes and not judged_elsewhere:
            causes.append(Cause("accepted-invalid-input", "request", {"cause": description}))
        return causes

    def _body_causes(self, operation: Any, case: Any, description: str) -> list[Cause]:
        from schemathesis.core import NotSet
        from schemathesis.core.jsonschema import make_validator

        body = case.body
        if isinstance(body, bytes | NotSet):
            what = "a body that is not valid JSON" if isinstance(body, bytes) else "no body"
            return [
                Cause(
                    "accepted-invalid-input",
                    "request body (malformed)" if isinstance(body, bytes) else "request body",
                    {"cause": f"{what} was accepted ({description})", "field": "(body)"},
                )
            ]
        alternative = operation.get_body_for_media_type(case.media_type)
        if alternative is None:
            return []
        schema = alternative.optimized_schema
        try:
            validator = make_validator(schema, operation.schema.adapter.jsonschema_validator_cls)
            errors = list(validator.iter_errors(body))
            remaining = {
                error_pointer(e, schema)
                for e in validator.iter_errors(lax_coerce(body, schema, schema))
            }
        except Exception:  # a schema the validator cannot read (e.g. a non-ECMA pattern)
            return []
        causes = []
        for error in errors:
            pointer = error_pointer(error, schema)
            coercion = pointer not in remaining
            details: dict[str, Any] = {
                "cause": f"body {pointer}: {one_line(error.message)}",
                "field": pointer,
                "keyword": error.kind.name,
                "coercion": coercion,
            }
            severity = None
            if coercion:
                details["cause"] += " (Pydantic's lax mode coerces it)"
                severity = None if self.options.strict else Severity.WARNING
            location = f"request body {pointer}" + (COERCED if coercion else "")
            causes.append(Cause("accepted-invalid-input", location, details, severity))
        return causes

    def _auth_causes(self, operation: Any, case: Any, exchange: Exchange) -> list[Cause]:
        """A secured operation that answered 2xx to a request without real credentials."""
        slots = self.states[operation.label].slots
        if not slots or not exchange.succeeded:
            return []
        meta = case.meta
        if meta is not None and meta.is_negative_at(ParameterLocation.PATH):
            return []  # the request may not have reached the operation's route at all
        if has_credentials(exchange.request, slots):
            return []  # credentials that may be valid (supplied) or not: the probe decides
        return [unenforced_auth("without credentials", exchange.status, slots)]

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


# -- helpers over schemathesis objects ------------------------------------------------------


# Hypothesis rounds per operation at most: the first, and one more per round that found
# a new cause.
MAX_ROUNDS = 5


def _operation_seed(seed: int, label: str) -> int:
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc


def _failures(context: CheckContext, response: Any, case: Any) -> list[Failure]:
    failures: list[Failure] = []
    for check in _CHECKS:
        try:
            check(context, response, case)
        except Failure as failure:
            failures.append(failure)
        except BaseExceptionGroup as group:
            failures.extend(f for f in _leaves(group) if isinstance(f, Failure))
        except Exception:  # a check that cannot read this answer says nothing
            continue
    return failures


def _schemathesis_response(exchange: Exchange, prepared: Any) -> Any:
    import http

    try:
        reason = http.HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    encoding = None
    content_type = exchange.content_type or ""
    if "charset=" in content_type:
        encoding = content_type.split("charset=", 1)[1].split(";")[0].strip() or None
    return schemathesis.Response(
        status_code=exchange.status,
        headers={name: list(values) for name, values in exchange.headers.items()},
        content=exchange.content,
        request=prepared,
        elapsed=exchange.elapsed,
        verify=True,
        message=reason,
        encoding=encoding,
    )


def _negated_names(data: Any, location: ParameterLocation) -> list[str]:
    names = [
        m.parameter
        for m in getattr(data, "mutations", ())
        if m.parameter_location == location and m.parameter
    ]
    if not names and data.parameter and data.parameter_location == location:
        names = [data.parameter]
    return list(dict.fromkeys(names)) or ["*"]
