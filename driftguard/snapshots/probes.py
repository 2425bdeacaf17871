"""Probes (CONTRACT section 5): the requests whose responses are snapshotted and replayed.

They come from four places, the first that names a probe winning: ``--probes FILE``, the
configuration, the snapshot (a probe recorded once is replayed until it is removed), and the
spec itself (every ``GET`` whose parameters can all be filled from examples or defaults).
A probe may ``setup`` others first (create a user, then read it) and ``capture`` values from
its answer for the probes after it (:mod:`~driftguard.snapshots.chaining`); each probe runs
once per run, in the order written and after its setup, against one client: in-process for
an app (its lifespan run around all probes), over HTTP for a URL.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from driftguard._config import Config, ProbeConfig, describe_invalid
from driftguard._errors import ConfigError, SnapshotError
from driftguard._http import Route, is_target_path, most_literal_first
from driftguard._redact import REDACTED, redact
from driftguard.openapi.refs import resolve
from driftguard.openapi.security import requires_auth
from driftguard.shapes.values import ValueRule
from driftguard.snapshots.chaining import check_placeholders, stored_header
from driftguard.snapshots.record import record_name
from driftguard.snapshots.store import Snapshot

__all__ = [
    "Probe",
    "auto_probes",
    "collect_probes",
    "load_probes_file",
    "order_probes",
    "probes_from_config",
]

Origin = Literal["file", "config", "snapshot", "auto"]


@dataclass(frozen=True)
class Probe:
    """One request to replay. Header values may hold ``${ENV}`` references, expanded only
    when the request is sent, so that the value never reaches a snapshot."""

    name: str
    method: str = "GET"
    path: str = "/"
    params: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    data: Mapping[str, str] | None = None
    status: int | None = None
    setup: tuple[str, ...] = ()
    capture: Mapping[str, str] = field(default_factory=dict)
    origin: Origin = "config"
    values: ValueRule | None = None  # which values are compared as well as the shape

    @classmethod
    def from_config(cls, probe: ProbeConfig, origin: Origin = "config") -> Probe:
        return cls(
            name=probe.name,
            method=probe.method,
            path=probe.path,
            params=dict(probe.params),
            headers=dict(probe.headers),
            json=probe.json_body,
            data=dict(probe.data) if probe.data is not None else None,
            status=probe.status,
            setup=tuple(probe.setup),
            capture=dict(probe.capture),
            origin=origin,
            values=ValueRule.of(
                probe.values, ignore_order=probe.ignore_order, tolerance=probe.tolerance
            ),
        )

    @classmethod
    def from_record(cls, name: str, request: Mapping[str, Any]) -> Probe:
        """The probe a snapshot recorded; redacted headers cannot be replayed and are dropped."""
        headers = {
            str(k): str(v) for k, v in dict(request.get("headers") or {}).items() if v != REDACTED
        }
        path = str(request.get("path", "/"))
        if not is_target_path(path):
            # A snapshot may come from an untrusted pull request: replaying this would send
            # the configured credentials to another host.
            raise SnapshotError(
                f"probe {name}: recorded path {path!r} is not a path on the target; "
                "refusing to replay it"
            )
        try:
            values = ValueRule.from_record(request.get("values"))
        except ValueError as exc:
            raise SnapshotError(f"probe {name}: corrupt snapshot: {exc}") from None
        return cls(
            name=name,
            method=str(request.get("method", "GET")).upper(),
            path=path,
            params=dict(request.get("params") or {}),
            headers=headers,
            json=request.get("json"),
            data=dict(request["data"]) if isinstance(request.get("data"), dict) else None,
            status=request.get("status") if isinstance(request.get("status"), int) else None,
            setup=tuple(str(s) for s in request.get("setup") or ()),
            capture=_recorded_capture(name, request.get("capture")),
            origin="snapshot",
            values=values,
        )

    def request_record(self) -> dict[str, Any]:
        """The request as stored in the snapshot: secrets redacted, empty parts left out."""
        data: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.params:
            data["params"] = redact(dict(self.params))
        if self.headers:
            data["headers"] = {k: stored_header(k, v) for k, v in self.headers.items()}
        if self.json is not None:
            data["json"] = redact(self.json)
        if self.data is not None:
            data["data"] = redact(dict(self.data))
        if self.status is not None:
            data["status"] = self.status
        if self.setup:
            data["setup"] = list(self.setup)
        if self.capture:
            data["capture"] = dict(self.capture)
        if self.values is not None:
            data["values"] = self.values.to_record()
        return data

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def _recorded_capture(name: str, capture: Any) -> dict[str, str]:
    if capture is None:
        return {}
    try:
        return dict(
            ProbeConfig.model_validate({"name": "x", "path": "/", "capture": capture}).capture
        )
    except ValueError:
        raise SnapshotError(
            f"probe {name}: corrupt snapshot: 'capture' must map names to paths like $.access_token"
        ) from None


def probes_from_config(config: Config) -> list[Probe]:
    return [Probe.from_config(p) for p in config.probes]


def load_probes_file(path: str | Path) -> list[Probe]:
    """``--probes FILE``: TOML (``[[probes]]`` tables) or JSON (``{"probes": [...]}`` or a list)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{file}: probes file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None
    data: Any
    suffix = file.suffix.lower()
    as_json = suffix == ".json" or (suffix != ".toml" and text.lstrip().startswith("{"))
    try:
        data = json.loads(text) if as_json else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{file}: invalid JSON: {exc.msg} at line {exc.lineno}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    if isinstance(data, dict):
        tool = data.get("tool")
        if isinstance(tool, dict) and isinstance(tool.get("driftguard"), dict):
            data = tool["driftguard"]
        data = data.get("probes")
    if not isinstance(data, list):
        raise ConfigError(f"{file}: expected a 'probes' list")
    from pydantic import ValidationError

    probes: list[Probe] = []
    seen: set[str] = set()
    for index, entry in enumerate(data):
        try:
            config = ProbeConfig.model_validate(entry)
        except ValidationError as exc:
            raise ConfigError(describe_invalid(file, exc, within=("probes", index))) from None
        if config.name in seen:
            raise ConfigError(f"{file}: probe name {config.name!r} is used twice")
        seen.add(config.name)
        probes.append(Probe.from_config(config, origin="file"))
    return probes


_MISSING = object()


def _example(spec: Mapping[str, Any], param: Mapping[str, Any], *, defaults: bool) -> Any:
    if "example" in param:
        return param["example"]
    examples = param.get("examples")
    if isinstance(examples, dict):
        for entry in examples.values():
            entry = resolve(spec, entry)
            if isinstance(entry, dict) and "value" in entry:
                return entry["value"]
    schema = resolve(spec, param.get("schema") or {})
    if isinstance(schema, dict):
        if "example" in schema:
            return schema["example"]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        if defaults and "default" in schema:
            return schema["default"]
    return _MISSING


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def auto_probes(
    spec: Mapping[str, Any], *, with_credentials: bool = False
) -> tuple[list[Probe], list[str]]:
    """A probe for every ``GET`` whose parameters can all be filled from the spec.

    Required parameters must have an example, ``examples`` entry or default; optional ones
    are sent only when they have an example. Operations that declare security are skipped
    unless credentials are configured. Returns the probes and a note per skipped operation.
    """
    probes, skipped = _auto_probes(spec, with_credentials=with_credentials)
    return probes, [f"GET {template}: {why}" for template, why in skipped]


def _auto_probes(
    spec: Mapping[str, Any], *, with_credentials: bool
) -> tuple[list[Probe], list[tuple[str, str]]]:
    """:func:`auto_probes`, with each skipped operation as (path template, why)."""
    probes: list[Probe] = []
    skipped: list[tuple[str, str]] = []
    names: set[str] = set()
    for template, item in sorted((spec.get("paths") or {}).items()):
        item = resolve(spec, item)
        operation = item.get("get") if isinstance(item, dict) else None
        if not isinstance(operation, dict):
            continue
        if requires_auth(spec, operation) and not with_credentials:
            skipped.append((template, "needs credentials"))
            continue
        body = resolve(spec, operation.get("requestBody") or {})
        if isinstance(body, dict) and body.get("required"):
            skipped.append((template, "needs a request body"))
            continue
        parameters: dict[tuple[str, str], Mapping[str, Any]] = {}
        for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
            param = resolve(spec, raw)
            if isinstance(param, dict) and "name" in param and "in" in param:
                parameters[(str(param["in"]), str(param["name"]))] = param
        path, query, headers = template, {}, {}
        missing = None
        for (where, name), param in parameters.items():
            required = bool(param.get("required")) or where == "path"
            value = _example(spec, param, defaults=required)
            if value is _MISSING:
                if required:
                    missing = f"{where} parameter {name!r} has no example or default"
                    break
                continue
            if where == "path" and not isinstance(value, dict | list):
                path = path.replace("{" + name + "}", quote(_text(value), safe=""))
            elif where == "query":
                query[name] = value
            elif where == "header" and not isinstance(value, dict | list):
                headers[name] = _text(value)
            elif required:
                missing = f"{where} parameter {name!r} cannot be sent by a probe"
                break
        if missing:
            skipped.append((template, missing))
            continue
        name = record_name("GET", template)
        base, counter = name, 2
        while name in names:
            name, counter = f"{base}-{counter}", counter + 1
        names.add(name)
        probes.append(Probe(name=name, path=path, params=query, headers=headers, origin="auto"))
    return probes, skipped


def collect_probes(
    config: Config,
    *,
    probes_file: str | Path | None = None,
    spec: Mapping[str, Any] | None = None,
    snapshot: Snapshot | None = None,
) -> tuple[list[Probe], list[str]]:
    """Every probe of a run, by name: file, then config, then snapshot, then automatic ones.

    An automatic probe is left out when another probe already sends the same request.
    Returns the probes (in dependency order) and notes for the user.
    """
    chosen: dict[str, Probe] = {}
    if probes_file is not None:
        for probe in load_probes_file(probes_file):
            chosen[probe.name] = probe
    for probe in probes_from_config(config):
        chosen.setdefault(probe.name, probe)
    notes: list[str] = []
    if snapshot is not None:
        for name, record in snapshot.records.items():
            if name in chosen or record.request is None:
                continue
            probe = Probe.from_record(name, record.request)
            redacted = [
                k for k, v in dict(record.request.get("headers") or {}).items() if v == REDACTED
            ]
            if redacted and not any(h.lower() in _lower(config.headers) for h in redacted):
                notes.append(
                    f"probe {name}: header {', '.join(redacted)} is redacted in the snapshot "
                    "and not configured; it is replayed without it"
                )
            chosen[name] = probe
    if spec is not None and config.auto_probes:
        routes = _get_routes(spec)
        # An operation another probe already sends to (the login's token or a created id in
        # hand) needs no automatic probe, nor a note saying it has none.
        covered = {_route_of(routes, p) for p in chosen.values()}
        autos, skipped = _auto_probes(spec, with_credentials=bool(config.headers))
        for probe in autos:
            if probe.name not in chosen and _route_of(routes, probe) not in covered:
                chosen[probe.name] = probe
        left = [f"GET {t}: {why}" for t, why in skipped if t not in covered]
        if left:
            notes.append(f"no automatic probe for {len(left)} GET operation(s): {'; '.join(left)}")
    ordered = order_probes(chosen.values())
    check_placeholders(ordered, _sources(chosen.values(), config, probes_file, snapshot))
    return ordered, notes


def _get_routes(spec: Mapping[str, Any]) -> list[Route]:
    paths = spec.get("paths") or {}
    return most_literal_first(
        Route(template, "GET")
        for template, item in paths.items()
        if isinstance(item, dict) and "get" in item
    )


def _route_of(routes: list[Route], probe: Probe) -> str | None:
    """The GET path template a probe's request belongs to (the most literal route it
    matches, as :meth:`Spec.find` says), if any."""
    return next((r.template for r in routes if r.matches(probe.method, probe.path)), None)


def _sources(
    probes: Iterable[Probe],
    config: Config,
    probes_file: str | Path | None,
    snapshot: Snapshot | None,
) -> dict[str, str]:
    """Where each probe was written, for an error about it."""
    where: dict[str, str] = {}
    for probe in probes:
        if probe.origin == "file" and probes_file is not None:
            where[probe.name] = str(probes_file)
        elif probe.origin == "config" and config.source:
            where[probe.name] = config.source
        elif probe.origin == "snapshot" and snapshot is not None:
            where[probe.name] = str(snapshot.directory / "responses" / f"{probe.name}.json")
    return where


def _lower(headers: Mapping[str, str]) -> set[str]:
    return {h.lower() for h in headers}


def order_probes(probes: Iterable[Probe]) -> list[Probe]:
    """Probes in the order given (the order they are written), each after its ``setup``.

    A probe listed in several setups runs once, before the first probe that needs it."""
    by_name = {p.name: p for p in probes}
    ordered: list[Probe] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(probe: Probe, chain: tuple[str, ...]) -> None:
        mark = state.get(probe.name)
        if mark == 2:
            return
        if mark == 1:
            cycle = " -> ".join((*chain, probe.name))
            raise ConfigError(f"probe setup dependencies form a cycle: {cycle}")
        state[probe.name] = 1
        for needed in probe.setup:
            dependency = by_name.get(needed)
            if dependency is None:
                raise ConfigError(f"probe {probe.name}: setup probe {needed!r} is not defined")
            visit(dependency, (*chain, probe.name))
        state[probe.name] = 2
        ordered.append(probe)

    for probe in by_name.values():
        visit(probe, ())
    return ordered
