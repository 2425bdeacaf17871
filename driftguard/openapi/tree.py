"""The diff tree: plain records of what was added, removed and modified. No judgement.

:func:`driftguard.openapi.diff.diff_documents` builds it; the walker
(:mod:`driftguard.openapi.walk`) turns it into events for the checks. A :class:`SchemaDiff` is a
node of a graph rather than a tree where schemas are shared: the same pair of referenced
schemas is one node, however many places use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from driftguard.openapi.document import Operation, Parameter, Spec

__all__ = [
    "UNCHANGED",
    "BodyDiff",
    "Branches",
    "ContentDiff",
    "HeaderDiff",
    "MediaDiff",
    "OperationDiff",
    "ParameterDiff",
    "ResponseDiff",
    "SchemaDiff",
    "SecurityDiff",
    "SpecDiff",
]

Schema = dict[str, Any]


@dataclass(slots=True)
class Branches:
    """One composition keyword (``oneOf``/``anyOf``/``allOf``) compared branch by branch."""

    added: list[tuple[str, Schema]] = field(default_factory=list)
    removed: list[tuple[str, Schema]] = field(default_factory=list)
    matched: list[tuple[str, SchemaDiff]] = field(default_factory=list)


class SchemaDiff:
    """Two schemas compared. Children are SchemaDiffs too, shared where schemas are shared."""

    __slots__ = (
        "added",
        "additional",
        "branches",
        "changed",
        "items",
        "keywords",
        "merged",
        "new",
        "new_ref",
        "old",
        "old_ref",
        "properties",
        "removed",
        "renamed",
        "subschemas",
        "wrapped",
    )

    def __init__(self, old: Schema, new: Schema, old_ref: str | None, new_ref: str | None):
        self.old = old
        self.new = new
        self.old_ref = old_ref
        self.new_ref = new_ref
        # keyword -> (old value, new value); None stands for "absent"
        self.keywords: dict[str, tuple[Any, Any]] = {}
        self.added: list[str] = []  # property names
        self.removed: list[str] = []
        self.renamed: list[tuple[str, str]] = []
        self.properties: dict[str, SchemaDiff] = {}
        self.items: SchemaDiff | None = None
        self.additional: SchemaDiff | None = None
        self.branches: dict[str, Branches] = {}
        # the other subschemas on both sides, by label: ``then``, ``contains``,
        # ``prefixItems[0]``, ``patternProperties[^x-]``, ``dependentSchemas[card]``, ...
        self.subschemas: dict[str, SchemaDiff] = {}
        self.wrapped: tuple[str, SchemaDiff] | None = None  # old schema is now a oneOf branch
        self.merged = False  # an allOf merged on either side: compared merged, not by branch
        self.changed = False

    @property
    def local(self) -> bool:
        """Whether this pair itself differs (not counting its children)."""
        return bool(
            self.keywords
            or self.added
            or self.removed
            or self.renamed
            or self.wrapped
            or any(b.added or b.removed for b in self.branches.values())
        )

    def children(self) -> Iterator[SchemaDiff]:
        yield from self.properties.values()
        if self.items is not None:
            yield self.items
        if self.additional is not None:
            yield self.additional
        for branches in self.branches.values():
            for _, child in branches.matched:
                yield child
        yield from self.subschemas.values()
        if self.wrapped is not None:
            yield self.wrapped[1]

    def __repr__(self) -> str:
        return f"SchemaDiff({self.old_ref or 'inline'} -> {self.new_ref or 'inline'})"


# Stands for every pair of equal, reference-free schemas: there is nothing to say about them.
UNCHANGED = SchemaDiff({}, {}, None, None)


@dataclass(slots=True)
class ParameterDiff:
    """A parameter on both sides (matched by location and name), its schemas compared."""

    old: Parameter
    new: Parameter
    schema: SchemaDiff


@dataclass(slots=True)
class MediaDiff:
    """A media type on both sides (or paired with its new name), its schemas compared."""

    old_name: str
    new_name: str
    old_schema: bool
    new_schema: bool
    schema: SchemaDiff | None


@dataclass(slots=True)
class ContentDiff:
    """The media types of a body or a response: added, removed, and on both sides."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[MediaDiff] = field(default_factory=list)


@dataclass(slots=True)
class BodyDiff:
    """A request body on either side (``None`` where absent) and its content."""

    old: dict[str, Any] | None
    new: dict[str, Any] | None
    content: ContentDiff

    @property
    def old_required(self) -> bool:
        return bool(self.old and self.old.get("required") is True)

    @property
    def new_required(self) -> bool:
        return bool(self.new and self.new.get("required") is True)


@dataclass(slots=True)
class HeaderDiff:
    """A response header on both sides, its schemas compared."""

    name: str
    old: dict[str, Any]
    new: dict[str, Any]
    schema: SchemaDiff


@dataclass(slots=True)
class ResponseDiff:
    """A response status on both sides: its content and its headers."""

    status: str
    content: ContentDiff
    headers_added: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    headers_removed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    headers: list[HeaderDiff] = field(default_factory=list)


@dataclass(slots=True)
class SecurityDiff:
    """Security requirements (alternatives), each a frozenset of scheme names."""

    added: list[frozenset[str]] = field(default_factory=list)
    removed: list[frozenset[str]] = field(default_factory=list)
    # (requirement, scheme, scopes added, scopes removed)
    scopes: list[tuple[frozenset[str], str, list[str], list[str]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.scopes)


@dataclass(slots=True)
class OperationDiff:
    """An operation on both sides: what changed in it, part by part (``None``: no change)."""

    old: Operation
    new: Operation
    operation_id: tuple[str | None, str | None] | None = None
    deprecated: tuple[bool, bool] | None = None
    parameters_added: list[Parameter] = field(default_factory=list)
    parameters_removed: list[Parameter] = field(default_factory=list)
    parameters_renamed: list[tuple[Parameter, Parameter]] = field(default_factory=list)
    parameters: list[ParameterDiff] = field(default_factory=list)
    request_body: BodyDiff | None = None
    responses_added: list[str] = field(default_factory=list)
    responses_removed: list[str] = field(default_factory=list)
    responses: list[ResponseDiff] = field(default_factory=list)
    security: SecurityDiff | None = None


@dataclass(slots=True)
class SpecDiff:
    """Two documents compared: operations added, removed and modified, and the components."""

    old: Spec
    new: Spec
    added: list[Operation] = field(default_factory=list)
    removed: list[Operation] = field(default_factory=list)
    removed_paths: set[str] = field(default_factory=set)  # templates gone entirely
    moved: list[tuple[Operation, Operation]] = field(default_factory=list)  # path -> webhook
    modified: list[OperationDiff] = field(default_factory=list)
    schemas_removed: list[str] = field(default_factory=list)
    schemas_added: list[str] = field(default_factory=list)
    schemas_renamed: list[tuple[str, str]] = field(default_factory=list)
    security: SecurityDiff = field(default_factory=SecurityDiff)
    pairs: int = 0  # schema pairs compared, for the curious
