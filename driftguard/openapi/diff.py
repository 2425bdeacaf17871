"""The diff stage: what was added, removed and modified between two documents. It never judges.

Operations are matched by method and path template (parameter names erased), parameters by
location and name (path parameters by position), media types by name, responses by status.
Every schema pair found on the way is handed to a :class:`SchemaComparer`. The result is a
:class:`~driftguard.openapi.tree.SpecDiff` that the checks read through one walker
(:mod:`driftguard.openapi.walk`); severity, wording and direction are theirs and the catalogue's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from driftguard._http import path_template
from driftguard.openapi.document import Operation, Parameter, Spec
from driftguard.openapi.schemadiff import SchemaComparer
from driftguard.openapi.tree import (
    BodyDiff,
    ContentDiff,
    HeaderDiff,
    MediaDiff,
    OperationDiff,
    ParameterDiff,
    ResponseDiff,
    SchemaDiff,
    SecurityDiff,
    SpecDiff,
)
from driftguard.renames import pair_renames, respelling_score

__all__ = ["diff_documents", "media_relation"]


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
    for previous, operation in _rebased(old, new, result):
        result.modified.append(differ.operation(previous, operation))
    # Webhooks and callbacks come and go by name (webhook-added/-removed); those on both
    # sides are compared as operations. An operation of a 3.0 document's paths that the
    # 3.1 document moved to webhooks is the same operation.
    for key, operation in new.hooks.items():
        previous = old.hooks.get(key) or _moved(operation, result)
        if previous is not None:
            result.modified.append(differ.operation(previous, operation))
    result.security = _security(old.document.get("security"), new.document.get("security"))
    differ.components(result)
    differ.schemas.finish()
    result.pairs = len(differ.schemas.memo)
    return result


def _rebased(old: Spec, new: Spec, result: SpecDiff) -> list[tuple[Operation, Operation]]:
    """Removed and added operations served at the same URL: a base path that moved between
    ``servers`` and ``paths`` (``servers: .../v2`` + ``/droplets`` becoming ``servers: ...``
    + ``/v2/droplets``) changes no URL a client calls."""
    if not result.removed or not result.added:
        return []
    gone = {(op.method, path_template(old.base_path(op) + op.path)): op for op in result.removed}
    pairs = []
    for operation in list(result.added):
        key = (operation.method, path_template(new.base_path(operation) + operation.path))
        previous = gone.pop(key, None)
        if previous is not None:
            pairs.append((previous, operation))
            result.added.remove(operation)
            result.removed.remove(previous)
    return pairs


def _moved(hook: Operation, result: SpecDiff) -> Operation | None:
    """The removed operation that ``hook`` (a webhook) is, by operationId or by name."""
    name = hook.path.rsplit("/", 1)[-1].lower()
    hook_id = hook.node.get("operationId")
    for operation in result.removed:
        if operation.method != hook.method:
            continue
        same_id = hook_id is not None and operation.node.get("operationId") == hook_id
        if same_id or operation.path.strip("/").lower() == name:
            result.removed.remove(operation)
            result.removed_paths.discard(operation.key[1])
            result.moved.append((operation, hook))
            return operation
    return None


class _Differ:
    """Everything above the schemas: operations, parameters, bodies, responses, components."""

    def __init__(self, old: Spec, new: Spec) -> None:
        self.old = old
        self.new = new
        self.schemas = SchemaComparer(old, new)

    def raw_pair(self, old_raw: Any, new_raw: Any) -> SchemaDiff:
        return self.schemas.raw_pair(old_raw, new_raw)

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
            return old.required == new.required and self.schemas.same(
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
            old_schema = _schema_of(old[old_name][1], self.old)
            new_schema = _schema_of(new[new_name][1], self.new)
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
            name: SchemaComparer.signature(self.old.canonical(old[name]), self.old)
            for name in removed
        }
        # Renamed: the same properties under a re-spelled name (FastAPI's Item ->
        # Item-Input/Item-Output, whose changes the operations report), or the same
        # structure under any name when that pairing is unambiguous both ways.
        structural: dict[str, list[str]] = {}
        for name in added:
            canonical = self.new.canonical(new[name])
            signature = SchemaComparer.signature(canonical, self.new)[:2]
            shaped = [r for r in removed if signatures[r][:2] == signature]
            by_name = [r for r in shaped if signature[1] and respelling_score(r, name) > 0]
            if by_name:
                best = max(by_name, key=lambda r: respelling_score(r, name))
                result.schemas_renamed.append((best, name))
                renamed_from.add(best)
                continue
            structural[name] = [
                r for r in shaped if self.schemas.same(self.old.canonical(old[r]), canonical)
            ]
        for name, candidates in structural.items():
            if len(candidates) == 1 and candidates[0] not in renamed_from:
                rivals = [n for n, c in structural.items() if candidates[0] in c]
                if rivals == [name]:
                    result.schemas_renamed.append((candidates[0], name))
                    renamed_from.add(candidates[0])
        result.schemas_removed = [name for name in removed if name not in renamed_from]


def _schema_of(media: Any, spec: Spec) -> Any:
    """A media type's schema, or None where it has none: ``schema: {}`` (or ``true``)
    admits any value, the contract of a media type without a schema."""
    schema = media.get("schema") if isinstance(media, dict) else None
    if schema is None or not spec.view(spec.canonical(schema))[0]:
        return None
    return schema


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
