"""``driftguard fuzz``: generated requests that find validation gaps and contract violations.

:func:`fuzz` resolves the target and its document, sets up a run (:func:`open_session`: the
schemathesis schema, the sender, the judge), lets :class:`~driftguard.fuzzing.engine.Run`
fuzz every operation, and turns what was collected into one report: one finding per cause,
each with a reproduction, the configuration's policy applied once.

Requests are serialised by schemathesis and sent by :class:`~driftguard.fuzzing.transport.Sender`
(httpx, in-process or over HTTP), so the reproduction shows the exact bytes that went out.
"""

from __future__ import annotations

import copy
import random
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import schemathesis

from driftguard._config import Config
from driftguard._errors import TargetError, UsageError, first_line, one_line
from driftguard._http import SAFE_METHODS
from driftguard.findings import Finding, RunInfo, Severity
from driftguard.fuzzing.constants import no_local_constants
from driftguard.fuzzing.engine import OutOfTime, Progress, Run
from driftguard.fuzzing.judge import CHECKS_CONFIG, Judge
from driftguard.fuzzing.options import FuzzOptions, HeaderInput, resolve_options
from driftguard.fuzzing.reproduce import IN_PROCESS_REPLAY_URL, redactor_for
from driftguard.fuzzing.serve import served
from driftguard.fuzzing.shards import Shard
from driftguard.fuzzing.target import base_url as target_base_url
from driftguard.fuzzing.target import resolve
from driftguard.fuzzing.transport import Sender
from driftguard.openapi.sources import app_spec, load_spec
from driftguard.policy import apply_policy
from driftguard.report import Report
from driftguard.targets import Target

__all__ = ["Plan", "Session", "Tally", "collect", "fuzz", "open_session", "plan"]


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
    allow_unsafe: bool | None = None,
    serve: bool | None = None,
    login: Mapping[str, str] | None = None,
    config: Config | None = None,
    progress: Progress | None = None,
    shard: str | Shard | None = None,
    workers: int | None = None,
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
    Against a URL only GET, HEAD and OPTIONS are sent unless ``allow_unsafe`` (or
    ``[tool.driftguard.fuzz] allow_unsafe``) says that POST, PUT, PATCH, DELETE... may change
    the service's data; an in-process app gets every method. With ``serve`` (or
    ``[tool.driftguard.fuzz] serve``) a ``module:attr`` app is run under uvicorn on
    127.0.0.1, in a process of its own, and fuzzed over real HTTP, so that what only a real
    server shows (a response header that is not valid HTTP drops the connection) is found.
    ``login`` (``username``, ``password``, optionally ``client_id``, ``client_secret``; or
    ``[tool.driftguard.fuzz] login``) is what an OAuth2 password flow of the document is
    asked for a token with, for a scope it does not declare.

    Every finding carries ``details.reproduce``, a curl command line. For a URL target it
    calls that URL; for an in-process app it calls ``http://127.0.0.1:8000``, where
    ``details.serve`` (``uvicorn module:attr``) serves the app. ``progress`` receives
    :class:`~driftguard.fuzzing.progress.FuzzProgress` snapshots while the run goes on.

    ``shard`` (``"2/3"``, or ``[tool.driftguard.fuzz] shard``) fuzzes only that share of the
    operations, whole resources chosen by a hash of their path, for a CI matrix whose JSON
    reports ``driftguard merge`` joins; for one seed the shards find together what the whole
    run finds. ``workers`` fuzzes whole resources in that many processes side by side (the
    target must then be ``module:attr`` or a URL, which each process opens for itself), with
    the findings of one process for the same seed.
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
        allow_unsafe=allow_unsafe,
        serve=serve,
        login=login,
        shard=shard,
        workers=workers,
    )
    if _event_loop_running():
        # The sender runs an event loop of its own; give it a thread where none is running.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1, thread_name_prefix="driftguard-fuzz") as pool:
            return pool.submit(_fuzz, target, options, config or Config(), progress).result()
    return _fuzz(target, options, config or Config(), progress)


def _warning_line(message: str) -> str:
    """A warning's first line, joined to the next when it is only a header.

    Pydantic's serializer warnings start ``Pydantic serializer warnings:`` and say what is
    wrong on the line after; the note must keep that.
    """
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        return f"{lines[0]} {lines[1]}"
    return first_line(message)


def _fuzz_operations(run: Run, operations: list[Any]) -> None:
    """Fuzz each operation; under a time budget, each gets a fair share of the time left.

    The share is the time left over the operations left, so one slow operation cannot take
    the whole budget, and what a quick one leaves goes to those after it.
    """
    budget = run.options.time_budget
    if budget is None:
        for operation in operations:
            run.fuzz_operation(operation)
        return
    end, cut = run.started + budget, 0
    try:
        for index, operation in enumerate(operations):
            now = time.monotonic()
            run.deadline = now + max(end - now, 0.0) / (len(operations) - index)
            try:
                run.fuzz_operation(operation)
            except OutOfTime:
                if time.monotonic() >= end and index + 1 < len(operations):
                    raise  # the whole budget is spent before the last: the run stops here
                cut += 1
                run.done += 1
    finally:
        run.deadline = None
        if cut:
            run.notes.append(
                f"time budget of {budget:g}s: {cut} of {len(operations)} operations cut short "
                "at their share of it"
            )


def _event_loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _fuzz(target: Any, options: FuzzOptions, config: Config, progress: Progress | None) -> Report:
    info, finish = RunInfo.timed()
    began = time.monotonic()
    if options.workers > 1:
        from driftguard.fuzzing.workers import fuzz_in_workers

        tally = fuzz_in_workers(target, options, config, progress)
    else:
        tally = collect(target, options, config, progress)
    return _conclude(tally, options, config, (info, finish, began))


@dataclass
class Tally:
    """What fuzzing some operations came to, before the report is drawn up: one run's, or
    one worker's share (:mod:`~driftguard.fuzzing.workers` adds the shares up). Picklable."""

    target: str
    base_url: str
    seed: int
    findings: list[Finding]
    notes: list[str]
    operations: list[str]
    done: int
    requests: int
    successes: dict[str, int]
    statuses: Counter[int]
    secured: set[str]  # operations that declare authentication
    exports: dict[str, str]  # environment variables the reproductions read credentials from
    shard: str | None = None


def collect(
    target: Any,
    options: FuzzOptions,
    config: Config,
    progress: Progress | None,
    *,
    started: float | None = None,
) -> Tally:
    """Fuzz the target's operations (``options.operations``, else all of its shard); a
    worker passes ``started``, when the run it is part of began (its budget is shared)."""
    # Warnings (a pattern schemathesis cannot generate from...) become notes of the report:
    # on a pipe, stdout and stderr carry the report and errors only.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open_session(target, options, config, progress) as session:
            run, operations = session.run, session.operations
            if started is not None:
                run.started = started
            try:
                with no_local_constants():
                    _fuzz_operations(run, operations)
                run.probe()
            except OutOfTime:
                run.notes.append(
                    f"time budget of {options.time_budget:g}s reached after {run.done} of "
                    f"{len(operations)} operations"
                )
    for message in dict.fromkeys(
        _warning_line(str(w.message))
        for w in caught
        if not issubclass(
            w.category, DeprecationWarning | PendingDeprecationWarning | ResourceWarning
        )
    ):
        run.notes.append(f"warning: {message}")
    if run.rereads.sent:
        run.notes.append(
            f"stateful checks: {run.rereads.sent} of the {run.sender.requests_sent} requests "
            "(reads sent again after accepted writes, created ids sent through their items' "
            "operations)"
        )
    if progress is not None:
        progress(run.snapshot(finished=True))
    redactor = redactor_for(options.headers, options.templates, options.login)
    statuses: Counter[int] = Counter()
    for state in run.states.values():
        statuses.update(state.statuses)
    return Tally(
        target=str(session.target),
        base_url=run.base_url,
        seed=run.seed,
        findings=run.collector.findings(
            redactor, replay_base=session.replay_base, serve=session.serve
        ),
        notes=run.notes,
        operations=[operation.label for operation in operations],
        done=run.done,
        requests=run.sender.requests_sent,
        successes={label: state.successes for label, state in run.states.items()},
        statuses=statuses,
        secured={label for label, state in run.states.items() if state.slots},
        exports=dict(redactor.exports),
        shard=None if options.shard is None else str(options.shard),
    )


def _conclude(
    tally: Tally,
    options: FuzzOptions,
    config: Config,
    timing: tuple[RunInfo, Callable[[], RunInfo], float],
) -> Report:
    info, finish, began = timing
    findings, notes = tally.findings, list(tally.notes)
    if findings and tally.exports:
        exports = ", ".join(
            f"{var} (the {what}{'' if what.startswith('login ') else ' header'})"
            for var, what in tally.exports.items()
        )
        notes.append(f"reproductions read supplied credentials from the environment: {exports}")
    never = [label for label, successes in tally.successes.items() if successes == 0]
    if (
        never
        and len(never) == len(tally.successes)
        and Severity.BREAKING not in {f.severity for f in findings}
    ):
        # Undocumented 404s and rejected requests are what a wrong base URL looks like;
        # a run that tested nothing must not pass as clean.
        raise TargetError(_nothing_succeeded(tally, options))
    if never:
        hint = ""
        if any(label in tally.secured for label in never) and not options.headers:
            hint = " (some declare authentication: pass credentials with --header)"
        notes.append(f"never answered 2xx: {', '.join(never)}{hint}")
    elapsed = time.monotonic() - began
    summary = (
        f"{tally.done} operations, {tally.requests} requests in {elapsed:.1f}s, seed {tally.seed}"
    )
    if options.workers > 1:
        summary += f", {options.workers} workers"
    info.target = tally.target
    info.notes = [summary, *notes]
    info.operations = tally.operations
    info.requests = tally.requests
    info.seed = tally.seed
    info.successes = tally.successes
    info.shard = tally.shard
    return apply_policy(Report("fuzz", findings, run=finish()), config)


@dataclass
class Session:
    """Everything a run needs once the target is loaded; the benchmark drives one directly."""

    target: Target
    run: Run
    operations: list[Any]
    replay_base: str | None
    serve: str | None


@dataclass
class Plan:
    """What a run will fuzz, before anything is sent: the target, its document, the
    operations (after ``--operation``, the safe-method rule and the shard) and the seed."""

    target: Target
    app: Any
    serve: str | None
    spec: dict[str, Any]
    base_url: str
    operations: list[Any]
    notes: list[str]
    unsafe: bool  # a live service: only safe methods may be sent
    seed: int
    schema: Any  # schemathesis' schema of the operations


def plan(target: Any, options: FuzzOptions, config: Config) -> Plan:
    resolved, app, serve = resolve(target, config)
    if options.serve:
        _check_servable(target, resolved)
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
    unsafe = resolved.kind == "url" and not options.allow_unsafe
    if unsafe:
        operations = _safe_only(operations, notes, explicit=bool(options.operations))
    if options.shard is not None:
        operations = _shard_of(operations, options.shard, notes)
    seed = options.seed if options.seed is not None else random.SystemRandom().getrandbits(32)
    return Plan(resolved, app, serve, spec, base_url, operations, notes, unsafe, seed, schema)


def _check_servable(target: Any, resolved: Target) -> None:
    """``--serve`` needs a ``module:attr``: uvicorn imports the app by that name."""
    if resolved.kind == "url":
        raise UsageError(
            f"--serve runs a module:attr app under uvicorn; {resolved.value} is already a "
            "service: fuzz it without --serve"
        )
    if not isinstance(target, str | Target) and target is not None:
        raise UsageError(
            f"serve needs a module:attr target (uvicorn imports the app by that name), "
            f"not an app object ({resolved.value})"
        )


@contextmanager
def open_session(
    target: Any, options: FuzzOptions, config: Config, progress: Progress | None = None
) -> Iterator[Session]:
    started = time.monotonic()
    planned = plan(target, options, config)
    resolved, base_url, operations = planned.target, planned.base_url, planned.operations
    replay_base = None
    if resolved.kind == "app":
        replay_base = IN_PROCESS_REPLAY_URL + urlsplit(base_url).path.rstrip("/")
    with ExitStack() as stack:
        if options.serve:
            server = stack.enter_context(served(resolved, timeout=options.timeout))
            sender = Sender(
                Target("url", server.url),
                timeout=options.timeout,
                why_down=server.why_down,
                safe_only=planned.unsafe,
            )
            base_url = target_base_url(server.url, planned.spec)
            planned.schema.config.update(base_url=base_url)
            planned.notes.append(
                f"served by {server.command} on {server.url}, in a process of its own"
            )
        else:
            sender = Sender(
                resolved, app=planned.app, timeout=options.timeout, safe_only=planned.unsafe
            )
        stack.enter_context(sender)
        run = Run(
            options=options,
            spec=planned.spec,
            base_url=base_url,
            seed=planned.seed,
            started=started,
            progress=progress,
            total=len(operations),
            notes=planned.notes,
            sender=sender,
            operations={operation.label: operation for operation in operations},
            judge=Judge(
                strict=options.strict,
                base_path=urlsplit(base_url).path,
                supplied=frozenset(name.lower() for name in options.headers),
            ),
        )
        yield Session(resolved, run, operations, replay_base, planned.serve)


def _nothing_succeeded(tally: Tally, options: FuzzOptions) -> str:
    """Why a run in which no request was answered 2xx proves nothing: say what it got."""
    statuses = tally.statuses
    got = ", ".join(f"{count} x {status}" for status, count in statuses.most_common(3)) or "none"
    hint = ""
    if statuses and statuses.most_common(1)[0][0] == 404:
        prefix = urlsplit(tally.base_url).path.rstrip("/")
        hint = (
            f"; every path was prefixed with {prefix} from the document's servers[0]: is "
            "that where the service answers?"
            if prefix
            else f"; is {tally.base_url} the service the document describes?"
        )
    elif statuses and statuses.most_common(1)[0][0] in (401, 403) and not options.headers:
        hint = "; pass credentials with --header"
    return (
        f"{tally.target}: no request was answered with success (2xx), so nothing was "
        f"tested (answers: {got}){hint}"
    )


def _shard_of(operations: list[Any], shard: Shard, notes: list[str]) -> list[Any]:
    """The operations of ``shard``, whole resources (:mod:`~driftguard.fuzzing.shards`)."""
    taken = [operation for operation in operations if shard.holds(operation.label)]
    notes.append(
        f"shard {shard}: {len(taken)} of {len(operations)} operations "
        "(whole resources, chosen by a hash of their path)"
    )
    return taken


def _safe_only(operations: list[Any], notes: list[str], *, explicit: bool) -> list[Any]:
    """The operations a live service may be sent without risk to its data."""
    unsafe = [op.label for op in operations if op.method.upper() not in SAFE_METHODS]
    if unsafe and explicit:
        raise UsageError(
            f"{unsafe[0]} changes data on a live service: pass --allow-unsafe (or set "
            "[tool.driftguard.fuzz] allow_unsafe = true) to fuzz it"
        )
    if unsafe:
        notes.append(
            f"skipped {len(unsafe)} operation(s) that change data on a live service "
            f"({', '.join(unsafe)}): pass --allow-unsafe to fuzz them"
        )
    return [op for op in operations if op.method.upper() in SAFE_METHODS]


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
