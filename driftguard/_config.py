"""``[tool.driftguard]`` in pyproject.toml, or a driftguard.toml, read into a validated Config.

The file is found the way ruff and pytest find theirs: ``--config FILE`` if given, otherwise
the nearest ``driftguard.toml`` or ``pyproject.toml`` with a ``[tool.driftguard]`` table in the
current directory or one of its parents. Relative paths in it are relative to the file.
An unknown key or a value of the wrong type is a :class:`ConfigError` naming file and key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from driftguard._discovery import find_config_file as find_config_file
from driftguard._errors import ConfigError, UsageError
from driftguard._http import METHODS, is_target_path
from driftguard._redact import REDACTED, is_secret_name, redact_text
from driftguard._settings import HeaderInput as HeaderInput
from driftguard._settings import Headers as Headers
from driftguard._settings import Settings
from driftguard._settings import expand_env as expand_env
from driftguard._settings import merge_headers as merge_headers
from driftguard.findings import FailOn, Severity

__all__ = [
    "Config",
    "FuzzSettings",
    "HeaderInput",
    "Headers",
    "IgnoreRule",
    "LoginSettings",
    "ProbeConfig",
    "WatchSettings",
    "describe_invalid",
    "did_you_mean",
    "expand_env",
    "find_config_file",
    "load_config",
    "merge_headers",
]

FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")  # Finding.fingerprint
PROBE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
CAPTURE_NAME = r"[A-Za-z_][A-Za-z0-9_]*"  # a capture's name, used as {name} in later probes
HTTP_METHODS = tuple(method.upper() for method in METHODS)


def did_you_mean(word: str, known: Any) -> str:
    """`` (did you mean X?)`` for the closest of ``known`` to ``word``, or nothing."""
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _capture_name(name: str) -> str:
    if not re.fullmatch(CAPTURE_NAME, name):
        raise ValueError(
            "a capture name is letters, digits and '_', not starting with a digit "
            "(it is used as {name})"
        )
    return name


def _capture_path(path: str) -> str:
    from driftguard.shapes._paths import PathMatcher

    try:
        PathMatcher([path])
    except UsageError as exc:
        raise ValueError(str(exc).replace("ignore path", "path", 1)) from None
    return path


CaptureName = Annotated[str, AfterValidator(_capture_name)]
CapturePath = Annotated[str, AfterValidator(_capture_path)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ProbeConfig(_Strict):
    """One request whose response shape is snapshotted (CONTRACT section 5)."""

    name: str
    method: str = "GET"
    path: str
    params: dict[str, str | int | float | bool | list[str | int | float | bool]] = Field(
        default_factory=dict
    )
    headers: dict[str, str] = Field(default_factory=dict)
    json_body: Any = Field(default=None, alias="json")
    data: dict[str, str] | None = None  # a form body (application/x-www-form-urlencoded)
    status: int | None = None
    setup: list[str] = Field(default_factory=list)
    # name -> path of a value in the JSON answer ($.access_token), for {name} in later probes
    capture: dict[CaptureName, CapturePath] = Field(default_factory=dict)
    # Values compared as well as shapes (driftguard.shapes.values): true, or ignore-style paths.
    values: bool | list[str] = False
    ignore_order: bool = False  # arrays of compared values as multisets
    tolerance: float = Field(default=0.0, ge=0)  # how far compared numbers may differ

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if not PROBE_NAME.match(value):
            raise ValueError(
                "must be a file-name-safe probe name: letters, digits, '.', '_' or '-'"
            )
        return value

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        method = value.upper()
        if method not in HTTP_METHODS:
            raise ValueError(f"must be one of {', '.join(HTTP_METHODS)}")
        return method

    @field_validator("path")
    @classmethod
    def _absolute_path(cls, value: str) -> str:
        if not is_target_path(value):
            raise ValueError("must be a path on the target, starting with one '/'")
        return value

    @model_validator(mode="after")
    def _one_body(self) -> ProbeConfig:
        if self.json_body is not None and self.data is not None:
            raise ValueError("a probe sends either a json or a form (data) body, not both")
        return self

    @field_validator("values")
    @classmethod
    def _value_paths(cls, value: bool | list[str]) -> bool | list[str]:
        if isinstance(value, list):
            from driftguard.shapes import PathMatcher

            try:
                PathMatcher(value)
            except UsageError as exc:
                raise ValueError(str(exc).replace("ignore path", "values path", 1)) from None
        return value

    @model_validator(mode="after")
    def _value_options(self) -> ProbeConfig:
        if self.values is False and (self.ignore_order or self.tolerance):
            raise ValueError("ignore_order and tolerance say how values are compared: set values")
        return self


class IgnoreRule(_Strict):
    """Findings to leave out of reports; every field given must match."""

    id: str | None = None
    operation: str | None = None
    fingerprint: str | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> IgnoreRule:
        if self.id is None and self.operation is None and self.fingerprint is None:
            raise ValueError("an ignore rule needs at least one of id, operation, fingerprint")
        return self

    def matches(self, finding: Any) -> bool:
        return (
            (self.id is None or self.id == finding.id)
            and (self.operation is None or self.operation == finding.operation)
            and (self.fingerprint is None or self.fingerprint == finding.fingerprint)
        )


class LoginSettings(_Strict):
    """``[tool.driftguard.fuzz] login``: what an OAuth2 password flow's token endpoint is
    asked with (``${NAME}`` reads the environment), to test the scopes it grants."""

    username: str = Field(min_length=1)
    password: str = Field(min_length=1)
    client_id: str | None = None
    client_secret: str | None = None


class FuzzSettings(_Strict):
    max_examples: int = Field(default=25, ge=1)
    seed: int | None = None
    time_budget: float | None = Field(default=None, gt=0)
    concurrency: int = Field(default=8, ge=1, le=256)
    strict: bool = False
    headers: dict[str, str] = Field(default_factory=dict)
    # send POST, PUT, PATCH, DELETE... to a live service (a URL target); in-process apps
    # always get every method
    allow_unsafe: bool = False
    # serve a module:attr app under uvicorn on 127.0.0.1 and fuzz it over HTTP (--serve)
    serve: bool = False
    login: LoginSettings | None = None
    # processes that fuzz operations side by side (--workers), and this run's share of the
    # operations (--shard I/N, for a CI matrix)
    workers: int = Field(default=1, ge=1)
    shard: str | None = None


def _secret_free_url(value: str, what: str) -> str:
    """A URL a file may hold: a password or token in it is read from the environment."""
    from urllib.parse import urlsplit

    from driftguard._settings import is_env_reference, mentions_env

    if what == "webhook" and not mentions_env(value):
        raise ValueError(
            "a webhook URL is a credential (anyone who has it can post): write it as "
            "${NAME} and set NAME in the environment"
        )
    try:
        password = urlsplit(value).password
    except ValueError:
        password = None
    if password and not is_env_reference(password):
        raise ValueError(
            f"the {what} URL holds a password: write it as ${{NAME}} (set in the "
            "environment) or leave it out and set PGPASSWORD"
        )
    return value


class WatchSettings(_Strict):
    """``[tool.driftguard.watch]``: what ``driftguard watch`` (and ``history``) do where the
    command line does not say. ``${NAME}`` reads the environment, and must, for the webhook
    and a database password: no credential is written in the file."""

    every: float = Field(default=300.0, gt=0)  # seconds, or a duration text: "5m"
    history: str | None = None  # a SQLite path (relative to this file) or a database URL
    webhook: str | None = None
    retries: int = Field(default=2, ge=0)
    retry_delay: float = Field(default=10.0, gt=0)

    @field_validator("every", "retry_delay", mode="before")
    @classmethod
    def _durations(cls, value: Any) -> Any:
        from driftguard._settings import parse_duration

        if isinstance(value, str):
            return parse_duration(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    @field_validator("webhook")
    @classmethod
    def _webhook(cls, value: str | None) -> str | None:
        return None if value is None else _secret_free_url(value, "webhook")

    @field_validator("history")
    @classmethod
    def _history(cls, value: str | None) -> str | None:
        return None if value is None else _secret_free_url(value, "history")


class Config(Settings, _Strict):
    """Everything a command reads from the configuration file, with its defaults (and,
    from :class:`~driftguard._settings.Settings`, what a command does with them)."""

    target: str | None = None
    # Where a module:attr target is imported from (relative to this file; default: its
    # directory), as uvicorn's --app-dir.
    app_dir: str | None = None
    spec_url: str | None = None
    snapshots: str = "snapshots"
    fail_on: str = "breaking"
    format: str = "text"
    ignore: list[str] = Field(default_factory=list)
    probes: list[ProbeConfig] = Field(default_factory=list)
    auto_probes: bool = True
    headers: dict[str, str] = Field(default_factory=dict)
    timeout: float = Field(default=10.0, gt=0)
    allow_remote_refs: bool = False
    # Directories besides the document's own tree that a file's $ref may read (relative to
    # this file); the document under review may come from an untrusted pull request.
    ref_roots: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    ignore_findings: list[IgnoreRule | str] = Field(default_factory=list)
    # The operations diff and check report on: regexes searched in paths (driftguard.filters).
    match_path: list[str] = Field(default_factory=list)
    exclude_path: list[str] = Field(default_factory=list)
    fuzz: FuzzSettings = Field(default_factory=FuzzSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    # The lifecycle (openapi/lifecycle.py): the days a deprecation's sunset must be away, for
    # stable (and unlabelled) operations and for beta ones (default: the same); draft and
    # alpha operations owe none. ``today``: the day sunsets are judged on (default: today, UTC).
    deprecation_days: int = Field(default=0, ge=0)
    deprecation_days_beta: int | None = Field(default=None, ge=0)
    today: date | None = Field(default=None, strict=False)

    # Where the configuration came from; relative paths are resolved against ``root``.
    source: str | None = Field(default=None, exclude=True)
    root: str = Field(default=".", exclude=True)

    @field_validator("fail_on")
    @classmethod
    def _valid_fail_on(cls, value: str) -> str:
        try:
            FailOn.parse(value)
        except UsageError as exc:
            raise ValueError(f"{exc} or never") from None
        return value

    @field_validator("severity", mode="before")
    @classmethod
    def _parse_severities(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        try:
            return {k: Severity.parse(v) if isinstance(v, str) else v for k, v in value.items()}
        except UsageError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("match_path", "exclude_path")
    @classmethod
    def _valid_patterns(cls, value: list[str]) -> list[str]:
        from driftguard.filters import compile_pattern

        for pattern in value:
            try:
                compile_pattern(pattern)
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        return value

    @field_validator("probes")
    @classmethod
    def _unique_probe_names(cls, value: list[ProbeConfig]) -> list[ProbeConfig]:
        seen: set[str] = set()
        for probe in value:
            if probe.name in seen:
                raise ValueError(f"probe name {probe.name!r} is used twice")
            seen.add(probe.name)
        return value


def load_config(path: str | Path | None = None, *, start: Path | None = None) -> Config:
    """Read and validate the configuration; with no file anywhere, the defaults."""
    if path is None:
        found = find_config_file(start)
        if found is None:
            return Config(root=str(start or Path.cwd()))
        file = found
    else:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"{file}: configuration file not found")
    table = _read_table(file)
    try:
        config = Config.model_validate({**table, "source": str(file), "root": str(file.parent)})
    except ValidationError as exc:
        raise ConfigError(describe_invalid(file, exc)) from None
    _check_ids(config, file)
    if config.probes:
        # A {name} no probe captures is the file's mistake: said now, not mid-run. (Whether
        # it is captured *before* is known once every probe's order is: collect_probes.)
        from driftguard.snapshots.chaining import check_placeholders
        from driftguard.snapshots.probes import probes_from_config

        probes = probes_from_config(config)
        check_placeholders(probes, dict.fromkeys((p.name for p in probes), str(file)), late=True)
    return config


def _check_ids(config: Config, file: Path) -> None:
    """Every id that ``severity`` and ``ignore_findings`` name is in the catalogue: a typo
    would otherwise override or hide nothing, silently."""
    from driftguard.rules import RULES

    section = "[tool.driftguard] " if file.name == "pyproject.toml" else ""
    named = [(f"severity.{rule_id}", rule_id) for rule_id in config.severity]
    for index, rule in enumerate(config.ignore_findings):
        if isinstance(rule, str):
            if not FINGERPRINT.match(rule):  # a bare id
                named.append((f"ignore_findings[{index}]", rule))
        elif rule.id is not None:
            named.append((f"ignore_findings[{index}].id", rule.id))
    for key, rule_id in named:
        if rule_id not in RULES:
            hint = did_you_mean(rule_id, RULES) or " (`driftguard checks` lists them)"
            raise ConfigError(f"{file}: {section}{key}: unknown check id {rule_id!r}{hint}")


def _read_table(file: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and "driftguard" in tool:
        table = tool["driftguard"]
    elif file.name == "pyproject.toml":
        table = {}
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: [tool.driftguard] must be a table")
    return table


def describe_invalid(file: Path, exc: ValidationError, within: tuple[Any, ...] = ()) -> str:
    """The first validation problem as ``file: [tool.driftguard] key.path: what``; an unknown
    key first (a typo also makes the key it meant missing), with the closest known key.
    ``within`` is where the validated value sits in the file (``("probes", 2)``)."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    if errors[0]["type"] == "extra_forbidden":  # a table, so the union's "or a string" is moot
        errors = [e for e in errors if not (e["type"] == "string_type" and "str" in e["loc"])]
    error = errors[0]
    key = ""
    loc = (*within, *error["loc"])
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part in _UNION_TAGS or "[" in str(part):
            continue  # pydantic's name for a union member, not a key the user wrote
        else:
            key += f".{part}" if key else str(part)
    section = "[tool.driftguard]" if file.name == "pyproject.toml" else ""
    if error["type"] == "extra_forbidden":
        what = f"unknown key{did_you_mean(str(loc[-1]), _known_keys(loc))}"
    elif error["type"] == "missing":
        what = "required key is missing"
    else:
        value = error.get("input")
        shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
        if any(isinstance(part, str) and is_secret_name(part) for part in loc):
            shown = REDACTED  # a credential's value is never repeated, not even a wrong one
        what = f"{_plain(error['msg'])} (got {redact_text(shown)})"
    where = f"{section} {key}".strip()
    extra = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{file}: {where}: {what}{extra}"


_UNION_TAGS = {"str", "int", "float", "bool", "list", "IgnoreRule"}


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the table holding ``loc``'s last key may have, as a user writes them."""
    nested: dict[str, type[BaseModel]] = {
        "probes": ProbeConfig,
        "fuzz": FuzzSettings,
        "ignore_findings": IgnoreRule,
        "watch": WatchSettings,
    }
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if isinstance(part, str) and part in nested and model is Config:
            model = nested[part]
    hidden = {"source", "root"}
    return [f.alias or name for name, f in model.model_fields.items() if name not in hidden]


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ")
