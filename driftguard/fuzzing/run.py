"""``driftguard fuzz``: generated requests that find validation gaps and contract violations.

:func:`fuzz` resolves its options, fuzzes the target to a tally in this process
(:func:`~driftguard.fuzzing.tally.collect`: the session, every operation, the scenarios) or
in several (:mod:`~driftguard.fuzzing.workers`), and draws one report up from it: one
finding per cause, each with a reproduction, notes that say what was and was not tested, the
configuration's policy applied once. A run in which nothing was answered 2xx is an error,
not a clean pass.

Requests are serialised by schemathesis and sent by :class:`~driftguard.fuzzing.transport.Sender`
(httpx, in-process or over HTTP), so the reproduction shows the exact bytes that went out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from driftguard._config import Config
from driftguard._errors import TargetError
from driftguard.findings import RunInfo, Severity
from driftguard.fuzzing.engine import Progress
from driftguard.fuzzing.options import FuzzOptions, HeaderInput, resolve_options
from driftguard.fuzzing.shards import Shard
from driftguard.fuzzing.tally import Tally, collect
from driftguard.policy import apply_policy
from driftguard.report import Report
from driftguard.targets import Target

__all__ = ["fuzz"]


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
        from driftguard.fuzzing.workers import fuzz_in_workers  # (subprocess: loaded when used)

        tally = fuzz_in_workers(target, options, config, progress)
    else:
        tally = collect(target, options, config, progress)
    return _conclude(tally, options, config, (info, finish, began))


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
    # (a budget spent before the first operation began leaves no operation counted at all)
    starved = tally.budget_spent and tally.operations and not tally.successes
    if ((never and len(never) == len(tally.successes)) or starved) and Severity.BREAKING not in {
        f.severity for f in findings
    }:
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
    if tally.budget_spent:  # the budget, not the service, is why
        hint = f"; the time budget of {options.time_budget:g}s ran out first: give it more"
    return (
        f"{tally.target}: no request was answered with success (2xx), so nothing was "
        f"tested (answers: {got}){hint}"
    )
