"""Endpoint filters: which operations a report is about, decided in one place.

``--match-path REGEX`` and ``--exclude-path REGEX`` (``diff`` and ``check``; also
``match_path``/``exclude_path`` in ``[tool.driftguard]``) and ``--operation OP`` (``diff``)
narrow a report to some operations. ``diff_specs`` and ``check`` build an
:class:`EndpointFilter`, bind it to the documents they compare (:meth:`EndpointFilter.scope`)
and hand their findings to :meth:`Scope.apply`, which drops those outside and says in the
run's notes what it kept. ``check`` also asks :meth:`Scope.probes` which probes to replay.

- A pattern is searched (``re.search``) in an operation's path template as written in
  either document (``/users/{user_id}``), so ``^/users`` and ``\\{user_id\\}`` both work. An
  operation is kept when some pattern of ``match_path`` finds its path (or there is none)
  and no pattern of ``exclude_path`` does.
- An operation given with ``operations`` is ``METHOD /path`` (``GET /users/{id}``: the
  parameter names do not matter) or an operationId, looked up in both documents; one that
  neither has is a usage error, as it is for ``fuzz --operation``.
- A finding that belongs to no operation (a removed component schema, a changed global
  security requirement, a removed webhook) is kept under ``match_path``/``exclude_path``,
  as oasdiff keeps document-level changes: a shared component or the global security
  reaches the operations kept too, and a path filter says which paths, not "nothing but
  paths". So is a finding of a webhook or a callback (``POST webhooks/newPet``): the API
  sends those requests, it serves no path a pattern could select. Under ``operations``
  both are dropped, unless the webhook or callback is named: whoever names operations asks
  about those.
- A filter that keeps no operation at all is a usage error: a mistyped pattern must not make
  a CI gate pass by checking nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftguard._errors import UsageError
from driftguard._http import path_template

if TYPE_CHECKING:
    from driftguard._config import Config
    from driftguard.findings import Finding
    from driftguard.openapi.document import Spec
    from driftguard.snapshots.probes import Probe

__all__ = ["EndpointFilter", "Scope", "compile_pattern"]

_LABEL = re.compile(r"^\s*([A-Za-z]+)\s+(\S+)\s*$")
Key = tuple[str, str]  # (METHOD, path template with parameter names erased)


def compile_pattern(text: str) -> re.Pattern[str]:
    """``text`` as a regular expression; a UsageError saying what is wrong with it."""
    try:
        return re.compile(text)
    except re.error as exc:
        raise UsageError(f"invalid regular expression {text!r}: {exc}") from None


def _texts(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


def _either(texts: Sequence[str], word: str = "or") -> str:
    return f" {word} ".join(f"'{text}'" for text in texts)


def _key(label: str) -> Key | None:
    match = _LABEL.match(label)
    return None if match is None else (match.group(1).upper(), path_template(match.group(2)))


@dataclass(frozen=True)
class EndpointFilter:
    """The patterns and operations a report is narrowed to (see the module's rules)."""

    match_path: tuple[str, ...] = ()
    exclude_path: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        *,
        match_path: str | Iterable[str] | None = None,
        exclude_path: str | Iterable[str] | None = None,
        operations: str | Iterable[str] | None = None,
        config: Config | None = None,
    ) -> EndpointFilter | None:
        """The filter asked for, or None for none. A pattern list not given (None) comes
        from the configuration; one given replaces it."""
        matching = _texts(match_path)
        excluding = _texts(exclude_path)
        if matching is None:
            matching = tuple(config.match_path) if config is not None else ()
        if excluding is None:
            excluding = tuple(config.exclude_path) if config is not None else ()
        chosen = cls(matching, excluding, _texts(operations) or ())
        for pattern in (*chosen.match_path, *chosen.exclude_path):
            compile_pattern(pattern)
        return chosen if (chosen.match_path or chosen.exclude_path or chosen.operations) else None

    def describe(self) -> str:
        """``path matching '^/users' or '^/teams', not matching '^/internal'``."""
        parts = []
        if self.match_path:
            parts.append(f"path matching {_either(self.match_path)}")
        if self.exclude_path:
            excluded = self.exclude_path
            parts.append(
                f"path not matching '{excluded[0]}'"
                if len(excluded) == 1
                else f"path matching neither {_either(excluded, 'nor')}"
            )
        if self.operations:
            parts.append(f"operation {_either(self.operations)}")
        return ", ".join(parts)

    def keeps_path(self, *paths: str) -> bool:
        """Whether an operation written with these paths (one per document) is kept by the
        patterns; ``operations`` is the scope's to check."""
        if self.match_path and not any(
            re.search(p, path) for p in self.match_path for path in paths
        ):
            return False
        return not any(re.search(p, path) for p in self.exclude_path for path in paths)

    def scope(self, *specs: Spec | None) -> Scope:
        """The filter applied to the operations of ``specs`` (the old and the new document)."""
        paths: dict[Key, list[str]] = {}  # the operations served, with their paths
        sent: set[Key] = set()  # webhooks and callbacks
        ids: dict[str, Key] = {}
        for spec in specs:
            if spec is None:
                continue
            for known, operation in spec.operations.items():
                paths.setdefault(known, []).append(operation.path)
            sent.update(spec.hooks)
            for known, operation in (*spec.operations.items(), *spec.hooks.items()):
                operation_id = operation.node.get("operationId")
                if isinstance(operation_id, str):
                    ids.setdefault(operation_id, known)
        named: set[Key] | None = None
        if self.operations:
            named = set()
            for text in self.operations:
                key = ids.get(text) or _key(text)
                if key is None or (key not in paths and key not in sent):
                    raise UsageError(
                        f"operation {text!r} is in neither document (write 'METHOD /path', "
                        "e.g. 'GET /users/{id}', or an operationId)"
                    )
                named.add(key)
        kept = {
            key
            for key, written in paths.items()
            if (named is None or key in named) and self.keeps_path(*written)
        }
        kept.update(sent & (named or set()))
        if paths and not kept:
            raise UsageError(
                f"the endpoint filter ({self.describe()}) keeps none of the "
                f"{len(paths)} operations of the documents"
            )
        return Scope(self, frozenset(kept), frozenset(paths) | sent)


@dataclass(frozen=True)
class Scope:
    """An :class:`EndpointFilter` bound to documents: the operations it keeps, by key."""

    filter: EndpointFilter
    kept: frozenset[Key]
    known: frozenset[Key]  # every operation of the documents, webhooks and callbacks too

    def keeps(self, operation: str | None) -> bool:
        """Whether a finding of ``operation`` (a label, or None for the whole API) is kept."""
        if operation is None:
            return not self.filter.operations
        key = _key(operation)
        if key is None:
            return False
        if not key[1].startswith("/"):  # a webhook or a callback: sent, not served
            return key in self.kept if self.filter.operations else True
        if key in self.known:
            return key in self.kept
        # Not an operation of either document (a probe of a path no document has): only the
        # patterns can keep it.
        return not self.filter.operations and self.filter.keeps_path(operation.split(None, 1)[1])

    def keeps_request(self, method: str, path: str, *specs: Spec | None) -> bool:
        """Whether a concrete request (a probe's ``GET /users/1``) is in scope: the operation
        of the first of ``specs`` that has one for it, else its own path."""
        for spec in specs:
            found = spec.find(method, path) if spec is not None else None
            if found is not None:
                return self.keeps(found.label)
        return self.keeps(f"{method.upper()} {path}")

    def apply(self, findings: Iterable[Finding], notes: list[str]) -> list[Finding]:
        """The findings in scope; what was kept and left out is added to ``notes``."""
        every = list(findings)
        kept = [f for f in every if self.keeps(f.operation)]
        whole_api = "left out" if self.filter.operations else "kept"
        notes.append(
            f"endpoint filter ({self.filter.describe()}): {len(self.kept)} of "
            f"{len(self.known)} operations kept, {len(every) - len(kept)} finding(s) outside "
            "them left out "
            f"(findings about the whole API {whole_api})"
        )
        return kept

    def operations(self, labels: Sequence[str]) -> list[str]:
        """The run's operation labels that are in scope (a JUnit case each)."""
        return [label for label in labels if self.keeps(label)]

    def probes(
        self, probes: Sequence[Probe], specs: Sequence[Spec | None], notes: list[str]
    ) -> list[Probe]:
        """The probes to replay: those in scope and the ``setup`` probes they need, in the
        order given; the others are not sent, and ``notes`` says how many."""
        by_name = {probe.name: probe for probe in probes}
        wanted = {p.name for p in probes if self.keeps_request(p.method, p.path, *specs)}
        needed = set(wanted)
        stack = list(wanted)
        while stack:
            for dependency in by_name[stack.pop()].setup:
                if dependency in by_name and dependency not in needed:
                    needed.add(dependency)
                    stack.append(dependency)
        skipped, setup = len(probes) - len(needed), len(needed - wanted)
        said = [f"{skipped} of {len(probes)} probe(s) outside it not replayed"] if skipped else []
        if setup:
            said.append(f"{setup} probe(s) outside it replayed only as setup of others")
        if said:
            notes.append(f"endpoint filter: {'; '.join(said)}")
        return [probe for probe in probes if probe.name in needed]
