"""Where a schema finding is in the source of a document: a file and a JSON pointer in it.

A finding names its place for people (``GET /users`` and ``response 200 application/json
/data/[]/name``, ``details["schema"]`` when it is inside a referenced component). A pull
request annotation needs the element in the file instead. This module walks the document
*as written* (read again, not bundled, references not inlined) along that place, and ends
on the most specific element it can reach:

- inside a component when the finding says so (``#/components/schemas/User`` + the path in
  it), since that is where the change was made, whichever operation showed it;
- else under the operation: ``/paths/<path>/<method>``, then its parameter (or the path
  item's), request body, response, header or media type, then the schema and the path in
  it. Every ``$ref`` met on the way is followed, into a component or into another file of
  the document's directory tree (a reference that cannot be followed ends the walk on the
  ``$ref`` itself);
- when a step finds nothing (the element was removed, or the spelling differs), the walk
  ends on the nearest element that exists, and says it is not exact.

A schema path step is a property name, ``[]`` (items), ``additionalProperties`` or a
composition branch (``oneOf[Cat]``, ``anyOf[0]``). Since the comparison reads schemas in
canonical form (single-branch compositions collapsed, ``allOf`` members merged, null
branches folded into ``nullable``), a step that the schema does not hold itself is looked
for in its composition branches too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from driftguard.findings import Finding
from driftguard.openapi.document import CALLBACKS, WEBHOOKS
from driftguard.openapi.keywords import PAIRED_SUBSCHEMAS, SUBSCHEMA_MAPS
from driftguard.openapi.positions import Pointer
from driftguard.openapi.refs import unescape
from driftguard.openapi.written import At, Document, Written, child

__all__ = ["Sources", "Spot"]

_BRANCH = re.compile(r"(allOf|anyOf|oneOf)\[(.*)\]\Z")
_COMPOSITIONS = ("allOf", "anyOf", "oneOf")
_KEYWORDS = ("[]", "additionalProperties", *PAIRED_SUBSCHEMAS)
_KEYED = re.compile(rf"({'|'.join(('prefixItems', *SUBSCHEMA_MAPS))})\[(.*)\]\Z")
_MAX_SCHEMAS = 64  # schemas searched for one step
_BUNDLED = "/x-driftguard-bundled/"


@dataclass(frozen=True)
class Spot:
    """An element of a document: the file, the pointer, and whether it is the element the
    finding is about (``exact``) or its nearest ancestor that exists."""

    document: Document
    pointer: Pointer
    exact: bool


class _Trail:
    """A walk down a document that stops, and stays, at the last element it reached."""

    __slots__ = ("at", "lost")

    def __init__(self, at: At) -> None:
        self.at = at
        self.lost = False

    def go(self, step: At | None) -> bool:
        if self.lost or step is None:
            self.lost = True
            return False
        self.at = step
        return True

    def spot(self) -> Spot:
        return Spot(self.at.document, self.at.pointer, not self.lost)


class Sources(Written):
    """A document as written, asked where its findings are."""

    def spot(self, finding: Finding) -> Spot | None:
        """The element ``finding`` is about, or its nearest ancestor; None without a file."""
        if self.main is None:
            return None
        start = At(self.main, (), self.main.data)
        candidates = [self._component(start, finding), self._walk(start, finding)]
        found = [c for c in candidates if c is not None]
        exact = [c for c in found if c.exact]
        return (exact or found)[0] if found else None

    # -- the two walks ------------------------------------------------------------------------

    def _component(self, start: At, finding: Finding) -> Spot | None:
        """From the referenced component the finding is inside, if it says so."""
        schema = finding.details.get("schema")
        if not isinstance(schema, str) or not schema.startswith("#/") or _BUNDLED in schema:
            return None  # a bundled file's component: the walk from the operation finds it
        anchor, _, inside = schema.partition(" ")
        trail = _Trail(start)
        for token in anchor[2:].split("/"):
            if not trail.go(child(trail.at, unescape(token))):
                return None  # no such component in the new document
        self._schema_path(trail, _segments(inside, finding))
        return trail.spot()

    def _walk(self, start: At, finding: Finding) -> Spot:
        trail = _Trail(start)
        location, details = finding.location, finding.details
        if location.startswith("#/"):  # a component: api-schema-removed, component-renamed
            tokens = [unescape(t) for t in location[2:].split("/")]
            if finding.id.endswith("-renamed") and "to" in details:
                tokens[-1] = str(details["to"])
            for token in tokens:
                trail.go(child(trail.at, token))
            return trail.spot()
        if finding.operation is None:
            if location.startswith("webhooks "):
                trail.go(child(trail.at, "webhooks"))
                trail.go(child(trail.at, location.removeprefix("webhooks ")))
            elif location.startswith("security"):
                trail.go(child(trail.at, "security"))
            return trail.spot()
        item = self._operation(trail, finding.operation)
        if trail.lost or not location:
            return trail.spot()
        if location.startswith(("tags ", "security ")) or location in ("tags", "security"):
            trail.go(child(trail.at, location.split(" ", 1)[0]))
            return trail.spot()
        into_schema = "property" in details or finding.id in _schema_rule_ids()
        if location.startswith("parameter ") and "parameter" in details:
            self._parameter(trail, item, str(details.get("in")), str(details["parameter"]))
            if into_schema:
                self._media_schema(trail)
        elif location.startswith("request body"):
            self._go_deref(trail, "requestBody")
            self._content(trail, details, into_schema)
        elif location.startswith("response "):
            self._go_deref(trail, "responses")
            self._go_deref(trail, str(details.get("status", "")), fold=True)
            if "header" in details:
                self._go_deref(trail, "headers")
                self._go_deref(trail, str(details["header"]), fold=True)
                if into_schema:
                    self._media_schema(trail)
            else:
                self._content(trail, details, into_schema)
        else:
            return trail.spot()
        if into_schema:
            self._schema_path(trail, _segments(str(details.get("property", "")), finding))
        return trail.spot()

    # -- steps ----------------------------------------------------------------------------------

    def _operation(self, trail: _Trail, label: str) -> At | None:
        """``/paths/<path>/<method>``: the path as the finding writes it, else the same
        template spelt otherwise (``{id}`` for ``{user_id}``). Returns the path item."""
        from driftguard._http import path_template

        method, _, path = label.partition(" ")
        if path.startswith(WEBHOOKS):
            name = path.removeprefix(WEBHOOKS)
            hooks = "webhooks" if child(trail.at, "webhooks") is not None else "x-webhooks"
            if not (trail.go(child(trail.at, hooks)) and trail.go(child(trail.at, name))):
                return None
            trail.go(self.deref(trail.at))
            item = trail.at
            trail.go(child(trail.at, method.lower()))
            return item
        if path.startswith(CALLBACKS):
            return None  # the owner's callbacks: the document itself is as near as it gets
        if not trail.go(child(trail.at, "paths")):
            return None
        paths = trail.at.node if isinstance(trail.at.node, dict) else {}
        if path not in paths:
            template = path_template(path)
            path = next((p for p in paths if path_template(p) == template), path)
        if not trail.go(child(trail.at, path)):
            return None
        trail.go(self.deref(trail.at))
        item = trail.at
        trail.go(child(trail.at, method.lower()))
        return item

    def _parameter(self, trail: _Trail, item: At | None, where: str, name: str) -> None:
        """The operation's parameter, else the path item's, its ``$ref`` followed."""
        for owner in (trail.at, item):
            if owner is None or trail.lost:
                continue
            entries = child(owner, "parameters")
            if entries is None or not isinstance(entries.node, list):
                continue
            for index in range(len(entries.node)):
                entry = self.deref(child(entries, str(index)))
                node = entry.node if entry is not None else None
                if (
                    isinstance(node, dict)
                    and node.get("in") == where
                    and _same(node.get("name"), name, fold=where == "header")
                ):
                    trail.go(entry)
                    return
        trail.go(child(trail.at, "parameters"))  # the nearest: the list, or the operation
        trail.lost = True

    def _content(self, trail: _Trail, details: Any, into_schema: bool) -> None:
        media = details.get("media")
        if media is not None:
            self._go_deref(trail, "content")
            self._go_deref(trail, str(media), fold=True)
            if into_schema:
                trail.go(child(trail.at, "schema"))

    def _media_schema(self, trail: _Trail) -> None:
        """A parameter's or a header's schema: ``schema``, or the one of its ``content``."""
        if trail.lost:
            return
        direct = child(trail.at, "schema")
        if direct is not None:
            trail.go(direct)
            return
        content = child(trail.at, "content")
        if content is not None and isinstance(content.node, dict) and content.node:
            media = child(content, next(iter(content.node)))
            trail.go(child(media, "schema") if media is not None else None)
            return
        trail.lost = True

    def _go_deref(self, trail: _Trail, key: str, *, fold: bool = False) -> None:
        if trail.lost:
            return
        step = child(trail.at, key)
        if step is None and fold and isinstance(trail.at.node, dict):
            wanted = _folded(key)
            step = next(
                (child(trail.at, k) for k in trail.at.node if _folded(str(k)) == wanted), None
            )
        if trail.go(step):
            trail.go(self.deref(trail.at))

    def _schema_path(self, trail: _Trail, segments: list[str]) -> None:
        index = 0
        while index < len(segments) and not trail.lost:
            # A property name may hold '/': try it joined with the next segments too.
            for width in range(1, min(4, len(segments) - index) + 1):
                segment = "/".join(segments[index : index + width])
                step = self._schema_step(trail.at, segment)
                if step is not None:
                    trail.go(step)
                    index += width
                    break
            else:
                if _BRANCH.match(segments[index]):
                    index += 1  # a branch the canonical form made up: the schema itself
                    continue
                # A property that is not there (removed): the nearest is the properties.
                if segments[index] not in _KEYWORDS:
                    trail.go(child(self.deref(trail.at), "properties"))
                trail.lost = True

    def _schema_step(self, at: At, segment: str) -> At | None:
        for schema in self._schemas(at):
            step = _schema_child(schema, segment)
            if step is not None:
                return step
        return None

    def _schemas(self, at: At) -> Iterator[At]:
        """``at``, its ``$ref`` followed, then its composition branches, breadth first."""
        seen: set[tuple[Path, Pointer]] = set()
        pending = [at]
        while pending and len(seen) < _MAX_SCHEMAS:
            current = pending.pop(0)
            for schema in (current, self.deref(current)):
                if schema is None or (schema.document.real, schema.pointer) in seen:
                    continue
                seen.add((schema.document.real, schema.pointer))
                yield schema
                for kind in _COMPOSITIONS:
                    branches = child(schema, kind)
                    if branches is not None and isinstance(branches.node, list):
                        pending.extend(
                            b
                            for i in range(len(branches.node))
                            if (b := child(branches, str(i))) is not None
                        )


def _schema_child(schema: At, segment: str) -> At | None:
    node = schema.node
    if not isinstance(node, dict):
        return None
    if segment == "[]":
        return child(schema, "items")
    if segment in _KEYWORDS:
        return child(schema, segment)
    keyed = _KEYED.match(segment)
    if keyed is not None:
        return child(child(schema, keyed.group(1)), keyed.group(2))
    branch = _BRANCH.match(segment)
    if branch is not None:
        kind, label = branch.groups()
        branches = node.get(kind)
        if not isinstance(branches, list):
            return None
        if label.isdigit():
            real = [i for i, b in enumerate(branches) if not _null_only(b)]
            index = real[int(label)] if int(label) < len(real) else None
        else:
            index = next((i for i, b in enumerate(branches) if _ref_name(b) == label), None)
        return None if index is None else child(child(schema, kind), str(index))
    properties = child(schema, "properties")
    return child(properties, segment)


def _segments(path: str, finding: Finding) -> list[str]:
    """The steps of a schema path; a renamed property is looked for under its new name."""
    segments = [s for s in path.split("/") if s]
    details = finding.details
    renamed = finding.id.endswith("-renamed") and "to" in details
    if renamed and segments and segments[-1] == str(details.get("from")):
        segments[-1] = str(details["to"])
    return segments


def _null_only(branch: Any) -> bool:
    return isinstance(branch, dict) and (
        branch.get("type") == "null" or (branch.get("nullable") is True and len(branch) == 1)
    )


def _ref_name(branch: Any) -> str | None:
    ref = branch.get("$ref") if isinstance(branch, dict) else None
    return unescape(ref.rsplit("/", 1)[-1]) if isinstance(ref, str) else None


def _same(written: Any, name: str, *, fold: bool) -> bool:
    if not isinstance(written, str):
        return False
    return written.lower() == name.lower() if fold else written == name


def _folded(key: str) -> str:
    """Media types, statuses and header names as they compare: case and spaces aside."""
    return "".join(key.lower().split())


@cache
def _schema_rule_ids() -> frozenset[str]:
    """The ids of schema keyword changes: their element is the schema, not its holder."""
    from driftguard.rules.schema import CHANGES, WHERE, schema_rule

    ids = (schema_rule(where, change) for where in WHERE for change in CHANGES)
    return frozenset(i for i in ids if i is not None)
