"""The diff stage: what was added, removed and modified between two documents. It never judges.

The result is a tree of plain records (:class:`SpecDiff` down to :class:`SchemaDiff`) that the
checks read through one walker (:mod:`driftguard.spec.walk`). Severity, wording and
direction are the checks' and the catalogue's business.

Schemas are compared in canonical form, pair by pair. A pair reached through a ``$ref`` on
either side is memoised by the identity of the two resolved schemas, so each pair is compared
once however many operations use it, and cycles (a customer whose subscriptions have a
customer) end at the memo. Referenced pairs are queued instead of recursed into, which keeps
the Python stack as shallow as the inline nesting of the documents, whatever the depth of the
reference graph. Once every pair is compared, a node's ``changed`` flag says whether anything
changed in it or anywhere below it; the walker uses it to skip unchanged subtrees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from driftguard.spec.document import Operation, Parameter, Spec
from driftguard.spec.normalize import COMPOSITIONS, STRUCTURAL
from driftguard.spec.renames import pair_renames, respelling_score

__all__ = [
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
    "UNCHANGED",
    "diff_documents",
    "media_relation",
]

Schema = dict[str, Any]
_MISSING: Any = object()
# Keywords compared field by field below; every other keyword is compared as a value.
_WALKED = frozenset({"properties", "required", "items", "additionalProperties", *COMPOSITIONS})


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
        "new",
        "new_ref",
        "old",
        "old_ref",
        "properties",
        "removed",
        "renamed",
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
        self.wrapped: tuple[str, SchemaDiff] | None = None  # old schema is now a oneOf branch
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
        if self.wrapped is not None:
            yield self.wrapped[1]

    def __repr__(self) -> str:
        return f"SchemaDiff({self.old_ref or 'inline'} -> {self.new_ref or 'inline'})"


# Stands for every pair of equal, reference-free schemas: there is nothing to say about them.
UNCHANGED = SchemaDiff({}, {}, None, None)


@dataclass(slots=True)
class ParameterDiff:
    old: Parameter
    new: Parameter
    schema: SchemaDiff


@dataclass(slots=True)
class MediaDiff:
    old_name: str
    new_name: str
    old_schema: bool
    new_schema: bool
    schema: SchemaDiff | None


@dataclass(slots=True)
class ContentDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[MediaDiff] = field(default_factory=list)


@dataclass(slots=True)
class BodyDiff:
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
    name: str
    old: dict[str, Any]
    new: dict[str, Any]
    schema: SchemaDiff


@dataclass(slots=True)
class ResponseDiff:
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
    old: Spec
    new: Spec
    added: list[Operation] = field(default_factory=list)
    removed: list[Operation] = field(default_factory=list)
    removed_paths: set[str] = field(default_factory=set)  # templates gone entirely
    modified: list[OperationDiff] = field(default_factory=list)
    schemas_removed: list[str] = field(default_factory=list)
    schemas_added: list[str] = field(default_factory=list)
    schemas_renamed: list[tuple[str, str]] = field(default_factory=list)
    security: SecurityDiff = field(default_factory=SecurityDiff)
    pairs: int = 0  # schema pairs compared, for the curious


def diff_documents(old: Spec, new: Spec) -> SpecDiff:
    """Compare two documents; the result holds every difference, unjudged."""
    differ = _Differ(old, new)
    result = SpecDiff(old, new)
    for key, operation in old.operations.items():
        if key not in new.operations:
            result.removed.append(operation)
            if key[1] not in new.paths:
                result.removed_paths.add(key[1])
    for key, operation in new.operations.items():
        previous = old.operations.get(key)
        if previous is None:
            result.added.append(operation)
        else:
            result.modified.append(differ.operation(previous, operation))
    result.security = _security(old.document.get("security"), new.document.get("security"))
    differ.components(result)
    differ.finish()
    result.pairs = len(differ.memo)
    return result


class _Differ:
    def __init__(self, old: Spec, new: Spec) -> None:
        self.old = old
        self.new = new
        self.memo: dict[tuple[int, int], SchemaDiff] = {}
        self.pending: list[SchemaDiff] = []
        self._same: dict[tuple[int, int], bool] = {}
        self._assumed: set[tuple[int, int]] = set()
        self._tentative: dict[tuple[int, int], bool] = {}

    # -- schemas ----------------------------------------------------------------------------

    def pair(self, old: Schema, new: Schema) -> SchemaDiff:
        """The (memoised) diff of two canonical schemas, references resolved on each side."""
        o, old_ref = self.old.effective(old) if "$ref" in old else (old, None)
        n, new_ref = self.new.effective(new) if "$ref" in new else (new, None)
        key = (id(o), id(n))
        node = self.memo.get(key)
        if node is not None:
            return node
        if old_ref is None and new_ref is None and id(o) in self.old.ref_free and o == n:
            return UNCHANGED  # equal and reference-free: nothing below can differ
        node = SchemaDiff(o, n, old_ref, new_ref)
        self.memo[key] = node
        if old_ref is None and new_ref is None:
            self._compare(node)
        else:
            self.pending.append(node)
        return node

    def raw_pair(self, old_raw: Any, new_raw: Any) -> SchemaDiff:
        return self.pair(self.old.canonical(old_raw), self.new.canonical(new_raw))

    def finish(self) -> None:
        """Compare every queued pair, then mark what changed anywhere below each node."""
        while self.pending:
            self._compare(self.pending.pop())
        parents: dict[int, list[SchemaDiff]] = {}
        queue: list[SchemaDiff] = []
        for node in self.memo.values():
            for child in node.children():
                parents.setdefault(id(child), []).append(node)
            if node.local:
                node.changed = True
                queue.append(node)
        while queue:
            node = queue.pop()
            for parent in parents.get(id(node), ()):
                if not parent.changed:
                    parent.changed = True
                    queue.append(parent)

    def _compare(self, node: SchemaDiff) -> None:
        o, n = node.old, node.new
        if self._one_versus_many(node):
            return
        keywords = node.keywords
        for key, ov in o.items():
            if key in _WALKED:
                continue
            nv = n.get(key, _MISSING)
            if key in STRUCTURAL:
                if nv is not _MISSING and self.same(ov, nv):
                    continue
            elif ov == nv and type(ov) is type(nv):
                continue
            keywords[key] = (ov, None if nv is _MISSING else nv)
        for key, nv in n.items():
            if key not in o and key not in _WALKED:
                keywords[key] = (None, nv)
        old_required = o.get("required", ())
        new_required = n.get("required", ())
        if old_required != new_required:
            node.keywords["required"] = (list(old_required), list(new_required))
        self._properties(node, o.get("properties"), n.get("properties"))
        for key in ("items", "additionalProperties"):
            ov, nv = o.get(key), n.get(key)
            if isinstance(ov, dict) and isinstance(nv, dict):
                child = self.pair(ov, nv)
                if key == "items":
                    node.items = child
                else:
                    node.additional = child
            elif ov != nv:
                node.keywords[key] = (ov, nv)
        switched = _switched_union(o, n)
        for kind in COMPOSITIONS:
            ob, nb = o.get(kind), n.get(kind)
            if switched is not None and kind in switched:
                if nb:  # anyOf <-> oneOf over the same branches: compare the branches
                    ob = o[switched[0] if kind == switched[1] else switched[1]]
                else:
                    continue
            if ob or nb:
                branches = self._branches(kind, ob or [], nb or [])
                if branches.added or branches.removed or branches.matched:
                    node.branches[kind] = branches

    def _properties(self, node: SchemaDiff, old: Any, new: Any) -> None:
        old = old or {}
        new = new or {}
        if not old and not new:
            return
        for name, schema in new.items():
            previous = old.get(name)
            if previous is None:
                node.added.append(name)
            else:
                node.properties[name] = self.pair(previous, schema)
        node.removed = [name for name in old if name not in new]
        if node.removed and node.added:
            node.renamed = pair_renames(
                node.removed, node.added, lambda a, b: self.same(old[a], new[b])
            )
            if node.renamed:
                gone = {a for a, _ in node.renamed}
                came = {b for _, b in node.renamed}
                node.removed = [name for name in node.removed if name not in gone]
                node.added = [name for name in node.added if name not in came]

    def _one_versus_many(self, node: SchemaDiff) -> bool:
        """A single schema on one side, a bare ``oneOf``/``anyOf`` on the other.

        ``X`` -> ``oneOf: [X, Y]`` is X wrapped in a oneOf; ``oneOf: [X, Y]`` -> ``X`` (what a
        one-branch oneOf collapses to) is a branch removed. Either way the single schema is
        compared as a one-branch composition, not keyword by keyword against the other side's
        bare composition, which would report a type "change" that is no change.
        """
        o, n = node.old, node.new
        new_kind, old_kind = _bare_composition(n), _bare_composition(o)
        if new_kind is not None and not _composite(o):
            if new_kind == "oneOf" and self._wrapped(node):
                pass
            else:
                node.branches[new_kind] = self._branches(new_kind, [o], n[new_kind])
        elif old_kind is not None and not _composite(n):
            node.branches[old_kind] = self._branches(old_kind, o[old_kind], [n])
        else:
            return False
        for key in _OUTER:
            if o.get(key) != n.get(key):
                node.keywords[key] = (o.get(key), n.get(key))
        return True

    def _wrapped(self, node: SchemaDiff) -> bool:
        """Old schema X, new schema ``oneOf: [X, ...]``: X wrapped in a oneOf."""
        for index, branch in enumerate(node.new["oneOf"]):
            ref = branch.get("$ref")
            if (ref is not None and ref == node.old_ref) or self.same(node.old, branch):
                node.wrapped = (_label("oneOf", index, branch), self.pair(node.old, branch))
                return True
        return False

    def _branches(self, kind: str, old: list[Schema], new: list[Schema]) -> Branches:
        result = Branches()
        free_old = list(range(len(old)))
        free_new = list(range(len(new)))

        def match(test: Any) -> None:
            for j in list(free_new):
                for i in free_old:
                    if test(old[i], new[j]):
                        result.matched.append((_label(kind, j, new[j]), self.pair(old[i], new[j])))
                        free_old.remove(i)
                        free_new.remove(j)
                        break

        # Best evidence first: the same reference, the same schema, the same object shape,
        # a re-spelled component name; two inline branches of one type last. Two unrelated
        # components are never paired: one was removed and the other added.
        match(lambda a, b: "$ref" in a and a.get("$ref") == b.get("$ref"))
        for test in (
            self.same,
            lambda a, b: self._shape(a, self.old) == self._shape(b, self.new) != (),
            lambda a, b: (
                "$ref" in a
                and "$ref" in b
                and respelling_score(_name(a), _name(b)) > 0
                and self._kind(a, self.old) == self._kind(b, self.new)
            ),
            lambda a, b: (
                "$ref" not in a
                and "$ref" not in b
                and self._kind(a, self.old) == self._kind(b, self.new)
            ),
        ):
            if free_old and free_new:
                match(test)
        result.added = [(_label(kind, j, new[j]), new[j]) for j in free_new]
        result.removed = [(_label(kind, i, old[i]), old[i]) for i in free_old]
        return result

    @staticmethod
    def _shape(schema: Schema, spec: Spec) -> tuple[Any, ...]:
        """An object's type and property names, or () for anything else."""
        effective = spec.effective(schema)[0]
        properties = effective.get("properties")
        if not properties:
            return ()
        return (_kind_of(effective), tuple(sorted(properties)))

    @staticmethod
    def _signature(schema: Schema, spec: Spec) -> tuple[Any, ...]:
        effective, ref = spec.effective(schema)
        name = ref.rsplit("/", 1)[-1] if ref else ""
        return (_kind_of(effective), tuple(sorted(effective.get("properties", ()))), name)

    @staticmethod
    def _kind(schema: Schema, spec: Spec) -> tuple[Any, ...]:
        return _kind_of(spec.effective(schema)[0])

    # -- structural equality ----------------------------------------------------------------

    def same(self, old: Any, new: Any) -> bool:
        """Whether two canonical schemas accept the same values (cycles assumed equal)."""
        if not isinstance(old, dict) or not isinstance(new, dict):
            return bool(old == new)
        o, _ = self.old.effective(old)
        n, _ = self.new.effective(new)
        key = (id(o), id(n))
        known = self._same.get(key)
        if known is None:
            known = self._tentative.get(key)
        if known is not None:
            return known
        if key in self._assumed:
            return True
        top = not self._assumed
        self._assumed.add(key)
        try:
            result = self._same_schema(o, n)
        finally:
            self._assumed.discard(key)
        if not result:
            self._same[key] = False
        elif top:
            self._same.update(self._tentative)
            self._same[key] = True
        else:
            self._tentative[key] = True
        if top:
            self._tentative.clear()
        return result

    def _same_schema(self, o: Schema, n: Schema) -> bool:
        if o.keys() != n.keys():
            return False
        for key, ov in o.items():
            nv = n[key]
            if key in ("properties", "patternProperties", "dependentSchemas"):
                if ov.keys() != nv.keys() or not all(self.same(ov[k], nv[k]) for k in ov):
                    return False
            elif key in STRUCTURAL:
                if isinstance(ov, list) and isinstance(nv, list):
                    if len(ov) != len(nv) or not all(
                        self.same(a, b) for a, b in zip(ov, nv, strict=True)
                    ):
                        return False
                elif not self.same(ov, nv):
                    return False
            elif not _equal(key, ov, nv):
                return False
        return True

    # -- operations -------------------------------------------------------------------------

    def operation(self, old: Operation, new: Operation) -> OperationDiff:
        result = OperationDiff(old, new)
        old_id, new_id = old.node.get("operationId"), new.node.get("operationId")
        if old_id != new_id:
            result.operation_id = (old_id, new_id)
        if old.deprecated != new.deprecated:
            result.deprecated = (old.deprecated, new.deprecated)
        self._parameters(result)
        old_body = self.old.resolve(old.node.get("requestBody"))
        new_body = self.new.resolve(new.node.get("requestBody"))
        if isinstance(old_body, dict) or isinstance(new_body, dict):
            old_body = old_body if isinstance(old_body, dict) else None
            new_body = new_body if isinstance(new_body, dict) else None
            content = self._content(
                (old_body or {}).get("content"), (new_body or {}).get("content"), rename=False
            )
            result.request_body = BodyDiff(old_body, new_body, content)
        self._responses(result)
        if "security" in old.node or "security" in new.node:
            security = _security(old.node.get("security"), new.node.get("security"))
            if security:
                result.security = security
        return result

    def _parameters(self, result: OperationDiff) -> None:
        old, new = result.old.parameters, result.new.parameters
        for key, parameter in new.items():
            previous = old.get(key)
            if previous is None:
                result.parameters_added.append(parameter)
                continue
            schema = self.raw_pair(previous.schema, parameter.schema)
            result.parameters.append(ParameterDiff(previous, parameter, schema))
        result.parameters_removed = [p for k, p in old.items() if k not in new]
        if not (result.parameters_added and result.parameters_removed):
            return
        for location in {p.location for p in result.parameters_removed} - {"path"}:
            gone = {p.name: p for p in result.parameters_removed if p.location == location}
            came = {p.name: p for p in result.parameters_added if p.location == location}
            if not gone or not came:
                continue
            for old_name, new_name in pair_renames(gone, came, self._same_parameters(gone, came)):
                result.parameters_renamed.append((gone[old_name], came[new_name]))
                result.parameters_removed.remove(gone[old_name])
                result.parameters_added.remove(came[new_name])

    def _same_parameters(
        self, gone: dict[str, Parameter], came: dict[str, Parameter]
    ) -> Callable[[str, str], bool]:
        def same(old_name: str, new_name: str) -> bool:
            old, new = gone[old_name], came[new_name]
            return old.required == new.required and self.same(
                self.old.canonical(old.schema), self.new.canonical(new.schema)
            )

        return same

    def _content(self, old: Any, new: Any, *, rename: bool) -> ContentDiff:
        old = _media_map(old)
        new = _media_map(new)
        result = ContentDiff()
        added = [name for name in new if name not in old]
        removed = [name for name in old if name not in new]
        pairs = [(name, name) for name in new if name in old]
        if rename and added and removed:
            for name in list(removed):
                for candidate in added:
                    if media_relation(name, candidate) is not None:
                        pairs.append((name, candidate))
                        removed.remove(name)
                        added.remove(candidate)
                        break
        for old_name, new_name in pairs:
            old_media, new_media = old[old_name][1], new[new_name][1]
            old_schema = old_media.get("schema") if isinstance(old_media, dict) else None
            new_schema = new_media.get("schema") if isinstance(new_media, dict) else None
            schema = None
            if old_schema is not None and new_schema is not None:
                schema = self.raw_pair(old_schema, new_schema)
            result.modified.append(
                MediaDiff(
                    old[old_name][0],
                    new[new_name][0],
                    old_schema is not None,
                    new_schema is not None,
                    schema,
                )
            )
        result.added = [new[name][0] for name in added]
        result.removed = [old[name][0] for name in removed]
        return result

    def _responses(self, result: OperationDiff) -> None:
        old = _responses_map(result.old.node.get("responses"))
        new = _responses_map(result.new.node.get("responses"))
        result.responses_added = [new[k][0] for k in new if k not in old]
        result.responses_removed = [old[k][0] for k in old if k not in new]
        for key, (status, raw) in new.items():
            if key not in old:
                continue
            old_response = self.old.resolve(old[key][1])
            new_response = self.new.resolve(raw)
            if not isinstance(old_response, dict) or not isinstance(new_response, dict):
                continue
            response = ResponseDiff(
                status,
                self._content(
                    old_response.get("content"), new_response.get("content"), rename=True
                ),
            )
            self._headers(response, old_response.get("headers"), new_response.get("headers"))
            result.responses.append(response)

    def _headers(self, response: ResponseDiff, old: Any, new: Any) -> None:
        old_headers = self._header_map(old, self.old)
        new_headers = self._header_map(new, self.new)
        for key, (name, header) in new_headers.items():
            if key not in old_headers:
                response.headers_added.append((name, header))
                continue
            previous = old_headers[key][1]
            schema = self.raw_pair(previous.get("schema"), header.get("schema"))
            response.headers.append(HeaderDiff(name, previous, header, schema))
        response.headers_removed = [v for k, v in old_headers.items() if k not in new_headers]

    @staticmethod
    def _header_map(raw: Any, spec: Spec) -> dict[str, tuple[str, dict[str, Any]]]:
        if not isinstance(raw, dict):
            return {}
        result = {}
        for name, node in raw.items():
            header = spec.resolve(node)
            if isinstance(header, dict) and name.lower() != "content-type":
                result[name.lower()] = (name, header)
        return result

    # -- components -------------------------------------------------------------------------

    def components(self, result: SpecDiff) -> None:
        old, new = self.old.schemas(), self.new.schemas()
        removed = [name for name in old if name not in new]
        added = [name for name in new if name not in old]
        result.schemas_added = added
        if not removed:
            return
        renamed_from: set[str] = set()
        signatures = {
            name: self._signature(self.old.canonical(old[name]), self.old) for name in removed
        }
        # Renamed: the same properties under a re-spelled name (FastAPI's Item ->
        # Item-Input/Item-Output, whose changes the operations report), or the same
        # structure under any name when that pairing is unambiguous both ways.
        structural: dict[str, list[str]] = {}
        for name in added:
            canonical = self.new.canonical(new[name])
            signature = self._signature(canonical, self.new)[:2]
            shaped = [r for r in removed if signatures[r][:2] == signature]
            by_name = [r for r in shaped if signature[1] and respelling_score(r, name) > 0]
            if by_name:
                best = max(by_name, key=lambda r: respelling_score(r, name))
                result.schemas_renamed.append((best, name))
                renamed_from.add(best)
                continue
            structural[name] = [
                r for r in shaped if self.same(self.old.canonical(old[r]), canonical)
            ]
        for name, candidates in structural.items():
            if len(candidates) == 1 and candidates[0] not in renamed_from:
                rivals = [n for n, c in structural.items() if candidates[0] in c]
                if rivals == [name]:
                    result.schemas_renamed.append((candidates[0], name))
                    renamed_from.add(candidates[0])
        result.schemas_removed = [name for name in removed if name not in renamed_from]


def _equal(key: str, old: Any, new: Any) -> bool:
    if old is new:
        return True
    if type(old) is not type(new):
        return False
    return bool(old == new)


# Keywords beside a bare composition that still say something about the whole.
_OUTER = ("nullable", "default", "discriminator", "deprecated")


def _bare_composition(schema: Schema) -> str | None:
    """``oneOf``/``anyOf`` when that is all ``schema`` says (beside :data:`_OUTER`)."""
    for kind in ("oneOf", "anyOf"):
        if kind in schema and all(k == kind or k in _OUTER for k in schema):
            return kind
    return None


def _switched_union(old: Schema, new: Schema) -> tuple[str, str] | None:
    """("anyOf", "oneOf") when one side has only anyOf and the other only oneOf."""
    for a, b in (("anyOf", "oneOf"), ("oneOf", "anyOf")):
        if a in old and b not in old and b in new and a not in new:
            return (a, b)
    return None


def _composite(schema: Schema) -> bool:
    return any(kind in schema for kind in COMPOSITIONS)


def _kind_of(schema: Schema) -> tuple[str, ...]:
    types = schema.get("type")
    if types is not None:
        return tuple(types)
    for kind in COMPOSITIONS:
        if kind in schema:
            return (kind,)
    return ()


def _name(schema: Schema) -> str:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else ""


def _label(kind: str, index: int, branch: Schema) -> str:
    ref = branch.get("$ref")
    if isinstance(ref, str):
        return f"{kind}[{ref.rsplit('/', 1)[-1]}]"
    return f"{kind}[{index}]"


def _media_map(content: Any) -> dict[str, tuple[str, Any]]:
    if not isinstance(content, dict):
        return {}
    return {"".join(name.lower().split()): (name, media) for name, media in content.items()}


def _responses_map(responses: Any) -> dict[str, tuple[str, Any]]:
    if not isinstance(responses, dict):
        return {}
    return {str(status).upper(): (str(status), node) for status, node in responses.items()}


def media_relation(old: str, new: str) -> str | None:
    """How a response media type name changed: generalized, specialized, changed, or None.

    ``application/json`` -> ``application/*`` is generalized (clients get types they did not
    expect); the reverse is specialized; same type with other parameters or a structured
    suffix (``application/problem+json``) is changed; anything else is unrelated.
    """
    a, b = _media_parts(old), _media_parts(new)
    if a is None or b is None or a == b:
        return None
    if _covers(b, a):
        return "generalized"
    if _covers(a, b):
        return "specialized"
    if a[:2] == b[:2]:
        return "changed"
    if a[0] == b[0] and _suffix(a[1]) == _suffix(b[1]):
        return "changed"
    return None


def _media_parts(name: str) -> tuple[str, str, str] | None:
    base, _, params = name.lower().partition(";")
    kind, slash, sub = base.strip().partition("/")
    if not slash:
        return None
    return kind, sub, "".join(params.split())


def _covers(wide: tuple[str, str, str], narrow: tuple[str, str, str]) -> bool:
    if wide[0] == "*":
        return narrow[0] != "*" or narrow[1] != "*"
    return wide[0] == narrow[0] and wide[1] == "*" and narrow[1] != "*"


def _suffix(sub: str) -> str:
    return sub.rsplit("+", 1)[-1]


def _security(old: Any, new: Any) -> SecurityDiff:
    old_map = _requirements(old)
    new_map = _requirements(new)
    result = SecurityDiff()
    result.added = [r for r in new_map if r not in old_map]
    result.removed = [r for r in old_map if r not in new_map]
    for requirement, scopes in new_map.items():
        previous = old_map.get(requirement)
        if previous is None:
            continue
        for scheme in sorted(requirement):
            before, after = previous.get(scheme, []), scopes.get(scheme, [])
            added = [s for s in after if s not in before]
            removed = [s for s in before if s not in after]
            if added or removed:
                result.scopes.append((requirement, scheme, added, removed))
    return result


def _requirements(raw: Any) -> dict[frozenset[str], dict[str, list[str]]]:
    if not isinstance(raw, list):
        return {}
    result: dict[frozenset[str], dict[str, list[str]]] = {}
    for entry in raw:
        if isinstance(entry, dict):
            scopes = {
                k: [str(s) for s in v] if isinstance(v, list) else [] for k, v in entry.items()
            }
            result[frozenset(entry)] = scopes
    return result
