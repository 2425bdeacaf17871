"""One OpenAPI document as the diff sees it: operations indexed, references resolved lazily.

A :class:`Spec` never copies or inlines the document. Schemas are put in canonical form the
first time they are reached and cached by identity, and a ``$ref`` resolves to the *same*
canonical object every time: that identity is what lets the diff compare each pair of
referenced schemas once, however often and however cyclically they are referenced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from driftguard._errors import LoadError, RefError
from driftguard._http import METHODS, PATH_PARAMETER, Route, most_literal_first, path_template
from driftguard.openapi.flatten import merge_all
from driftguard.openapi.load import DATA_KEYS, NAME_MAPS
from driftguard.openapi.normalize import Canonicalizer
from driftguard.openapi.parsing import MAX_DEPTH, too_deep
from driftguard.openapi.refs import escape, follow, lookup

__all__ = ["CALLBACKS", "IGNORED_HEADERS", "WEBHOOKS", "Operation", "Parameter", "Spec"]

Schema = dict[str, Any]
# The paths of the operations an API sends: ``webhooks/<name>`` and
# ``callbacks/<operationId>/<name>``. A real path starts with ``/``, so they never meet one.
WEBHOOKS = "webhooks/"
CALLBACKS = "callbacks/"

# Header parameters the OpenAPI specification says to ignore: the media types and the
# authorization are described by requestBody, responses and security instead.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass(slots=True)
class Parameter:
    """An operation's parameter after path-level and operation-level lists are merged."""

    location: str  # query, header, path, cookie
    name: str
    required: bool
    schema: Any  # the raw schema (or None); canonicalised by the Spec on demand
    deprecated: bool
    from_path_item: bool
    node: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.location, self.name.lower() if self.location == "header" else self.name)


@dataclass(slots=True)
class Operation:
    """One operation of the document: method, path as written, its node and parameters."""

    method: str  # upper case
    path: str  # as written in the document
    node: dict[str, Any]
    parameters: dict[tuple[str, str], Parameter] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, path_template(self.path))

    @property
    def deprecated(self) -> bool:
        return self.node.get("deprecated") is True

    @property
    def sent(self) -> bool:
        """Whether the API sends this request (a webhook or a callback) rather than serves it:
        then the receiver must accept what the request carries, as a client a response."""
        return self.path.startswith((WEBHOOKS, CALLBACKS))


class Spec:
    """A loaded OpenAPI document with lazy, cached ``$ref`` resolution."""

    def __init__(
        self,
        document: dict[str, Any],
        *,
        where: str = "document",
        strip_prefix: str = "",
        prefix: str = "",
    ) -> None:
        """``strip_prefix`` and ``prefix`` rewrite every path as indexed (oasdiff's
        ``--strip-prefix-*``/``--prefix-*``), for a base path that moved in a way the
        ``servers`` do not say."""
        self.document = document
        self.where = where
        self._strip, self._prefix = strip_prefix.rstrip("/"), prefix.rstrip("/")
        self._pointers: dict[str, Any] = {}
        self._canonical: dict[int, tuple[Any, Schema]] = {}
        self._canonicalizer = Canonicalizer()
        # canonical schemas with no $ref and no boolean data inside (see Canonicalizer), by id
        self.plain = self._canonicalizer.plain
        self._effective: dict[int, tuple[Schema, str | None]] = {}
        # id(schema with allOf) -> (it, its merged form or itself); id(merged) -> the branches
        self._flat: dict[int, tuple[Schema, Schema]] = {}
        self._merged_from: dict[int, list[Schema]] = {}
        self._flattening: set[int] = set()
        self.operations: dict[tuple[str, str], Operation] = {}
        # webhooks and callbacks, by the same key (their paths start "webhooks/", "callbacks/")
        self.hooks: dict[tuple[str, str], Operation] = {}
        self.paths: dict[str, str] = {}  # path template -> path as written
        self._routes: list[tuple[Route, Operation]] | None = None
        self._check_references()
        self._index()

    # -- references -------------------------------------------------------------------------

    def pointer(self, ref: str) -> Any:
        """The raw node a local ``$ref`` points at; a broken one is a RefError naming it."""
        node = self._pointers.get(ref)
        if node is None:
            node = self._pointers[ref] = lookup(self.document, ref, where=self.where)
        return node

    def _check_references(self) -> None:
        """Every local ``$ref`` must resolve, even where the diff would never look.

        A broken reference is a broken document: say which one, and where it is used.
        """
        refs = _references(self.document, self.where)
        for ref in refs:
            try:
                self.pointer(ref)
            except RefError:
                raise RefError(
                    f"{self.where}: broken reference {ref!r} at {_used_at(self.document, ref)}"
                ) from None

    def resolve(self, node: Any) -> Any:
        """A parameter, response, body, header or path item with its ``$ref`` chain followed."""
        return follow(node, self.pointer, where=self.where)

    def canonical(self, raw: Any) -> Schema:
        """The canonical form of a raw schema node, computed once per node."""
        hit = self._canonical.get(id(raw))
        if hit is not None:
            return hit[1]
        schema = self._canonicalizer.schema(raw)
        self._canonical[id(raw)] = (raw, schema)
        return schema

    def effective(self, schema: Schema) -> tuple[Schema, str | None]:
        """A canonical schema with its ``$ref`` resolved, and the reference it came through.

        The result is cached by identity, so every use of one reference yields one object.
        Sibling keywords of a ``$ref`` (``nullable``, ``default``, ...) are laid over the target.
        """
        ref = schema.get("$ref")
        if ref is None:
            return schema, None
        hit = self._effective.get(id(schema))
        if hit is not None:
            return hit
        target = schema
        seen: set[str] = set()
        while "$ref" in target:
            if target["$ref"] in seen:
                raise RefError(f"{self.where}: circular reference chain at {ref!r}")
            seen.add(target["$ref"])
            hop = self.canonical(self.pointer(target["$ref"]))
            if len(target) > 1 and target is not schema:
                hop = _overlay(self._merged(hop), target)
            target = hop
        result = (_overlay(self._merged(target), schema) if len(schema) > 1 else target, ref)
        self._effective[id(schema)] = result
        return result

    def view(self, schema: Schema) -> tuple[Schema, str | None]:
        """What a canonical schema says, as the diff compares it: its ``$ref`` resolved
        (:meth:`effective`) and its ``allOf`` merged (:meth:`flat`)."""
        target, ref = self.effective(schema) if "$ref" in schema else (schema, None)
        if "allOf" in target:
            target = self.flat(target)
        return target, ref

    def flat(self, schema: Schema) -> Schema:
        """``schema`` with its ``allOf`` branches (and the keywords beside them) merged into
        one schema (:mod:`~driftguard.openapi.flatten`), or ``schema`` itself where they
        cannot be merged. One object per schema, so merged pairs are memoised as any other."""
        hit = self._flat.get(id(schema))
        if hit is not None:
            return hit[1]
        key = id(schema)
        if key in self._flattening:
            return schema  # an allOf that reaches itself: compared as written
        self._flattening.add(key)
        try:
            parts = [self.view(branch)[0] for branch in schema["allOf"]]
        finally:
            self._flattening.discard(key)
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        merged = merge_all([*parts, rest])
        result = schema if merged is None else merged
        self._flat[key] = (schema, result)
        if merged is not None:
            self._merged_from[id(merged)] = schema["allOf"]
        return result

    def _merged(self, schema: Schema) -> Schema:
        """The target of a ``$ref`` before keywords beside the reference are laid over it:
        an ``allOf`` merged first (``{$ref: Contact, type: object}`` narrows the merged
        Contact, not the bare ``allOf``)."""
        return self.flat(schema) if "allOf" in schema else schema

    def merged_from(self, schema: Schema) -> list[Schema] | None:
        """The ``allOf`` branches a schema returned by :meth:`flat` was merged from."""
        return self._merged_from.get(id(schema))

    # -- operations -------------------------------------------------------------------------

    def _index(self) -> None:
        paths = self.document.get("paths") or {}
        if not isinstance(paths, dict):
            raise LoadError(f"{self.where}: 'paths' must be an object")
        for written, raw_item in paths.items():
            item = self.resolve(raw_item)
            if isinstance(item, dict):
                path = self._rewrite(written)
                self.paths.setdefault(path_template(path), path)
                self._path_item(path, item, self.operations)
        # Webhooks (3.1, and 3.0's x-webhooks convention) and callbacks: operations the API
        # sends rather than serves, compared as any other under a path of their own.
        for key in ("webhooks", "x-webhooks"):
            hooks = self.document.get(key)
            if isinstance(hooks, dict):
                for name, raw_item in hooks.items():
                    item = self.resolve(raw_item)
                    if isinstance(item, dict):
                        self._path_item(f"{WEBHOOKS}{name}", item, self.hooks)
        for operation in list(self.operations.values()):
            self._callbacks(operation)

    def _rewrite(self, path: str) -> str:
        if self._strip and (path == self._strip or path.startswith(self._strip + "/")):
            path = path[len(self._strip) :] or "/"
        return f"{self._prefix}{path}" if self._prefix else path

    def base_path(self, operation: Operation) -> str:
        """The path part of the server URL an operation is served under (``/v2`` for
        ``https://api.example.com/v2``): the operation's ``servers``, else its path item's,
        else the document's; server variables take their defaults."""
        item = self.resolve((self.document.get("paths") or {}).get(operation.path))
        for node in (operation.node, item if isinstance(item, dict) else {}, self.document):
            servers = node.get("servers")
            if isinstance(servers, list) and servers and isinstance(servers[0], dict):
                return server_path(servers[0])
        return ""

    def _path_item(
        self, path: str, item: dict[str, Any], into: dict[tuple[str, str], Operation]
    ) -> None:
        shared = self._parameters(item.get("parameters"), path, from_path_item=True)
        for method in METHODS:
            node = item.get(method)
            if not isinstance(node, dict):
                continue
            operation = Operation(method.upper(), path, node)
            operation.parameters = {
                **shared,
                **self._parameters(node.get("parameters"), path, from_path_item=False),
            }
            into.setdefault(operation.key, operation)

    def _callbacks(self, owner: Operation) -> None:
        callbacks = owner.node.get("callbacks")
        if not isinstance(callbacks, dict):
            return
        who = owner.node.get("operationId")
        who = who if isinstance(who, str) else f"{owner.method.lower()}{owner.path}"
        for name, raw in callbacks.items():
            callback = self.resolve(raw)
            if not isinstance(callback, dict):
                continue
            expressions = [(e, self.resolve(i)) for e, i in callback.items() if e[:2] != "x-"]
            for expression, item in expressions:
                if isinstance(item, dict):
                    tail = f"/{expression}" if len(expressions) > 1 else ""
                    self._path_item(f"{CALLBACKS}{who}/{name}{tail}", item, self.hooks)

    def _parameters(
        self, raw: Any, path: str, *, from_path_item: bool
    ) -> dict[tuple[str, str], Parameter]:
        result: dict[tuple[str, str], Parameter] = {}
        if not isinstance(raw, list):
            return result
        positions = {name: i for i, name in enumerate(PATH_PARAMETER.findall(path))}
        for entry in raw:
            node = self.resolve(entry)
            if not isinstance(node, dict):
                continue
            location, name = node.get("in"), node.get("name")
            if not isinstance(location, str) or not isinstance(name, str):
                continue
            if location == "header" and name.lower() in IGNORED_HEADERS:
                continue  # the specification: such a definition SHALL be ignored
            schema = node.get("schema")
            if schema is None and isinstance(node.get("content"), dict):
                for media in node["content"].values():
                    if isinstance(media, dict) and "schema" in media:
                        schema = media["schema"]
                        break
            parameter = Parameter(
                location=location,
                name=name,
                required=node.get("required") is True or location == "path",
                schema=schema,
                deprecated=node.get("deprecated") is True,
                from_path_item=from_path_item,
                node=node,
            )
            key = parameter.key
            if location == "path" and name in positions:
                # Matched by position in the template: renaming a path parameter is no change.
                key = ("path", f"#{positions[name]}")
            result[key] = parameter
        return result

    def find(self, method: str, path: str) -> Operation | None:
        """The operation a concrete request belongs to: ``GET /users/42`` is
        ``GET /users/{user_id}``, and ``/users/me`` wins over ``/users/{id}``."""
        if self._routes is None:
            by_route = {Route(op.path, op.method): op for op in self.operations.values()}
            self._routes = [(route, by_route[route]) for route in most_literal_first(by_route)]
        for route, operation in self._routes:
            if route.matches(method, path):
                return operation
        return None

    def schemas(self) -> dict[str, Any]:
        components = self.document.get("components") or {}
        schemas = components.get("schemas") if isinstance(components, dict) else None
        return schemas if isinstance(schemas, dict) else {}


def _references(document: Any, where: str) -> set[str]:
    """Every ``$ref`` of ``document`` that is a reference, not data (see :func:`is_data`),
    and a LoadError for a document nested deeper than :data:`MAX_DEPTH` (data included).

    One pass over the document, the largest part of indexing it, and also its depth check
    (:func:`check_depth`, which the diff's loading leaves to this pass): level by level, so
    the depth is the number of levels. The rules of :func:`is_data` and :func:`holds_names`
    are looked up per key (:func:`_route`), and containers wait in one list per kind instead
    of in (node, flag) pairs: twice as fast as calling them.
    """
    refs: set[str] = set()
    add = refs.add
    objects: list[dict[str, Any]] = []  # objects whose keys are keywords (may hold "$ref")
    names: list[dict[str, Any]] = []  # objects whose keys are names (of properties, paths...)
    lists: list[list[Any]] = []
    data: list[Any] = []  # examples, extensions: only their depth counts
    if type(document) is dict:
        objects.append(document)
    elif type(document) is list:
        lists.append(document)
    depth = 0
    while objects or names or lists or data:
        depth += 1
        if depth > MAX_DEPTH:
            raise too_deep(where)
        next_objects: list[dict[str, Any]] = []
        next_names: list[dict[str, Any]] = []
        next_lists: list[list[Any]] = []
        next_data: list[Any] = []
        # where an object's dict and list values go, by their key (see _route)
        into = (next_objects.append, next_names.append, next_data.append, next_lists.append)
        routes = _ROUTES
        for node in objects:
            ref = node.get("$ref")
            if type(ref) is str:
                add(ref)
            for key, value in node.items():
                kind = type(value)
                if kind is dict:
                    route = routes.get(key) or _route(key)
                    into[route[0]](value)
                elif kind is list:
                    route = routes.get(key) or _route(key)
                    into[route[1]](value)
        container: Any
        for container in names:
            for item in container.values():
                if type(item) is dict:
                    next_objects.append(item)
                elif type(item) is list:
                    next_lists.append(item)
        for container in lists:
            for item in container:
                if type(item) is dict:
                    next_objects.append(item)
                elif type(item) is list:
                    next_lists.append(item)
        for container in data:
            for item in container.values() if type(container) is dict else container:
                if type(item) is dict or type(item) is list:
                    next_data.append(item)
        objects, names, lists, data = next_objects, next_names, next_lists, next_data
    return refs


_ROUTES: dict[str, tuple[int, int]] = {}


def _route(key: str) -> tuple[int, int]:
    """Where :func:`_references` puts a dict and a list found under ``key``, as indexes of
    its (objects, names, data, lists): the rules of :func:`is_data` and :func:`holds_names`
    for an object whose keys are keywords, remembered per key."""
    data = key in DATA_KEYS or key.startswith("x-")
    route = (2 if data else 1 if key in NAME_MAPS else 0, 2 if data or key == "examples" else 3)
    if len(_ROUTES) < 4096:  # keys are the document's: keep the table bounded
        _ROUTES[key] = route
    return route


def server_path(server: dict[str, Any]) -> str:
    """The path of a Server Object's URL, variables replaced by their defaults, without a
    trailing slash (``""`` for the root)."""
    url = server.get("url")
    if not isinstance(url, str):
        return ""
    variables = server.get("variables")
    if isinstance(variables, dict):
        for name, variable in variables.items():
            default = variable.get("default") if isinstance(variable, dict) else None
            if isinstance(default, str):
                url = url.replace("{" + str(name) + "}", default)
    if "://" in url:
        url = urlsplit(url).path
    elif url.startswith("//"):
        url = urlsplit("http:" + url).path
    return "/" + url.strip("/") if url.strip("/") else ""


def _used_at(document: Any, ref: str) -> str:
    """The JSON pointer of the first place that uses ``ref`` (for the error message)."""
    stack: list[tuple[Any, str]] = [(document, "#")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if node.get("$ref") == ref:
                return where
            items = [(f"{where}/{escape(k)}", v) for k, v in node.items()]
        elif isinstance(node, list):
            items = [(f"{where}/{i}", v) for i, v in enumerate(node)]
        else:
            continue
        stack.extend((v, w) for w, v in reversed(items))
    return "?"


_UPPER = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"})
_LOWER = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"})


def _overlay(target: Schema, siblings: Schema) -> Schema:
    """The target of a ``$ref`` with the keywords written beside the reference.

    Beside a reference, a constraint narrows the target (it is ``allOf: [target, siblings]``):
    enums and types intersect, upper bounds take the lower value, lower bounds the higher,
    ``required`` lists unite. ``nullable`` widens (it spells ``anyOf: [target, null]``), and
    annotations such as ``default`` or ``readOnly`` replace the target's.
    """
    merged = dict(target)
    for key, value in siblings.items():
        if key == "$ref":
            continue
        current = merged.get(key)
        if current is None or key == "nullable":
            merged[key] = value
        elif key in _UPPER and _number(value) and _number(current):
            merged[key] = min(current, value)
        elif key in _LOWER and _number(value) and _number(current):
            merged[key] = max(current, value)
        elif key in ("enum", "type") and isinstance(value, list) and isinstance(current, list):
            allowed = {repr(v) for v in current}
            merged[key] = [v for v in value if repr(v) in allowed]
        elif key == "required" and isinstance(value, list) and isinstance(current, list):
            merged[key] = sorted({*current, *value})
        else:
            merged[key] = value
    return merged


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
