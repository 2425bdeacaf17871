"""Comparing two schemas, memoised per pair of resolved schemas, cycles and all.

Schemas are compared in canonical form (:mod:`driftguard.openapi.normalize`), pair by pair. A
pair reached through a ``$ref`` on either side is memoised by the identity of the two
resolved schemas, so each pair is compared once however many operations use it, and cycles
(a customer whose subscriptions have a customer) end at the memo. Referenced pairs are queued
instead of recursed into, which keeps the Python stack as shallow as the inline nesting of
the documents, whatever the depth of the reference graph. Once every pair is compared,
:meth:`SchemaComparer.finish` sets each node's ``changed`` flag: whether anything changed in
it or anywhere below it, which lets the walker skip unchanged subtrees.
"""

from __future__ import annotations

from typing import Any

from driftguard.openapi.document import Spec
from driftguard.openapi.keywords import (
    COMPOSITIONS,
    PAIRED_SUBSCHEMAS,
    STRUCTURAL,
    SUBSCHEMA_MAPS,
    same_value,
)
from driftguard.openapi.tree import UNCHANGED, Branches, SchemaDiff
from driftguard.renames import pair_renames, respelling_score

__all__ = ["SchemaComparer"]

Schema = dict[str, Any]
_MISSING: Any = object()
# Subschemas are compared pair by pair when both sides have them (PAIRED_SUBSCHEMAS,
# SUBSCHEMA_MAPS). ``not`` and ``if`` are compared as values instead: a change inside them
# moves the contract the other way, or both ways, so it is reported as a change of the keyword.
# Keywords compared field by field below; every other keyword is compared as a value.
_WALKED = frozenset(
    {
        "properties",
        "required",
        "items",
        "additionalProperties",
        "prefixItems",
        *COMPOSITIONS,
        *PAIRED_SUBSCHEMAS,
        *SUBSCHEMA_MAPS,
    }
)


class SchemaComparer:
    """Compares schemas of an old and a new :class:`Spec`; one instance per document pair."""

    def __init__(self, old: Spec, new: Spec) -> None:
        self.old = old
        self.new = new
        self.memo: dict[tuple[int, int], SchemaDiff] = {}
        self.pending: list[SchemaDiff] = []
        self._same: dict[tuple[int, int], bool] = {}
        self._assumed: set[tuple[int, int]] = set()
        self._tentative: dict[tuple[int, int], bool] = {}

    def pair(self, old: Schema, new: Schema) -> SchemaDiff:
        """The (memoised) diff of two canonical schemas, references resolved on each side."""
        o, old_ref = self.old.view(old)
        n, new_ref = self.new.view(new)
        key = (id(o), id(n))
        node = self.memo.get(key)
        if node is not None:
            return node
        if (
            old_ref is None
            and new_ref is None
            and id(o) in self.old.plain
            and o == n
            and id(n) in self.new.plain
        ):
            return UNCHANGED  # equal and plain on both sides: nothing below can differ
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
                if child is not UNCHANGED:
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
            elif same_value(ov, nv):
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
        self._subschemas(node, o, n)
        self._merged(node)
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

    def _merged(self, node: SchemaDiff) -> None:
        """An ``allOf`` merged on either side (:meth:`Spec.flat`) is compared merged.

        Its branches are not walked: the merged properties and keywords were compared above,
        and that is what clients see. Where both sides had an ``allOf`` whose branches
        differ, and the merged schemas differ too, the branches added and removed are still
        reported (``node.merged`` tells the checks that the merged changes speak for them).
        """
        old_branches = self.old.merged_from(node.old)
        new_branches = self.new.merged_from(node.new)
        if old_branches is None and new_branches is None:
            return
        node.merged = True
        if old_branches is None or new_branches is None:
            return
        branches = self._branches("allOf", old_branches, new_branches, walk=False)
        if self.same(node.old, node.new):  # composed otherwise, the same contract
            branches.added = [(label, b) for label, b in branches.added if not b]
            branches.removed = [(label, b) for label, b in branches.removed if not b]
        if branches.added or branches.removed:
            node.branches["allOf"] = branches

    def _subschemas(self, node: SchemaDiff, o: Schema, n: Schema) -> None:
        """Subschemas beyond properties and items: paired when on both sides, else a
        keyword change (a map or a list records the keys or the length on each side)."""
        for key in PAIRED_SUBSCHEMAS:
            ov, nv = o.get(key), n.get(key)
            if ov is not None and nv is not None:
                node.subschemas[key] = self.pair(ov, nv)
            elif ov is not None or nv is not None:
                node.keywords[key] = (ov, nv)
        for key in SUBSCHEMA_MAPS:
            om, nm = o.get(key) or {}, n.get(key) or {}
            for name in nm:
                if name in om:
                    node.subschemas[f"{key}[{name}]"] = self.pair(om[name], nm[name])
            if om.keys() != nm.keys():
                node.keywords[key] = (sorted(om) or None, sorted(nm) or None)
        ol, nl = o.get("prefixItems") or [], n.get("prefixItems") or []
        for index, (a, b) in enumerate(zip(ol, nl, strict=False)):
            node.subschemas[f"prefixItems[{index}]"] = self.pair(a, b)
        if len(ol) != len(nl):
            node.keywords["prefixItems"] = (len(ol) or None, len(nl) or None)

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

    def _branches(
        self, kind: str, old: list[Schema], new: list[Schema], *, walk: bool = True
    ) -> Branches:
        """Branches paired by the best evidence there is; ``walk=False`` pairs them without
        comparing the pairs (for merged ``allOf`` branches, compared merged instead)."""
        result = Branches()
        free_old = list(range(len(old)))
        free_new = list(range(len(new)))

        def match(test: Any) -> None:
            for j in list(free_new):
                for i in free_old:
                    if test(old[i], new[j]):
                        if walk:
                            pair = self.pair(old[i], new[j])
                            result.matched.append((_label(kind, j, new[j]), pair))
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
        effective = spec.view(schema)[0]
        properties = effective.get("properties")
        if not properties:
            return ()
        return (_kind_of(effective), tuple(sorted(properties)))

    @staticmethod
    def signature(schema: Schema, spec: Spec) -> tuple[Any, ...]:
        """Type, property names and component name: cheap evidence for pairing two schemas."""
        effective, ref = spec.view(schema)
        name = ref.rsplit("/", 1)[-1] if ref else ""
        return (_kind_of(effective), tuple(sorted(effective.get("properties", ()))), name)

    @staticmethod
    def _kind(schema: Schema, spec: Spec) -> tuple[Any, ...]:
        return _kind_of(spec.view(schema)[0])

    # -- structural equality ----------------------------------------------------------------

    def same(self, old: Any, new: Any) -> bool:
        """Whether two canonical schemas accept the same values (cycles assumed equal)."""
        if not isinstance(old, dict) or not isinstance(new, dict):
            return same_value(old, new)
        o, _ = self.old.view(old)
        n, _ = self.new.view(new)
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
            elif not _equal(ov, nv):
                return False
        return True


def _equal(old: Any, new: Any) -> bool:
    """JSON equality, where ``true`` is not ``1`` (Python's ``==`` says it is)."""
    return old is new or same_value(old, new)


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
