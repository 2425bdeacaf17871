"""Field paths inside a response (``$.lines[*].unit_price``) and the ignore patterns over them.

A path is a tuple of segments: a field name, :data:`ITEMS` for "every item of an array", or
:data:`WILDCARD` for "every value of a map" (written ``$.rates.*``; a key that is itself
``*`` is written the same way).
Shapes never keep array indexes, so ``[0]`` in a pattern means the same as ``[*]``. Patterns
are the JSONPath subset users write in ``ignore``: ``$..created_at`` (the field at any depth),
``$.items[*].id``, ``$.rates.*`` (every key of an object), ``$['odd key']``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from driftguard._errors import UsageError

__all__ = ["ITEMS", "WILDCARD", "Path", "PathMatcher", "parse_path", "render_path"]

ITEMS: Final = None
WILDCARD: Final = "*"
Segment = str | None
Path = tuple[Segment, ...]

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TOKEN = re.compile(
    r"""(?P<dots>\.\.?)(?P<name>[^.\[\]]+)?"""
    r"""|\[(?:(?P<star>\*)|(?P<index>-?\d+)|'(?P<sq>(?:[^'\\]|\\.)*)'|"(?P<dq>(?:[^"\\]|\\.)*)")\]"""
)


def render_path(path: Path) -> str:
    """``$.lines[*].unit_price``; names that are not identifiers are written ``['a b']``."""
    out = ["$"]
    for segment in path:
        if segment is ITEMS:
            out.append("[*]")
        elif segment == WILDCARD:  # the values of a map: ``$.rates.*``
            out.append(".*")
        elif _PLAIN.match(segment):
            out.append("." + segment)
        else:
            escaped = segment.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


def parse_path(text: str) -> Path:
    """The path :func:`render_path` wrote (``$.lines[*].unit_price``), back as segments.

    Raises ValueError for text that is not such a path (``..`` makes it a pattern).
    """
    try:
        steps = _parse(text) if text.strip() != "$" else ()
    except UsageError as exc:
        raise ValueError(str(exc)) from None
    if not text.strip().startswith("$") or any(deep for deep, _ in steps):
        raise ValueError(f"{text!r} is a pattern, not a path")
    return tuple(segment for _, segment in steps)


_Step = tuple[bool, Segment]  # (any depth before it, segment or WILDCARD)


def _parse(pattern: str) -> tuple[_Step, ...]:
    text = pattern.strip()
    if not text.startswith("$"):
        # A bare field name is the field wherever it appears, the common case.
        text = "$.." + text if text else text
    if not text:
        raise UsageError("empty ignore path")
    steps: list[_Step] = []
    position = 1
    deep = False
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise UsageError(
                f"ignore path {pattern!r}: cannot read it at {text[position:]!r} "
                "(write e.g. $..created_at or $.items[*].id)"
            )
        position = match.end()
        if match.group("dots") is not None:
            deep = match.group("dots") == ".."
            name = match.group("name")
            if name is None:
                continue  # '..' directly followed by '[...]'
            steps.append((deep, name))
            deep = False
        elif match.group("star") is not None or match.group("index") is not None:
            steps.append((deep, ITEMS))
            deep = False
        else:
            quoted = match.group("sq") if match.group("sq") is not None else match.group("dq")
            steps.append((deep, re.sub(r"\\(.)", r"\1", quoted)))
            deep = False
    if not steps:
        raise UsageError(f"ignore path {pattern!r} names nothing below '$'")
    return tuple(steps)


class PathMatcher:
    """Whether a field path is ignored; answers are cached because a shape asks per field."""

    __slots__ = ("_cache", "_patterns")

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self._patterns = tuple(_parse(p) for p in patterns)
        self._cache: dict[Path, bool] = {}

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def __call__(self, path: Path) -> bool:
        if not self._patterns:
            return False
        hit = self._cache.get(path)
        if hit is None:
            hit = any(_matches(steps, 0, path, 0) for steps in self._patterns)
            self._cache[path] = hit
        return hit

    @classmethod
    def of(cls, ignore: PathMatcher | Sequence[str]) -> PathMatcher:
        return ignore if isinstance(ignore, PathMatcher) else cls(ignore)


def _matches(steps: tuple[_Step, ...], i: int, path: Path, j: int) -> bool:
    if i == len(steps):
        return j == len(path)
    deep, want = steps[i]
    last = len(path) if deep else min(j + 1, len(path))
    for k in range(j, last):
        segment = path[k]
        if _segment_matches(want, segment) and _matches(steps, i + 1, path, k + 1):
            return True
    return False


def _segment_matches(want: Segment, segment: Segment) -> bool:
    if want is ITEMS:
        return segment is ITEMS
    if want == WILDCARD:
        return segment is not ITEMS
    return want == segment
