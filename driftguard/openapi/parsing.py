"""Bytes to plain JSON data: JSON or YAML, refusing what the rest of driftguard cannot hold.

A document under review may come from an untrusted pull request, so parsing is where absurd
input stops, with one :class:`~driftguard.LoadError` naming the file: YAML alias bombs
(more than :data:`MAX_NODES` values once aliases are expanded), nesting deeper than
:data:`MAX_DEPTH` (the comparison walks schemas recursively), integers longer than Python
converts to text. Keys written twice are not an error (the last one is used, as every
parser does) but the caller hears of each one, as a note, since the first value vanished.

YAML is read by :mod:`~driftguard.openapi.yaml_loader` and made JSON data by
:mod:`~driftguard.openapi.yaml_data`.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from driftguard._errors import LoadError, first_line

__all__ = ["MAX_DEPTH", "MAX_NODES", "check_depth", "parse_document", "too_deep"]

MAX_NODES = 5_000_000
# Real specifications nest a few dozen levels (Stripe: 23), generated ones may nest hundreds.
# The comparison recurses through schemas, a few frames a level, on the deep stack of
# driftguard._deep (DEPTH frames): this many levels of JSON keep well within it.
MAX_DEPTH = 5_000
_MAX_NOTES = 20


def parse_document(
    text: str | bytes,
    *,
    where: str,
    yaml_allowed: bool = True,
    notes: list[str] | None = None,
    check_nesting: bool = True,
) -> Any:
    """Parse JSON (or YAML when allowed) into plain JSON data, refusing absurd documents.

    A key written twice in one object is reported into ``notes`` (when given), with the
    line of its later occurrence, whose value is the one kept. ``check_nesting=False``
    leaves JSON's depth limit (:func:`check_depth`) to the caller, for one that walks the
    whole document anyway before anything recurses into it (:class:`Spec` does).
    """
    with _collector_paused():
        return _parse(text, where, yaml_allowed, notes, check_nesting)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a document is parsed: parsing makes a million
    objects that live as long as the document (and YAML's nodes on the way), so every pass
    of the collector meanwhile walks all of them again and frees nothing. That was two
    thirds of the time of a big YAML document (2.0 s of 2.6 s for Stripe's pair)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _parse(
    text: str | bytes, where: str, yaml_allowed: bool, notes: list[str] | None, nesting: bool
) -> Any:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoadError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")) or not yaml_allowed:
        try:
            data, repeated = _load_json(text, want_repeats=notes is not None)
        except json.JSONDecodeError as exc:
            if not yaml_allowed:
                raise LoadError(
                    f"{where}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
                ) from None
            # JSON-looking YAML ({a: 1}) is still YAML; fall through.
        except RecursionError:
            raise too_deep(where) from None
        except ValueError as exc:
            raise _bad_number(where, text, exc) from None
        else:
            if nesting:
                check_depth(data, where)
            if repeated and notes is not None:
                notes.extend(_json_repeats(text, where))
            return data
    return _load_yaml(text, where, notes)


def _load_json(text: str, *, want_repeats: bool) -> tuple[Any, bool]:
    """The data, and whether some object wrote a key twice (found at C speed: the hook
    only compares two lengths, and costs about 1% of a Stripe-sized diff)."""
    if not want_repeats:
        return json.loads(text), False
    repeated = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        result = dict(pairs)
        if len(result) != len(pairs):
            repeated = True
        return result

    return json.loads(text, object_pairs_hook=pairs_hook), repeated


def check_depth(data: Any, where: str) -> None:
    """Refuse JSON data nested deeper than :data:`MAX_DEPTH`, one level at a time (no
    recursion, so the check itself cannot overflow). Also for documents parsed elsewhere
    (a snapshot's, read by the snapshot store)."""
    level = [data]
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise too_deep(where)
        below: list[Any] = []
        add = below.append
        for node in level:  # only dicts and lists get here
            values = node.values() if type(node) is dict else node
            for value in values:
                kind = type(value)
                if kind is dict or kind is list:
                    add(value)
        level = below


_JSON_STRUCTURE = re.compile(r'["{}\[\],]')
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]  # (C speed, untyped)


def _json_repeats(text: str, where: str) -> list[str]:
    """Notes for every key written twice in an object of valid JSON ``text``, with paths
    and lines. Only called when a repeat is known to exist; it walks the text once, without
    recursion (structural characters only; strings are skipped by the json module)."""
    found: list[tuple[str, int]] = []
    # Per open container: its keys so far (None for an array) and the current key/index.
    stack: list[tuple[dict[str, int] | None, list[Any]]] = []
    expect_key = False
    pos = 0
    while (match := _JSON_STRUCTURE.search(text, pos)) is not None:
        char, start = match.group(), match.start()
        pos = start + 1
        if char == '"':
            value, pos = _scanstring(text, pos)
            if expect_key and stack:
                keys, current = stack[-1]
                if keys is not None:
                    if value in keys:
                        path = [*(c[0] for _, c in stack[:-1]), value]
                        found.append((_dotted(path), text.count("\n", 0, start) + 1))
                    keys[value] = start
                    current[0] = value
                expect_key = False
        elif char == "{":
            stack.append(({}, [None]))
            expect_key = True
        elif char == "[":
            stack.append((None, [0]))
        elif char in "}]":
            stack.pop()
        elif stack:  # a comma
            keys, current = stack[-1]
            if keys is None:
                current[0] += 1
            else:
                expect_key = True
    return _repeat_notes(where, found)


def _repeat_notes(where: str, found: list[tuple[str, int]]) -> list[str]:
    notes = []
    counts: dict[str, int] = {}
    for path, _ in found:
        counts[path] = counts.get(path, 1) + 1
    last: dict[str, int] = dict(found)  # the line of the last repeat of each key
    for path, line in last.items():
        times = counts[path]
        said = "twice" if times == 2 else f"{times} times, the last"
        # line 0: two YAML keys (1 and '1') that are one key in JSON
        at = f"at line {line}" if line else "(written as different YAML values)"
        notes.append(f"{where}: key '{path}' appears {said} {at}; the last one is used")
    if len(notes) > _MAX_NOTES:
        extra = len(notes) - _MAX_NOTES
        notes = [*notes[:_MAX_NOTES], f"{where}: {extra} more keys appear more than once"]
    return notes


def _dotted(path: list[Any]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def too_deep(where: str) -> LoadError:
    return LoadError(f"{where}: nested too deeply (more than {MAX_DEPTH} levels); refusing it")


def _bad_number(where: str, text: str, exc: ValueError) -> LoadError:
    """Python converts at most ``sys.get_int_max_str_digits()`` digits to an int (4300)."""
    limit = sys.get_int_max_str_digits()
    if not limit or "digits" not in str(exc):
        return LoadError(f"{where}: invalid number: {first_line(str(exc))}")
    match = re.search(rf"[0-9]{{{limit + 1},}}", text)
    at = f" at line {text.count(chr(10), 0, match.start()) + 1}" if match else ""
    return LoadError(f"{where}: an integer{at} has more than {limit} digits; refusing it")


def _load_yaml(text: str, where: str, notes: list[str] | None) -> Any:
    import yaml

    from driftguard.openapi.yaml_data import yaml_data

    try:
        return yaml_data(text, where, notes)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LoadError(f"{where}: invalid YAML{at}: {problem}") from None
    except RecursionError:
        raise too_deep(where) from None
    except ValueError as exc:  # a constructor's int(): too long, or !!int on a non-number
        raise _bad_number(where, text, exc) from None
