"""What a fuzz run works on, before and while it sends: the plan and the session.

:func:`plan` resolves the target and reads its document into schemathesis' schema, then
chooses the operations (``--operation``, only safe methods on a live service unless
``--allow-unsafe``, the shard of ``--shard``) and the seed; nothing is sent. A worker
process plans the same way and fuzzes its share (:mod:`~driftguard.fuzzing.workers`).
:func:`open_session` adds what sending needs: the server of ``--serve``, the sender, the
judge, and the :class:`~driftguard.fuzzing.engine.Run` that drives them.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import schemathesis

from driftguard._config import Config
from driftguard._errors import UsageError, one_line
from driftguard._http import SAFE_METHODS
from driftguard.fuzzing.engine import Progress, Run
from driftguard.fuzzing.judge import CHECKS_CONFIG, Judge
from driftguard.fuzzing.options import FuzzOptions
from driftguard.fuzzing.reproduce import IN_PROCESS_REPLAY_URL
from driftguard.fuzzing.serve import served
from driftguard.fuzzing.shards import Shard
from driftguard.fuzzing.target import base_url as target_base_url
from driftguard.fuzzing.target import resolve
from driftguard.fuzzing.transport import Sender
from driftguard.openapi.sources import app_spec, load_spec
from driftguard.targets import Target

__all__ = ["Plan", "Session", "open_session", "plan"]


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
