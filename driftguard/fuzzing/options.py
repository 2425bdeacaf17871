"""The settings of one fuzz run: arguments first, then ``[tool.driftguard.fuzz]``, then defaults.

Headers merge in three layers, later ones winning: ``[tool.driftguard] headers`` (sent by every
command), ``[tool.driftguard.fuzz] headers``, then ``--header``/``headers=``. ``${NAME}`` in a
value is replaced by the environment variable; the unexpanded text is kept so that a report
can show ``Bearer ${API_TOKEN}`` instead of the token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from driftguard._config import Config, HeaderInput
from driftguard._errors import UsageError
from driftguard._settings import expand_env
from driftguard.fuzzing.shards import Shard, parse_shard

__all__ = ["FuzzOptions", "HeaderInput", "Login", "resolve_options"]

_LOGIN_KEYS = ("username", "password", "client_id", "client_secret")


@dataclass(frozen=True)
class Login:
    """What an OAuth2 password flow's token endpoint is asked with (``[tool.driftguard.fuzz]
    login``): environment variables expanded, the text as written kept where it used one."""

    username: str
    password: str
    client_id: str | None = None
    client_secret: str | None = None
    # key -> value as written, where it differs (it used ${NAME})
    templates: dict[str, str] = field(default_factory=dict)

    @property
    def secrets(self) -> dict[str, str]:
        """The secret values (password, client secret), by key."""
        found = {"password": self.password}
        if self.client_secret is not None:
            found["client_secret"] = self.client_secret
        return found


_OPERATION = re.compile(r"^\s*([A-Za-z]+)\s+(/\S*)\s*$")


@dataclass(frozen=True)
class FuzzOptions:
    max_examples: int
    seed: int | None
    time_budget: float | None
    concurrency: int
    strict: bool
    timeout: float
    # methods that change data may be sent to a URL target
    allow_unsafe: bool = False
    # header name -> value as sent (environment variables expanded)
    headers: dict[str, str] = field(default_factory=dict)
    # header name -> value as written, where it differs (it used ${NAME})
    templates: dict[str, str] = field(default_factory=dict)
    # "METHOD /path" labels to fuzz; empty means every operation
    operations: tuple[str, ...] = ()
    # a module:attr app is served by uvicorn on 127.0.0.1 and fuzzed over HTTP
    serve: bool = False
    # the username and password an OAuth2 password flow is asked for tokens with
    login: Login | None = None
    # reads sent again after accepted writes, sequences through undeclared links
    stateful: bool = True
    # this run's share of the operations (--shard I/N), and the processes fuzzing them
    shard: Shard | None = None
    workers: int = 1


def resolve_options(
    config: Config | None,
    *,
    max_examples: int | None = None,
    seed: int | None = None,
    time_budget: float | None = None,
    concurrency: int | None = None,
    strict: bool | None = None,
    headers: HeaderInput | None = None,
    operations: Iterable[str] | None = None,
    allow_unsafe: bool | None = None,
    serve: bool | None = None,
    login: Mapping[str, str] | None = None,
    shard: str | Shard | None = None,
    workers: int | None = None,
) -> FuzzOptions:
    config = config if config is not None else Config()
    settings = config.fuzz
    options = FuzzOptions(
        max_examples=settings.max_examples if max_examples is None else max_examples,
        seed=settings.seed if seed is None else seed,
        time_budget=settings.time_budget if time_budget is None else time_budget,
        concurrency=settings.concurrency if concurrency is None else concurrency,
        strict=settings.strict if strict is None else strict,
        timeout=config.timeout,
        allow_unsafe=settings.allow_unsafe if allow_unsafe is None else allow_unsafe,
        operations=tuple(_operation_label(text) for text in operations or ()),
        serve=settings.serve if serve is None else serve,
        login=_login(config, login),
        shard=parse_shard(
            settings.shard if shard is None else shard,
            where="shard"
            if shard is not None
            else f"{config.source or 'configuration'}: [tool.driftguard.fuzz] shard",
        ),
        workers=settings.workers if workers is None else workers,
    )
    if options.max_examples < 1:
        raise UsageError(f"max_examples must be at least 1 (got {options.max_examples})")
    if options.workers < 1:
        raise UsageError(f"workers must be at least 1 (got {options.workers})")
    if options.concurrency < 1:
        raise UsageError(f"concurrency must be at least 1 (got {options.concurrency})")
    if options.time_budget is not None and not options.time_budget > 0:
        raise UsageError(f"time_budget must be more than 0 seconds (got {options.time_budget})")
    merged = config.request_headers(
        (f"{config.source or 'configuration'}: [tool.driftguard.fuzz] headers", settings.headers),
        ("--header", headers),
    )
    options.headers.update(merged.values)
    options.templates.update(merged.templates)
    return options


def _login(config: Config, given: Mapping[str, str] | None) -> Login | None:
    """``login=`` or ``[tool.driftguard.fuzz] login``, checked, ``${NAME}`` expanded."""
    if given is not None:
        where, table = "login", dict(given)
    elif config.fuzz.login is not None:
        where = f"{config.source or 'configuration'}: [tool.driftguard.fuzz] login"
        table = config.fuzz.login.model_dump(exclude_none=True)
    else:
        return None
    unknown = sorted(set(table) - set(_LOGIN_KEYS))
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_LOGIN_KEYS)})")
    for key in ("username", "password"):
        if not isinstance(table.get(key), str) or not table[key]:
            raise UsageError(f"{where}: {key} is required (a non-empty string)")
    values = {key: expand_env(str(raw), where=f"{where} {key}") for key, raw in table.items()}
    templates = {key: str(table[key]) for key in values if values[key] != table[key]}
    return Login(**values, templates=templates)


def _operation_label(text: str) -> str:
    match = _OPERATION.match(text)
    if match is None:
        raise UsageError(f"{text!r} is not an operation (write 'METHOD /path', e.g. 'GET /users')")
    return f"{match.group(1).upper()} {match.group(2)}"
