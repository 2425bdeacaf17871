"""The line of a JSON pointer in a document's text: only for reports that point at lines.

Loading keeps no positions (``json.loads`` has none, and keeping them would slow every
run), so the few reports that need lines (``--format github`` annotations, a handful per
run) read the text again and ask for the pointers they want, all at once:

- JSON: a scanner that walks the text only along the requested pointers. Every other value
  is skipped by the json module's C scanner, so a lookup costs less than one ``json.loads``
  of the text (Stripe's 4.2 MB, 60 pointers: 11 ms, ``json.loads`` 17 ms), where libyaml's
  composer, which reports marks for JSON too, needs 0.7 s (0.5 to 1.5) to build its nodes.
- YAML: libyaml's composer; each node's ``start_mark`` is its position. YAML documents are
  small (the composer reads a 240 kB one in 20 ms), and merge keys and aliases are followed
  as the loader follows them.

A pointer that is not in the text has the line of its nearest ancestor that is: a report
always gets a line, at worst line 1.
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["Pointer", "lines_of"]

Pointer = tuple[str, ...]  # unescaped tokens: ("paths", "/users", "get")

_SPACE = re.compile(r"[ \t\n\r]*")
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]  # (C speed, untyped)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# The json module's value scanner (C): (value, end) of the JSON value at an offset.
_SKIP: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


class _Node:
    """A node of the trie of requested pointers, and where its value was found."""

    __slots__ = ("children", "line", "offset")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.offset: int | None = None  # JSON: where the key (or array item) starts
        self.line: int | None = None  # YAML: the line, from the composer's mark


def lines_of(text: str, pointers: Iterable[Pointer]) -> dict[Pointer, int]:
    """The line (1-based) of each pointer in ``text``, JSON or YAML: the line of its key in
    an object, of the item in an array; for a pointer that is not there, the line of its
    nearest ancestor that is."""
    wanted = list(dict.fromkeys(pointers))
    root = _Node()
    for pointer in wanted:
        node = root
        for token in pointer:
            node = node.children.setdefault(token, _Node())
    if text.lstrip().startswith(("{", "[")):
        try:
            _scan_json(text, root)
        except (ValueError, IndexError, StopIteration, RecursionError):
            _scan_yaml(text, _reset(root))  # not JSON after all: JSON-looking YAML
        else:
            _json_lines(text, root)
    else:
        _scan_yaml(text, root)
    result = {}
    for pointer in wanted:
        node, line = root, root.line or 1
        for token in pointer:
            node = node.children[token]
            if node.line is None:
                break
            line = node.line
        result[pointer] = line
    return result


def _reset(root: _Node) -> _Node:
    stack = [root]
    while stack:
        node = stack.pop()
        node.offset = node.line = None
        stack.extend(node.children.values())
    return root


def _scan_json(text: str, root: _Node) -> None:
    """Record the offset of every requested node, entering only requested containers.

    The walk keeps its own stack (a pointer may be thousands of tokens deep) and hands
    every value it does not need to the C scanner, which returns where the value ends.
    """
    skip = _SKIP
    space = _SPACE.match
    pos = space(text, 0).end()  # type: ignore[union-attr]
    root.offset = pos
    if not root.children or text[pos] not in "{[":
        return
    # Open containers: (trie node, is an object, index of the next array item).
    stack: list[list[Any]] = [[root, text[pos] == "{", 0]]
    pos += 1
    while stack:
        pos = space(text, pos).end()  # type: ignore[union-attr]
        char = text[pos]
        if char in "}]":
            stack.pop()
            pos += 1
            continue
        if char == ",":
            pos = space(text, pos + 1).end()  # type: ignore[union-attr]
        frame = stack[-1]
        start = pos
        if frame[1]:
            if text[pos] != '"':
                raise ValueError(f"expected a key at {pos}")
            key, pos = _scanstring(text, pos + 1)
            pos = space(text, pos).end()  # type: ignore[union-attr]
            if text[pos] != ":":
                raise ValueError(f"expected ':' at {pos}")
            pos = space(text, pos + 1).end()  # type: ignore[union-attr]
        else:
            key = str(frame[2])
            frame[2] += 1
        child = frame[0].children.get(key)
        if child is not None:
            child.offset = start  # a key written twice: the last one, as the loader keeps
            if child.children and text[pos] in "{[":
                stack.append([child, text[pos] == "{", 0])
                pos += 1
                continue
        pos = skip(text, pos)[1]


def _json_lines(text: str, root: _Node) -> None:
    """Offsets to lines, counting newlines once from the first offset to the last."""
    found: list[_Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.offset is not None:
            found.append(node)
        stack.extend(node.children.values())
    found.sort(key=lambda node: node.offset or 0)
    line, at = 1, 0
    for node in found:
        offset = node.offset or 0
        line += text.count("\n", at, offset)
        at = offset
        node.line = line


def _scan_yaml(text: str, root: _Node) -> None:
    """Lines from libyaml's nodes, following only the requested pointers."""
    from driftguard.openapi.yaml_loader import compose_yaml

    try:
        document = compose_yaml(text)
    except Exception:  # positions are a courtesy: an unreadable text has only line 1
        return
    if document is None:
        return
    root.line = document.start_mark.line + 1
    stack: list[tuple[_Node, Any]] = [(root, document)]
    while stack:
        trie, yaml_node = stack.pop()
        for token, child in trie.children.items():
            found = _yaml_child(yaml_node, token)
            if found is not None:
                mark, value = found
                child.line = mark.line + 1
                if child.children:
                    stack.append((child, value))


def _yaml_child(node: Any, token: str) -> tuple[Any, Any] | None:
    """(the mark to report, the value node) of ``token`` in a mapping or sequence node,
    looking into ``<<`` merge keys as the loader does (a key of the mapping itself wins)."""
    from yaml import MappingNode, ScalarNode, SequenceNode

    if isinstance(node, SequenceNode):
        if token.isdigit() and int(token) < len(node.value):
            item = node.value[int(token)]
            return item.start_mark, item
        return None
    seen: set[int] = set()
    pending = [node]
    while pending:
        mapping = pending.pop(0)
        if not isinstance(mapping, MappingNode) or id(mapping) in seen:
            continue
        seen.add(id(mapping))
        merged: list[Any] = []
        found = None
        for key, value in mapping.value:
            if not isinstance(key, ScalarNode):
                continue
            if key.tag == _MERGE_TAG:
                merged.extend(value.value if isinstance(value, SequenceNode) else [value])
            elif key.value == token:
                found = (key.start_mark, value)  # the last of a key written twice
        if found is not None:
            return found
        pending.extend(merged)
    return None
