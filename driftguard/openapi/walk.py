"""The one walker over a :class:`SpecDiff`: every check sees the diff through it.

The walker turns the diff tree into a flat stream of events, each with the :class:`Site` it
happened at (operation, the rule prefix for that place, a location string). Checks subscribe
to event kinds and never walk the tree themselves, so the rules about *where* a change is
(which operation, request or response side, body or property, which location string) live
here once, and the rules about *what* a change means live in the checks.

Schemas are walked breadth-first, per operation and side, and a shared schema pair (the
same component used twice) is visited once per operation and side, at its shortest location.
Unchanged subtrees are skipped using the diff's ``changed`` flags, so walking costs what
changed, not what exists; a ``schema`` event is only given for a pair that differs itself
(not merely somewhere below it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, NamedTuple

from driftguard.openapi.tree import ContentDiff, OperationDiff, SchemaDiff, SpecDiff

__all__ = ["Event", "Site", "walk"]

# A property of a body is a request-property; a property of a property is one too.
_CHILD_WHERE = {
    "request-body": "request-property",
    "request-property": "request-property",
    "request-parameter": "request-parameter-property",
    "request-parameter-property": "request-parameter-property",
    "request-header-property": "request-header-property",
    "response-body": "response-property",
    "response-property": "response-property",
}


class Site:
    """Where a change is: the operation, the rule prefix for that place, and its location.

    Inside a referenced schema the site also knows the reference (``anchor``) and where the
    schema's own part of the path starts (``offset``): a change to a shared component is the
    same change whichever operation it is seen from, and ``details["schema"]`` says which.
    """

    __slots__ = ("anchor", "offset", "operation", "path", "root", "sent", "subject", "where")

    def __init__(
        self,
        operation: str | None,
        where: str = "",
        root: str = "",
        path: str = "",
        subject: tuple[tuple[str, str], ...] = (),
        anchor: str | None = None,
        offset: int = 0,
        sent: bool = False,
    ) -> None:
        self.operation = operation
        self.where = where
        self.root = root
        self.path = path
        self.subject = subject
        self.anchor = anchor
        self.offset = offset
        # in a webhook or a callback the API sends the request and reads the response
        self.sent = sent

    def __repr__(self) -> str:
        return f"Site({self.operation!r}, {self.where!r}, {self.location!r})"

    @property
    def location(self) -> str:
        return f"{self.root} {self.path}" if self.path else self.root

    @property
    def side(self) -> str:
        return "request" if self.where.startswith("request") else "response"

    def details(self, **more: Any) -> dict[str, Any]:
        """The details naming this place (parameter, header, property, the component it is
        in), plus ``more``."""
        details: dict[str, Any] = dict(self.subject)
        if self.path:
            details["property"] = self.path.lstrip("/")
        if self.anchor is not None:
            inside = self.path[self.offset :]
            details["schema"] = f"{self.anchor} {inside}" if inside else self.anchor
        details.update(more)
        return details

    def _with(self, where: str, path: str) -> Site:
        return Site(
            self.operation,
            where,
            self.root,
            path,
            self.subject,
            self.anchor,
            self.offset,
            self.sent,
        )

    def child(self, segment: str) -> Site:
        """The site of a property, items or additionalProperties below this one."""
        return self._with(_CHILD_WHERE.get(self.where, self.where), f"{self.path}/{segment}")

    def branch(self, label: str) -> Site:
        """The site of a composition branch: same level as its parent (a body stays a body)."""
        return self._with(self.where, f"{self.path}/{label}")

    def with_where(self, where: str) -> Site:
        return self._with(where, self.path)

    def anchored(self, ref: str) -> Site:
        """This site, as the place where the referenced schema ``ref`` begins."""
        return Site(
            self.operation,
            self.where,
            self.root,
            self.path,
            self.subject,
            ref,
            len(self.path),
            self.sent,
        )

    def under(self, media: str) -> Site:
        return Site(
            self.operation,
            self.where,
            f"{self.root} {media}",
            self.path,
            (*self.subject, ("media", media)),
            sent=self.sent,
        )


class Event(NamedTuple):
    kind: str
    site: Site
    item: Any


def walk(diff: SpecDiff) -> Iterator[Event]:
    """Every change in ``diff`` as events, in document order."""
    yield Event("spec", Site(None), diff)
    for operation in diff.removed:
        gone = operation.key[1] in diff.removed_paths
        yield Event("operation-removed", Site(operation.label), (operation, gone))
    for operation in diff.added:
        yield Event("operation-added", Site(operation.label), operation)
    # Operations often share their schema roots (one response component, one body): the
    # pairs they use directly are worked out once per distinct set of changed roots.
    memo: dict[tuple[int, ...], set[int]] = {}
    walks = [_OperationWalk(op, memo) for op in diff.modified]
    # per side, the pairs some operation uses directly
    owned: dict[str, set[int]] = {"request": set(), "response": set()}
    for item in walks:
        for side, direct in item.direct.items():
            owned[side] |= direct
    for item in walks:
        yield from item.events
        for side in ("request", "response"):
            yield from _schemas(item.roots[side], item.direct[side], owned[side])


class _OperationWalk:
    """One modified operation: its own events, and the roots of its schemas per side."""

    __slots__ = ("direct", "events", "roots")

    def __init__(self, op: OperationDiff, memo: dict[tuple[int, ...], set[int]]) -> None:
        self.roots: dict[str, list[tuple[Site, SchemaDiff]]] = {"request": [], "response": []}
        self.events = list(self._events(op))
        self.direct: dict[str, set[int]] = {}
        for side, roots in self.roots.items():
            # _direct reads only the changed roots, in order: they say what it returns
            changed = [node for _, node in roots if node.changed]
            key = tuple(map(id, changed))
            direct = memo.get(key)
            if direct is None:
                direct = memo[key] = _direct(changed)
            self.direct[side] = direct

    def _events(self, op: OperationDiff) -> Iterator[Event]:
        label, sent = op.new.label, op.new.sent
        roots = self.roots
        yield Event("operation", Site(label, sent=sent), op)
        for parameter in op.parameters_removed:
            yield Event("parameter-removed", _parameter_site(label, parameter, sent), parameter)
        for parameter in op.parameters_added:
            yield Event("parameter-added", _parameter_site(label, parameter, sent), parameter)
        for old, new in op.parameters_renamed:
            yield Event("parameter-renamed", _parameter_site(label, new, sent), (old, new))
        for pair in op.parameters:
            site = _parameter_site(label, pair.new, sent)
            yield Event("parameter", site, pair)
            roots["request"].append((site, pair.schema))

        body = op.request_body
        if body is not None:
            site = Site(label, "request-body", "request body", sent=sent)
            yield Event("request-body", site, body)
            # A body added or removed as a whole is one finding, not one per media type.
            if body.old is not None and body.new is not None:
                yield from _content(site, body.content, roots["request"])

        for status in op.responses_removed:
            yield Event("response-removed", _response_site(label, status, sent), status)
        for status in op.responses_added:
            yield Event("response-added", _response_site(label, status, sent), status)
        for response in op.responses:
            site = _response_site(label, response.status, sent)
            yield Event("response", site, response)
            yield from _content(site, response.content, roots["response"])
            for header in response.headers:
                header_site = Site(
                    label,
                    "response-header",
                    f"response {response.status} header {header.name}",
                    subject=(("status", response.status), ("header", header.name)),
                    sent=sent,
                )
                yield Event("header", header_site, header)
                roots["response"].append((header_site, header.schema))


_DIRECT_HOPS = 2


def _via_ref(node: SchemaDiff) -> bool:
    return node.old_ref is not None or node.new_ref is not None


def _direct(roots: list[SchemaDiff]) -> set[int]:
    """The changed schema pairs an operation uses directly: at most two ``$ref`` away.

    What an operation returns (``$ref: Page``) and what that embeds (the ``Item`` in a
    page, the ``User`` of an order) are the operation's own. Further away, in graphs like
    Stripe's where every resource can embed every other one, a schema that is another
    operation's direct resource has its changes reported there, not repeated on every
    operation that can reach it: findings grow with what changed, not with paths to it.
    """
    direct: set[int] = set()
    queue: deque[tuple[SchemaDiff, int]] = deque((node, 0) for node in roots)
    while queue:
        node, hops = queue.popleft()
        if not node.changed:
            continue
        if _via_ref(node):
            hops += 1
            if hops > _DIRECT_HOPS:
                continue
        key = id(node)
        if key in direct:
            continue
        direct.add(key)
        queue.extend((child, hops) for child in node.children() if child.changed)
    return direct


def _parameter_site(label: str, parameter: Any, sent: bool) -> Site:
    where = "request-parameter"
    return Site(
        label,
        where,
        f"parameter {parameter.location} {parameter.name}",
        subject=(("in", parameter.location), ("parameter", parameter.name)),
        sent=sent,
    )


def _content(
    site: Site, content: ContentDiff, roots: list[tuple[Site, SchemaDiff]]
) -> Iterator[Event]:
    """The media types of a body or response; the schemas of modified ones become ``roots``."""
    for name in content.added:
        yield Event("media-added", site.under(name), name)
    for name in content.removed:
        yield Event("media-removed", site.under(name), name)
    for media in content.modified:
        media_site = site.under(media.new_name)
        yield Event("media", media_site, media)
        if media.schema is not None:
            roots.append((media_site, media.schema))


def _response_site(label: str, status: str, sent: bool) -> Site:
    return Site(
        label, "response-body", f"response {status}", subject=(("status", status),), sent=sent
    )


def _schemas(
    roots: list[tuple[Site, SchemaDiff]],
    direct: set[int],
    owned: set[int],
) -> Iterator[Event]:
    """Breadth-first over changed schema pairs, each pair once (at its shortest location).

    A referenced pair that is another operation's direct resource, but not this one's, is
    not entered: its changes are that operation's findings.
    """
    seen: set[int] = set()
    # (the parent's site, how the child's site derives from it, the segment, the pair): a
    # child's site is made only once it is visited, not for every pair queued.
    queue: deque[tuple[Site, int, str, SchemaDiff]] = deque(
        (site, _AS_IS, "", node) for site, node in roots
    )
    while queue:
        site, how, segment, node = queue.popleft()
        key = id(node)
        if not node.changed or key in seen:
            continue
        if key not in direct and key in owned and _via_ref(node):
            continue
        seen.add(key)
        if how == _CHILD:
            site = site.child(segment)
        elif how == _BRANCH:
            site = site.branch(segment)
        ref = node.new_ref or node.old_ref
        if ref is not None:
            site = site.anchored(ref)
        if node.local:
            # A pair walked only for what changed below it has no event: every schema check
            # reads the pair's own changes, so none of them would have anything to say.
            yield Event("schema", _header_param(site), node)
        if site.where == "response-header":
            continue  # headers are compared on their own type and nullability only
        add = queue.append
        for name, child in node.properties.items():
            if child.changed and id(child) not in seen:
                add((site, _CHILD, name, child))
        if node.items is not None and node.items.changed:
            add((site, _CHILD, "[]", node.items))
        if node.additional is not None and node.additional.changed:
            add((site, _CHILD, "additionalProperties", node.additional))
        for branches in node.branches.values():
            for label, child in branches.matched:
                if child.changed:
                    add((site, _BRANCH, label, child))
        for label, child in node.subschemas.items():
            if child.changed:
                add((site, _BRANCH if label.startswith(_SAME_INSTANCE) else _CHILD, label, child))
        if node.wrapped is not None:
            add((site, _BRANCH, node.wrapped[0], node.wrapped[1]))


_AS_IS, _CHILD, _BRANCH = 0, 1, 2


# Subschemas that apply to the instance itself (a body stays a body), not to a part of it.
_SAME_INSTANCE = ("then", "else", "dependentSchemas[")


def _header_param(site: Site) -> Site:
    """Properties inside a header parameter's schema have ids of their own."""
    if site.where == "request-parameter-property" and dict(site.subject).get("in") == "header":
        return site.with_where("request-header-property")
    return site
