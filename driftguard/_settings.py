"""What a configuration does, apart from validating it: readable without importing pydantic.

:class:`~driftguard._config.Config` is validated by pydantic, whose import and model
building cost more than a whole ``driftguard diff`` of a small document. A project without
a configuration file has nothing to validate, so the command line then reads
:class:`Unconfigured`: the defaults of ``Config``, and the same methods (they live here, in
:class:`Settings`, which ``Config`` is built on). A field it does not hold is read from a
real ``Config`` of the defaults, built on first use, so a new field of ``Config`` is never
missing here; it only costs that import.

Header merging lives here too, since ``Config.request_headers`` needs it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeAlias

from driftguard._discovery import find_config_file
from driftguard._errors import ConfigError, UsageError
from driftguard._http import HEADER_NAME
from driftguard.findings import FailOn, Severity

if TYPE_CHECKING:
    from driftguard._config import Config, FuzzSettings, IgnoreRule, ProbeConfig, WatchSettings

__all__ = [
    "HeaderInput",
    "Headers",
    "Settings",
    "Unconfigured",
    "env_references",
    "expand_env",
    "is_env_reference",
    "merge_headers",
    "parse_duration",
    "read_settings",
]


class Settings:
    """The behaviour of a configuration, over the fields ``Config`` declares."""

    __slots__ = ()

    if TYPE_CHECKING:  # declared (and validated) by Config
        target: str | None
        app_dir: str | None
        spec_url: str | None
        snapshots: str
        fail_on: str
        format: str
        ignore: list[str]
        probes: list[ProbeConfig]
        auto_probes: bool
        headers: dict[str, str]
        timeout: float
        allow_remote_refs: bool
        ref_roots: list[str]
        severity: dict[str, Severity]
        ignore_findings: list[IgnoreRule | str]
        fuzz: FuzzSettings
        watch: WatchSettings
        source: str | None
        root: str

        def model_copy(
            self, *, update: Mapping[str, Any] | None = None, deep: bool = False
        ) -> Self: ...

    def request_headers(self, *more: tuple[str, HeaderInput | None]) -> Headers:
        """The headers every request of a command sends: ``[tool.driftguard] headers``, then
        each of ``more`` (a layer of the command's own, e.g. ``--header``), expanded."""
        source = self.source or "configuration"
        return merge_headers((f"{source}: [tool.driftguard] headers", self.headers), *more)

    @property
    def ref_root_paths(self) -> list[Path]:
        """``ref_roots`` as directories (relative ones against the configuration's)."""
        return [Path(self.root) / root for root in self.ref_roots]

    def with_ref_roots(self, roots: Iterable[str | Path] | None) -> Self:
        """This configuration with more ``ref_roots`` (``--ref-root``, relative to the
        current directory)."""
        more = [str(Path(root).resolve()) for root in roots or ()]
        if not more:
            return self
        return self.model_copy(update={"ref_roots": [*self.ref_roots, *more]})

    @property
    def app_path(self) -> Path:
        """Where a ``module:attr`` target is imported from: ``app_dir`` (relative to the
        configuration's directory), else that directory (the current one without a file)."""
        return (Path(self.root) / (self.app_dir or ".")).resolve()

    def with_app_dir(self, directory: str | Path | None) -> Self:
        """This configuration importing apps from ``directory`` (``--app-dir``, relative to
        the current directory), when given."""
        if directory is None:
            return self
        return self.model_copy(update={"app_dir": str(Path(directory).resolve())})

    @property
    def snapshot_dir(self) -> Path:
        return Path(self.root) / self.snapshots

    @property
    def fail_on_level(self) -> FailOn:
        return FailOn.parse(self.fail_on)

    def is_ignored(self, finding: Any) -> bool:
        for rule in self.ignore_findings:
            if isinstance(rule, str):
                if rule in (finding.fingerprint, finding.id):
                    return True
            elif rule.matches(finding):
                return True
        return False


# The defaults of Config's fields that every command reads, as Config declares them (a test
# holds the two together); containers are made anew for each Unconfigured.
_DEFAULTS: dict[str, Any] = {
    "target": None,
    "app_dir": None,
    "spec_url": None,
    "snapshots": "snapshots",
    "fail_on": "breaking",
    "format": "text",
    "auto_probes": True,
    "timeout": 10.0,
    "allow_remote_refs": False,
    "deprecation_days": 0,
    "deprecation_days_beta": None,
    "today": None,
    "source": None,
}
_EMPTY: dict[str, type[list[Any]] | type[dict[str, Any]]] = {
    "ignore": list,
    "probes": list,
    "headers": dict,
    "ref_roots": list,
    "severity": dict,
    "ignore_findings": list,
    "match_path": list,
    "exclude_path": list,
}


class Unconfigured(Settings):
    """The configuration of a project that has none: ``Config``'s defaults, read without
    importing pydantic. Any other attribute is the real ``Config``'s, built on first use."""

    # Settings has empty __slots__; this class keeps a __dict__ for the fields.

    def __init__(self, root: str) -> None:
        self.__dict__.update(_DEFAULTS)
        self.__dict__.update({name: make() for name, make in _EMPTY.items()})
        self.root = root

    def __getattr__(self, name: str) -> Any:  # only for what __init__ did not set
        if name.startswith("__"):
            raise AttributeError(name)
        config = self.__dict__.get("_config")
        if config is None:
            from driftguard._config import Config

            config = self.__dict__["_config"] = Config(root=self.root)
        return getattr(config, name)

    def __repr__(self) -> str:
        return f"Unconfigured(root={self.root!r})"


def read_settings(path: str | Path | None = None) -> Config | Unconfigured:
    """The configuration as the command line reads it: the validated file (``path``, or
    the one found from the current directory), or :class:`Unconfigured` when there is none."""
    if path is None and find_config_file() is None:
        return Unconfigured(str(Path.cwd()))
    from driftguard._config import load_config

    return load_config(path)


_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> float:
    """``90``, ``30s``, ``5m``, ``2h``, ``7d``: seconds; ValueError saying what is wrong."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a duration (write 30s, 5m, 2h or 7d)")
    value = float(match.group(1)) * _UNIT[(match.group(2) or "s").lower()]
    if value <= 0:
        raise ValueError(f"{text!r} must be more than 0 seconds")
    return value


def mentions_env(value: str) -> bool:
    """Whether ``value`` reads an environment variable (``${NAME}``) when expanded."""
    return _ENV_REF.search(value) is not None


def is_env_reference(value: str) -> bool:
    """Whether ``value`` is one ``${NAME}`` and nothing else: read whole from the environment."""
    return _ENV_REF.fullmatch(value) is not None


def env_references(value: str) -> list[str]:
    """The ``${NAME}`` references in ``value``, as written."""
    return [match.group(0) for match in _ENV_REF.finditer(value)]


def expand_env(value: str, *, where: str, environ: Any = None) -> str:
    """Replace ``${NAME}`` with the environment variable; a missing one is a ConfigError."""
    env = os.environ if environ is None else environ

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise ConfigError(f"{where}: environment variable {name} is not set")
        return str(env[name])

    return _ENV_REF.sub(substitute, value)


HeaderInput: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True)
class Headers:
    """Request headers as sent (``values``, ``${NAME}`` expanded) and, for those that used
    ``${NAME}``, as written (``templates``), so that a report can show the reference."""

    values: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values)


def merge_headers(
    *layers: tuple[str, HeaderInput | None], environ: Mapping[str, str] | None = None
) -> Headers:
    """Layers of headers, each ``(where it was written, headers)``, later layers winning by
    case-insensitive name; names and values checked, ``${NAME}`` read from the environment.

    The one place where configured headers become sent headers: ``diff`` and ``check`` of a
    URL, probes and the fuzzer all go through it.
    """
    values: dict[str, str] = {}
    templates: dict[str, str] = {}
    for where, headers in layers:
        for name, raw in _pairs(headers):
            if not HEADER_NAME.match(name):
                raise UsageError(f"{where}: {name!r} is not a valid HTTP header name")
            if not isinstance(raw, str) or "\n" in raw or "\r" in raw:
                raise UsageError(f"{where} {name}: a header value must be one line of text")
            value = expand_env(raw, where=f"{where} {name}", environ=environ)
            for existing in [k for k in values if k.lower() == name.lower()]:
                del values[existing]
                templates.pop(existing, None)
            values[name] = value
            if value != raw:
                templates[name] = raw
    return Headers(values, templates)


def _pairs(headers: HeaderInput | None) -> list[tuple[str, Any]]:
    if headers is None:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(k), v) for k, v in items]
