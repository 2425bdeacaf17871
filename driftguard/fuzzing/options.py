"""The settings of one fuzz run: arguments first, then ``[tool.driftguard.fuzz]``, then defaults.

Headers merge in three layers, later ones winning: ``[tool.driftguard] headers`` (sent by every
command), ``[tool.driftguard.fuzz] headers``, then ``--header``/``headers=``. ``${NAME}`` in a
value is replaced by the environment variable; the unexpanded text is kept so that a report
can show ``Bearer ${API_TOKEN}`` instead of the token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from driftguard._config import Config, HeaderInput
from driftguard._errors import UsageError
from driftguard.fuzzing.shards import Shard, parse_shard

__all__ = ["FuzzOptions", "HeaderInput", "resolve_options"]

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


def _operation_label(text: str) -> str:
    match = _OPERATION.match(text)
    if match is None:
        raise UsageError(f"{text!r} is not an operation (write 'METHOD /path', e.g. 'GET /users')")
    return f"{match.group(1).upper()} {match.group(2)}"
