"""Splitting a fuzz run's operations: ``--shard I/N`` across machines, ``--workers N`` across
processes.

Both split by *resource*, not by operation: the path up to its first parameter
(``/notes/{note_id}`` and ``/notes`` are both ``/notes``). The operations of one resource
share the target's state (a ``POST /notes`` gives ``GET /notes/{note_id}`` something to find,
the use-after-delete probe needs the create, the read and the delete together), so they are
always fuzzed together and in the document's order, as in a run that is not split.

A shard is chosen by a hash of the resource, never by position: adding an operation moves
nothing else, and a new resource lands in one shard without moving the others. Each
operation's requests depend only on the run's seed and its label, so for one seed the
shards' findings together are the findings of the whole run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from driftguard._errors import UsageError

__all__ = ["Shard", "by_resource", "parse_shard", "resource", "spread"]

T = TypeVar("T")

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """The ``index``-th of ``count`` shares of a run, 1-based as written: ``2/3``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, label: str) -> bool:
        """Whether the operation ``METHOD /path`` belongs to this shard."""
        digest = hashlib.sha256(resource(label).encode("utf-8", "surrogatepass")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1


def parse_shard(text: str | Shard | None, *, where: str = "--shard") -> Shard | None:
    """``"2/3"`` as a :class:`Shard`; a :class:`UsageError` saying what is wrong otherwise."""
    if text is None or isinstance(text, Shard):
        return text
    match = _SHARD.match(str(text))
    if match is None:
        raise UsageError(f"{where} {text!r} is not I/N (e.g. 2/3: the second of three shards)")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise UsageError(f"{where} {text!r}: I must be between 1 and N (got {index}/{count})")
    return Shard(index, count)


def resource(label: str) -> str:
    """``POST /notes`` and ``GET /notes/{note_id}`` -> ``/notes``: the path before its first
    parameter, without a trailing slash."""
    path = label.split(" ", 1)[-1]
    static = path.split("{", 1)[0]
    if "{" in path:
        static = static.rsplit("/", 1)[0]  # a segment such as /files/{name}.txt
    return static.rstrip("/") or "/"


def by_resource(items: Sequence[T], label: Callable[[T], str]) -> list[list[T]]:
    """``items`` grouped by resource, groups in order of first appearance, items in order."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(resource(label(item)), []).append(item)
    return list(groups.values())


def spread(items: Sequence[T], label: Callable[[T], str], workers: int) -> list[list[T]]:
    """``items`` dealt to ``workers`` processes, whole resources each, about as many
    operations each: the biggest resources first, each to the least loaded worker (the
    first of equals). Deterministic, so a seeded run sends the same requests every time;
    each worker keeps the document's order. Workers left without work are dropped."""
    groups = by_resource(items, label)
    order = {id(item): position for position, item in enumerate(items)}
    shares: list[list[T]] = [[] for _ in range(max(1, workers))]
    for group in sorted(groups, key=lambda g: -len(g)):  # stable: equals keep their order
        min(shares, key=len).extend(group)
    return [sorted(share, key=lambda item: order[id(item)]) for share in shares if share]
