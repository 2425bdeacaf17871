"""Stateful checks: what a stored write does to the reads that serve it, and real ids.

A request can be accepted and still poison the service: ``1e400`` read by Python's JSON parser
as infinity, stored, and from then on every ``GET /items`` answers 500, for every user. So after
an accepted write (POST, PUT, PATCH answered 2xx) the reads that could serve it are sent again:
the created resource's GET (its id from the write's answer, into ``GET /x/{id}`` whether or not
the document declares an OpenAPI link) and the collection's list. A read that answered well
before, and now answers 5xx or breaks its documented response schema, is
``stored-input-breaks-read``, on the write operation: one cause per (write, read).

"Before" is a baseline: a list is read once when a write operation starts (and when a
sequence is about to write again); a resource's GET counts once it has answered well for an
earlier write of the same operation. A read that fails at its baseline was broken by something
else, and is not this operation's to report.

The cost stays bounded: the reads are sent again only after a write whose request carried a
kind of value (per field: zero, a negative, a 4-digit number, infinity, NaN, an empty, long or
NUL-holding text...) not yet seen written safely, and for at most :data:`MAX_REREADS` writes per
operation; a (write, read) pair is dropped once reported.

:func:`follow_links` runs the sequences no generated request reaches: for every ``POST /x``
whose answer names an id, the ``GET``, ``PUT``, ``PATCH`` and ``DELETE`` of ``/x/{id}`` with
that id (a PUT or PATCH with its valid body, then with its body's boundary values), each judged
like any request, so that a crash reachable only with a real id is found.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import (
    CaseMetadata,
    ComponentInfo,
    CoverageScenario,
    GenerationInfo,
    PhaseInfo,
)

from driftguard._http import PATH_PARAMETER
from driftguard.fuzzing.boundaries import _parts, boundary_cases
from driftguard.fuzzing.causes import json_leaves
from driftguard.fuzzing.evidence import Cause, Evidence
from driftguard.fuzzing.judge import check_context
from driftguard.fuzzing.scenarios import resource_id
from driftguard.fuzzing.transport import Exchange, Request

if TYPE_CHECKING:
    from driftguard.fuzzing.engine import Run

__all__ = ["MAX_REREADS", "Read", "Rereads", "follow_links", "kinds", "reads_of"]

# Writes per operation after which the reads are sent again, at most.
MAX_REREADS = 20
WRITES = frozenset({"POST", "PUT", "PATCH"})
# What a read that breaks shows: a crash, or an answer its own schema refuses.
_BREAKS = frozenset({"server-error", "response-schema-violation"})
# The item operations a created resource is sent through, in this order (DELETE last).
_FOLLOWED = ("GET", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Read:
    """A read that could serve a write: a list, or the written resource's own GET."""

    label: str  # "GET /items/{item_id}"
    parameter: str | None = None  # the path parameter that takes the resource's id


def _operation(paths: Mapping[str, Any], method: str, path: str) -> Mapping[str, Any] | None:
    item = paths.get(path)
    if not isinstance(item, Mapping) or not isinstance(item.get(method.lower()), Mapping):
        return None
    return item


def _required(item: Mapping[str, Any], method: str) -> set[str]:
    """The required query, header and cookie parameters of an operation (not path ones)."""
    declared = [*(item.get("parameters") or []), *(item[method.lower()].get("parameters") or [])]
    return {
        str(p.get("name"))
        for p in declared
        if isinstance(p, Mapping) and p.get("required") and p.get("in") != "path"
    }


def item_paths(paths: Mapping[str, Any], collection: str) -> Iterator[tuple[str, str]]:
    """(path, parameter) of every ``collection/{parameter}`` path of the document."""
    parent = collection.rstrip("/")
    for path in paths:
        head, _, last = path.rstrip("/").rpartition("/")
        match = PATH_PARAMETER.fullmatch(last)
        if head == parent and match is not None:
            yield path, match.group(1)


def _lists(paths: Mapping[str, Any], collection: str) -> list[Read]:
    found = []
    for path in dict.fromkeys((collection, collection.rstrip("/"), collection.rstrip("/") + "/")):
        item = _operation(paths, "GET", path)
        if item is not None and path and not _required(item, "GET"):
            found.append(Read(f"GET {path}"))
    return found


def reads_of(spec: Mapping[str, Any], label: str) -> list[Read]:
    """The reads that could serve a write ``label``: the written resource's GET, then the list.

    ``POST /x`` is read back through ``GET /x/{id}`` and ``GET /x``; ``PUT /x/{id}`` (or PATCH)
    through ``GET /x/{id}`` and ``GET /x``. Reads that need a parameter nobody can supply
    (a required query parameter) are left out.
    """
    method, _, path = label.partition(" ")
    paths = spec.get("paths") or {}
    if method not in WRITES or not isinstance(paths, Mapping):
        return []
    items: list[Read] = []
    if method == "POST":
        collection = path
        for item_path, parameter in item_paths(paths, path):
            item = _operation(paths, "GET", item_path)
            if item is not None and not _required(item, "GET"):
                items.append(Read(f"GET {item_path}", parameter))
    else:
        head, _, last = path.rstrip("/").rpartition("/")
        match = PATH_PARAMETER.fullmatch(last)
        if match is None:
            return []
        collection = head or "/"
        item = _operation(paths, "GET", path)
        if item is not None and not _required(item, "GET"):
            items.append(Read(f"GET {path}", match.group(1)))
    return [*items, *_lists(paths, collection)]


def kinds(request: Request) -> frozenset[tuple[str, str]]:
    """The kinds of value a request carried, per query parameter and JSON body field."""
    found = {(f"query {name}", _text_kind(value)) for name, value in request.query}
    if request.body:
        try:
            body = json.loads(request.body)  # reads NaN, Infinity and 1e400 as Python does
        except ValueError:
            found.add(("body", "not JSON"))
        else:
            found.update((f"body {where}", _kind(leaf)) for where, leaf in json_leaves(body))
    return frozenset(found)


def _kind(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "infinity" if value > 0 else "-infinity"
        if value == 0:
            return "zero"
        digits = len(str(int(abs(value))))
        fraction = " fraction" if isinstance(value, float) and not value.is_integer() else ""
        return f"{'-' if value < 0 else '+'}{min(digits, 20)} digits{fraction}"
    if isinstance(value, str):
        return _text_kind(value)
    return "empty list" if isinstance(value, list) else "empty object"


def _text_kind(text: str) -> str:
    if not text:
        return "empty text"
    if "\x00" in text:
        return "text with NUL"
    if len(text) > 255:
        return "long text"
    if not text.isascii():
        return "non-ASCII text"
    return "text" if text.isprintable() else "text with control characters"


@dataclass
class _Pair:
    """A (write, read) pair: whether the read has answered well, and whether it is done."""

    proven: bool = False  # answered well at its baseline or after a write
    done: bool = False  # reported, or failing at its baseline: not re-read again


@dataclass
class Rereads:
    """Which reads to send again after which writes, and what they answered so far."""

    spec: Mapping[str, Any]
    enabled: bool = True
    sent: int = 0  # requests sent for the stateful checks (reads, and sequences in follow_links)
    _reads: dict[str, list[Read]] = field(default_factory=dict)
    _pairs: dict[tuple[str, str], _Pair] = field(default_factory=dict)
    _safe: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # kinds written safely
    _rounds: dict[str, int] = field(default_factory=dict)  # writes re-read, per operation

    def reads(self, label: str) -> list[Read]:
        if not self.enabled:
            return []
        if label not in self._reads:
            self._reads[label] = reads_of(self.spec, label)
        return self._reads[label]

    def _pair(self, write: str, read: Read) -> _Pair:
        return self._pairs.setdefault((write, read.label), _Pair())

    def baseline(self, run: Run, label: str) -> None:
        """Read every list of write ``label`` once, before its writes: the clean baseline."""
        for read in self.reads(label):
            pair = self._pair(label, read)
            if read.parameter is not None or read.label not in run.operations or pair.done:
                continue
            answer = _read(run, read, {})
            if answer is not None:
                exchange, causes = answer
                pair.proven, pair.done = exchange.succeeded and not causes, bool(causes)

    def after_write(
        self, run: Run, operation: Any, case: Any, write: Exchange, before: Sequence[Exchange]
    ) -> None:
        """Send the reads of an accepted write again; a read it broke is a finding."""
        label = operation.label
        if operation.method.upper() not in WRITES or not write.succeeded:
            return
        pending = [r for r in self.reads(label) if not self._pair(label, r).done]
        wrote = kinds(write.request)
        safe = self._safe.setdefault(label, set())
        if not pending or wrote <= safe or self._rounds.get(label, 0) >= MAX_REREADS:
            return
        self._rounds[label] = self._rounds.get(label, 0) + 1
        values = dict(case.path_parameters or {})
        broke = False
        for read in pending:
            if read.label not in run.operations:
                continue
            answer = _read(run, read, _parameters(read, values, write))
            if answer is None:
                continue
            exchange, causes = answer
            pair = self._pair(label, read)
            if not causes:
                pair.proven = pair.proven or exchange.succeeded
                continue
            broke = True
            if pair.proven:
                pair.done = True
                cause = _broken(read, exchange, causes[0], write)
                evidence = Evidence(
                    cause, exchange, "probe", before=(*before, write), request_of=write
                )
                run.collector.add(label, evidence)
        if not broke:
            safe.update(wrote)


def _parameters(read: Read, values: Mapping[str, Any], write: Exchange) -> dict[str, Any] | None:
    """The read's path parameters: the write's own, and the written resource's id."""
    if read.parameter is None:
        return {}
    if read.parameter in values:  # a PUT or PATCH of the resource itself
        return dict(values)
    identifier = resource_id(write.json(), read.parameter)
    return None if identifier is None else {**values, read.parameter: identifier}


def _read_meta() -> CaseMetadata:
    """A read sent again is a valid request of the documented shape."""
    return CaseMetadata(
        generation=GenerationInfo(time=0.0, mode=GenerationMode.POSITIVE),
        components={
            where: ComponentInfo(mode=GenerationMode.POSITIVE) for where in ParameterLocation
        },
        phase=PhaseInfo.coverage(CoverageScenario.DEFAULT_POSITIVE_TEST, "read after a write"),
    )


def _read(
    run: Run, read: Read, parameters: dict[str, Any] | None
) -> tuple[Exchange, list[Cause]] | None:
    """Send a read; its answer and what breaks in it (a crash, a schema violation)."""
    if parameters is None:
        return None
    operation = run.operations[read.label]
    case = operation.Case(path_parameters=parameters, media_type=None, _meta=_read_meta())
    prepared, request = run.prepare(case)
    exchange = run.sender.send(request)
    run.rereads.sent += 1
    context = check_context(operation, run.options.headers)
    causes = run.judge.causes(operation, case, context, prepared, exchange, [])
    return exchange, [cause for cause in causes if cause.id in _BREAKS]


def _broken(read: Read, exchange: Exchange, cause: Cause, write: Exchange) -> Cause:
    said = str(cause.details.get("cause", cause.location))
    if cause.id == "response-schema-violation":
        said = f"answered {exchange.status}: {said}"
    elif exchange.error is not None:
        said = f"failed: {said}"
    return Cause(
        "stored-input-breaks-read",
        f"read {read.label}",
        {
            "read": read.label,
            "status": exchange.status or None,
            "write_status": write.status,
            "cause": said,
        },
    )


def follow_links(run: Run) -> None:
    """Send each created resource's id through the item operations of its collection."""
    paths = run.spec.get("paths") or {}
    for create_label, state in list(run.states.items()):
        method, _, collection = create_label.partition(" ")
        if method != "POST" or state.accepted is None:
            continue
        for item_path, parameter in item_paths(paths, collection):
            followers = [
                f"{m} {item_path}"
                for m in _FOLLOWED
                if f"{m} {item_path}" in run.operations
                and run.states.get(f"{m} {item_path}") is not None
                and run.states[f"{m} {item_path}"].base is not None
            ]
            if followers:
                _follow(run, state.accepted, parameter, followers)


def _follow(run: Run, create: Request, parameter: str, followers: list[str]) -> None:
    from driftguard.fuzzing.engine import OutOfTime

    if run.out_of_time():
        raise OutOfTime
    created = run.sender.send(create)
    identifier = resource_id(created.json(), parameter) if created.succeeded else None
    if identifier is None:
        return
    for label in followers:
        if run.out_of_time():
            raise OutOfTime
        operation, state = run.operations[label], run.states[label]
        context = check_context(operation, run.options.headers)
        base = state.base
        values = {**(base.path_parameters or {}), parameter: identifier}
        case = operation.Case(
            **_parts(base, path_parameters=values), media_type=base.media_type, _meta=base._meta
        )
        if operation.method.upper() in WRITES:
            run.rereads.baseline(run, label)
        run.exercise(operation, case, context, origin="probe", before=(created,))
        if operation.method.upper() not in WRITES:
            continue
        for edge in boundary_cases(operation, case):
            if edge.case.path_parameters != case.path_parameters:
                continue  # the id stays the real one
            if run.out_of_time():
                raise OutOfTime
            run.exercise(
                operation, edge.case, context, origin="probe", boundary=edge, before=(created,)
            )
