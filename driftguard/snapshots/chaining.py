"""Chaining probes: values one probe captures from its answer, used by the probes after it.

A probe's ``capture = { token = "$.access_token" }`` takes one value out of its JSON answer
(the path written as in ``ignore``); ``{token}`` in the ``path``, ``params``, ``headers``,
``json`` or ``data`` of a probe that runs after it is replaced by that value when the
request is sent. What is stored in a snapshot is the template (``Bearer {token}``), never
the value: a login's token changes on every run, and must not reach git.

``${ENV}`` references are not placeholders: they stay the environment's
(:func:`driftguard._settings.expand_env`), expanded later, when the request is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from driftguard._config import CAPTURE_NAME
from driftguard._errors import ConfigError
from driftguard._redact import Redactor, is_secret_name, redact_headers
from driftguard.shapes._paths import ITEMS, Path, PathMatcher

if TYPE_CHECKING:
    from driftguard.shapes import Shape
    from driftguard.snapshots.probes import Probe
    from driftguard.snapshots.record import ResponseRecord

__all__ = ["CaptureFailure", "Captured", "check_placeholders", "placeholders", "stored_header"]

# ``{name}``, but not the ``${NAME}`` of an environment variable.
_PLACEHOLDER = re.compile(r"(?<!\$)\{(" + CAPTURE_NAME + r")\}")
# What may be left of a header value besides its placeholders for the template to be
# stored as it is: nothing, or an authentication scheme (``Bearer {token}``).
_SCHEME_ONLY = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9._-]{0,19}\s+)?\Z")


def _strings(probe: Probe) -> Iterator[tuple[str, str]]:
    """Every text of a probe's request that may hold placeholders, with where it is."""
    yield "path", probe.path
    for name, value in probe.params.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield f"params.{name}", item
    for name, value in probe.headers.items():
        yield f"header {name}", value
    yield from _json_strings(probe.json, "json")
    for name, value in (probe.data or {}).items():
        yield f"data.{name}", value


def _json_strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _json_strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{where}[{index}]")


def placeholders(probe: Probe) -> dict[str, str]:
    """The names a probe's request uses, each with the first place it is used."""
    found: dict[str, str] = {}
    for where, text in _strings(probe):
        for name in _PLACEHOLDER.findall(text):
            found.setdefault(name, where)
    return found


def check_placeholders(
    probes: Sequence[Probe], source: Mapping[str, str], *, late: bool = False
) -> None:
    """Every placeholder names a value captured by a probe that runs before it (with
    ``late``, by any of ``probes``: their order is not known yet).

    ``probes`` are in the order they run; ``source`` says where each probe was written
    (a configuration file, a probes file), for the message.
    """
    captured: set[str] = {name for p in probes for name in p.capture} if late else set()
    for probe in probes:
        for name, where in placeholders(probe).items():
            if name not in captured:
                known = ", ".join(sorted(captured)) or "none"
                origin = source.get(probe.name, "")
                raise ConfigError(
                    f"{origin + ': ' if origin else ''}probe {probe.name}: {where} uses "
                    f"{{{name}}}, which no probe {'' if late else 'before it '}captures "
                    f"(captured: {known}; "
                    "capture it with capture = { " + name + ' = "$.field" } on a setup probe)'
                )
        captured.update(probe.capture)


def stored_header(name: str, value: str) -> str:
    """How a header is written to a snapshot: a capture template that holds nothing else
    than its placeholders and a scheme (``Bearer {token}``) as it is, since it can be
    replayed; anything else through the redaction rules."""
    if _PLACEHOLDER.search(value) and _SCHEME_ONLY.match(_PLACEHOLDER.sub("", value)):
        return value
    return redact_headers({name: value})[name]


@dataclass(frozen=True)
class CaptureFailure:
    """Why a probe's capture has no value; the probes that need it are not sent."""

    probe: str
    name: str
    reason: str

    def __str__(self) -> str:
        return f"probe {self.probe}: capture {self.name}: {self.reason}"


class Captured:
    """The values captured so far in one run, and what may not be shown of them."""

    def __init__(self, probes: Sequence[Probe] = ()) -> None:
        self.values: dict[str, Any] = {}
        self.failures: dict[str, CaptureFailure] = {}
        self.redactor = Redactor()
        # Names a probe sends in a header: credentials, whatever they are called.
        self._in_headers = {
            name
            for probe in probes
            for value in probe.headers.values()
            for name in _PLACEHOLDER.findall(value)
        }

    def take(self, probe: Probe, status: int | None, body: Any, *, has_body: bool) -> None:
        """Capture ``probe``'s values from its parsed JSON answer (``has_body`` False when
        the answer had none, ``status`` None when it was not sent); a path matching nothing
        or several values is a failure."""
        for name, path in probe.capture.items():
            self.values.pop(name, None)
            if status is None:
                found: list[Any] = []
                reason = "the probe was not sent"
            elif not has_body:
                found = []
                reason = f"{path} matched nothing: the {status} answer has no JSON body"
            else:
                found = [value for _, value in _matches(body, PathMatcher([path]))]
                reason = (
                    f"{path} matched nothing in the {status} answer"
                    if not found
                    else f"{path} matched {len(found)} values in the {status} answer; "
                    "it must match one"
                )
            if len(found) != 1:
                self.failures[name] = CaptureFailure(probe.name, name, reason)
                continue
            self.failures.pop(name, None)
            value = found[0]
            self.values[name] = value
            text = str(value)
            secret = is_secret_name(name) or is_secret_name(path) or name in self._in_headers
            if len(text) >= 4 and secret:
                # A credential a later probe sends: shown as its placeholder wherever it
                # appears (an answer echoing it, an exception quoting it).
                self.redactor.secrets[text] = "{" + name + "}"

    def scrub(self, record: ResponseRecord) -> ResponseRecord:
        """``record`` without a captured credential in its sample, shape or notes."""
        if not self.redactor.secrets:
            return record
        shape = None if record.shape is None else self._shape(record.shape)
        sample, extra = self.redactor.data(record.sample), self.redactor.data(dict(record.extra))
        return replace(record, shape=shape, sample=sample, extra=extra)

    def _shape(self, shape: Shape) -> Shape:
        example = shape.example
        if isinstance(example, str) and self.redactor.text(example) != example:
            example = None
        items = None if shape.items is None else self._shape(shape.items)
        fields = {name: self._shape(child) for name, child in shape.fields.items()}
        return replace(shape, example=example, items=items, fields=MappingProxyType(fields))

    def missing(self, probe: Probe) -> str | None:
        """Why ``probe`` cannot be sent (a value it needs was not captured), else None."""
        for name in placeholders(probe):
            if name in self.values:
                continue
            failure = self.failures.get(name)
            if failure is not None:
                return f"not sent: {failure}"
            return f"not sent: {{{name}}} was not captured"
        return None

    def fill(self, probe: Probe, *, headers: Mapping[str, str]) -> dict[str, Any]:
        """The parts of ``probe``'s request with its placeholders replaced; ``headers`` are
        its headers with ``${ENV}`` already expanded. A path placeholder is one segment."""
        parts: dict[str, Any] = {
            "path": _PLACEHOLDER.sub(
                lambda m: quote(_as_text(self.values[m.group(1)]), safe=""), probe.path
            ),
            "params": {k: self._data(v) for k, v in probe.params.items()},
            "headers": {k: self._text(v) for k, v in headers.items()},
            "json": self._data(probe.json),
        }
        if probe.data is not None:
            parts["data"] = {k: self._text(v) for k, v in probe.data.items()}
        return parts

    def _text(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: _as_text(self.values[m.group(1)]), text)

    def _data(self, value: Any) -> Any:
        if isinstance(value, str):
            whole = _PLACEHOLDER.fullmatch(value)
            # A value that is only a placeholder keeps the captured type: an id stays a number.
            return self.values[whole.group(1)] if whole else self._text(value)
        if isinstance(value, Mapping):
            return {key: self._data(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._data(item) for item in value]
        return value


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _matches(value: Any, matcher: PathMatcher, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every value of a JSON document whose path ``matcher`` selects, in document order."""
    if path and matcher(path):
        yield path, value
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _matches(item, matcher, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _matches(item, matcher, (*path, ITEMS))
