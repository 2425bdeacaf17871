"""YAML to plain JSON data, refusing alias bombs and deep nesting (see :mod:`.parsing`).

Two ways lead there, through one walk (:func:`_rebuild`) that holds the limits:

- the fast way, for the YAML specifications are written in: libyaml composes the node
  graph (:func:`~driftguard.openapi.yaml_loader.compose_yaml`) and the walk builds JSON
  data straight from its nodes, each scalar made by the loader's own constructor for its
  tag. PyYAML's constructor, and a second walk over what it built, are skipped: three
  times faster on a 3 MB document.
- the exact way, for anything else: PyYAML's constructor builds the data
  (:func:`~driftguard.openapi.yaml_loader.load_yaml`), then the walk rebuilds it.

The fast way only ever returns what the exact way would. Whatever it does not take on
(merge keys, tags other than the JSON ones, keys that are not scalars or that two keys
write alike, a mapping that writes a key twice) and whatever fails in it (a limit, a number
a constructor refuses) is left to the exact way, which says what is wrong as it always has.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

from driftguard._errors import LoadError
from driftguard.openapi.parsing import MAX_DEPTH, MAX_NODES, _dotted, _repeat_notes, too_deep
from driftguard.openapi.yaml_loader import Repeats, compose_yaml, load_yaml, scalar_constructors

__all__ = ["yaml_data"]

# (is it a mapping, its (key, child) pairs): how the walk reads a container
Children = Callable[[Any], tuple[bool, Iterator[tuple[Any, Any]]]]


def yaml_data(text: str, where: str, notes: list[str] | None) -> Any:
    """The JSON data of a YAML document; the keys it writes twice are told into ``notes``.

    Raises PyYAML's errors, :class:`LoadError` for a limit, ``ValueError`` where a
    constructor's ``int()`` refuses a scalar.
    """
    node = compose_yaml(text)
    try:
        return _from_nodes(node, where, notes)
    except Exception:  # the exact way below says what it is, or takes on what this cannot
        pass
    data, repeats = load_yaml(text)
    return _rebuild(data, where, notes, repeats, (dict, list), _data_children, lambda v: v)


class _Beyond(Exception):
    """A node the fast way leaves to PyYAML's constructor."""


def _from_nodes(top: Any, where: str, notes: list[str] | None) -> Any:
    from yaml import CollectionNode, MappingNode, ScalarNode, SequenceNode

    constructors = scalar_constructors()
    map_tag, seq_tag = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
    str_tag = "tag:yaml.org,2002:str"

    def scalar(node: Any) -> Any:
        if type(node) is ScalarNode:
            if node.tag == str_tag:  # most of them: what its constructor returns
                return node.value
            make = constructors.get(node.tag)
            if make is not None:
                return make(node)
        raise _Beyond(node.tag)

    def children(node: Any) -> tuple[bool, Iterator[tuple[Any, Any]]]:
        if type(node) is MappingNode and node.tag == map_tag:
            pairs = {
                key.value if key.tag == str_tag and type(key) is ScalarNode else scalar(key): value
                for key, value in node.value
            }
            if len(pairs) != len(node.value):
                raise _Beyond("a key written twice, or two keys written alike")
            return True, iter(pairs.items())
        if type(node) is SequenceNode and node.tag == seq_tag:
            return False, enumerate(node.value)
        raise _Beyond(node.tag)

    if not isinstance(top, CollectionNode):
        raise _Beyond("not a mapping or a sequence")
    return _rebuild(top, where, notes, {}, CollectionNode, children, scalar)


def _data_children(node: Any) -> tuple[bool, Iterator[tuple[Any, Any]]]:
    if isinstance(node, dict):
        return True, iter(node.items())
    return False, enumerate(node)


class _Frame:
    """A container being rebuilt by :func:`_rebuild`: what it is, what is built so far."""

    __slots__ = ("depth", "height", "is_map", "items", "key", "node", "out", "total")

    def __init__(self, node: Any, depth: int, children: Children) -> None:
        self.node = node
        self.depth = depth
        self.is_map, self.items = children(node)
        self.out: Any = {} if self.is_map else []
        self.key: Any = None  # where the container being rebuilt below this one goes
        self.total = 1
        self.height = 1

    def put(self, key: Any, value: Any, size: int, height: int) -> None:
        if self.is_map:
            self.out[key] = value
        else:
            self.out.append(value)
        self.total += size
        if height >= self.height:
            self.height = height + 1


def _rebuild(
    top: Any,
    where: str,
    notes: list[str] | None,
    repeats: Repeats,
    containers: type | tuple[type, ...],
    children: Children,
    make: Callable[[Any], Any],
) -> Any:
    """Rebuild YAML's data (or nodes) as JSON data (string keys), keeping shared aliases
    shared: ``children`` reads a container, ``make`` a scalar's value.

    Counting values as if aliases were expanded is what stops a billion-laughs document:
    the count is computed per shared node once (memoised), so the check itself is cheap.
    The walk keeps its own stack (no recursion), and the height of each shared node, so
    that depth is checked wherever an alias puts it.
    """
    found: list[tuple[str, int]] = []
    memo: dict[int, tuple[Any, int, int]] = {}  # id -> (rebuilt, values, height)
    active: set[int] = set()
    stack: list[_Frame] = []

    def path(*more: Any) -> str:
        """Where the walk is: the key each open container is at, then ``more``."""
        return _dotted([*(frame.key for frame in stack), *more])

    def scalar(node: Any) -> Any:
        value = make(node)
        if type(value) is str:
            return value
        if type(value) is int:
            # YAML's 0x/0o integers have no length limit, but printing them has.
            limit = sys.get_int_max_str_digits()
            if limit and abs(value).bit_length() > 3 * limit and abs(value) >= 10**limit:
                raise LoadError(
                    f"{where}: the integer at {path()} has more than {limit} digits; refusing it"
                )
            return value
        if isinstance(value, str | int | float | bool | type(None)):
            return value
        return str(value)

    def enter(node: Any, depth: int) -> _Frame:
        key = id(node)
        if key in active:
            raise LoadError(f"{where}: recursive YAML alias (a node contains itself)")
        if depth > MAX_DEPTH:
            raise too_deep(where)
        active.add(key)
        for repeated, line in repeats.get(key, ()):
            found.append((path(repeated), line))
        return _Frame(node, depth, children)

    if not isinstance(top, containers):
        return scalar(top)
    stack.append(enter(top, 1))
    while True:
        frame = stack[-1]
        below = None
        out, is_map = frame.out, frame.is_map
        for key, value in frame.items:
            if is_map:
                if not isinstance(key, str):
                    key = _key_text(key)
                if key in out:  # 1 and '1': two YAML keys, one JSON key
                    frame.key = key
                    found.append((path(), 0))
            frame.key = key
            if isinstance(value, containers):
                hit = memo.get(id(value))
                if hit is None:
                    below = enter(value, frame.depth + 1)
                    break
                if frame.depth + hit[2] > MAX_DEPTH:
                    raise too_deep(where)
                frame.put(key, hit[0], hit[1], hit[2])
            else:  # frame.put(key, scalar(value), 1, 0), without the call
                if is_map:
                    out[key] = scalar(value)
                else:
                    out.append(scalar(value))
                frame.total += 1
        if below is not None:
            stack.append(below)
            continue
        stack.pop()
        if frame.total > MAX_NODES:
            raise LoadError(
                f"{where}: document expands to more than {MAX_NODES:,} values through YAML "
                "aliases; refusing it (an alias bomb?)"
            )
        active.discard(id(frame.node))
        memo[id(frame.node)] = (frame.out, frame.total, frame.height)
        if not stack:
            if found and notes is not None:
                notes.extend(_repeat_notes(where, found))
            return frame.out
        stack[-1].put(stack[-1].key, frame.out, frame.total, frame.height)


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
