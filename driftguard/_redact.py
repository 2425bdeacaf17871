"""The one redaction rule set: what counts as a secret, for every file and every report.

Snapshots are committed to git and reports are pasted into pull requests, so a secret must
reach neither. Two rules decide, the same for a snapshot record, a probe's request, a
downstream record and a fuzz report:

- **by name**: a header or field named like a credential (``Authorization``, ``Cookie``,
  ``X-Api-Key``, ``*token*``, ``*password*``, ``*secret*``, ...) holds one, whatever its value;
- **by value**: a string that looks like one (a bearer token, a JWT, a Stripe-style key) is
  one, whatever its name.

A run may also be given secrets (credentials the user supplied for the target): a
:class:`Redactor` replaces those wherever they appear, by the ``${ENV}`` reference the
configuration wrote when there is one, so that a reproduction still runs in a shell that
exports the variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from driftguard._types import Json

__all__ = [
    "REDACTED",
    "SECRET_HEADERS",
    "Redactor",
    "is_secret_name",
    "looks_secret",
    "redact",
    "redact_headers",
]

REDACTED = "<redacted>"

# Header names that carry credentials whatever they are called otherwise.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SECRET_NAME = re.compile(
    r"token|passw|passphrase|pwd|secret|credential|api[-_]?key|apikey|private[-_]?key"
    r"|session|^auth$|authori[sz]ation|cookie|signature|^otp$",
    re.IGNORECASE,
)
_SECRET_VALUE = re.compile(
    r"(?:bearer|basic|token)\s+\S{8,}"  # an Authorization header value pasted into a body
    r"|eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*"  # a JWT
    r"|(?:sk|pk|rk)_(?:live|test)_\w{8,}",  # Stripe-style keys
    re.IGNORECASE,
)

# What a sample (an excerpt of a body for humans) keeps: items per array, characters per
# string, levels of nesting.
SAMPLE_ITEMS = 2
SAMPLE_STRING = 200
SAMPLE_DEPTH = 8


def is_secret_name(name: str) -> bool:
    """Whether a header or field name says its value is a credential."""
    return name.lower() in SECRET_HEADERS or _SECRET_NAME.search(name) is not None


def looks_secret(value: Any) -> bool:
    """Whether a value is a string that looks like a credential, whatever it is called."""
    return isinstance(value, str) and _SECRET_VALUE.search(value) is not None


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name: REDACTED if is_secret_name(name) or looks_secret(value) else value
        for name, value in headers.items()
    }


def redact(value: Json, *, sample: bool = False) -> Json:
    """A copy of JSON data with every credential-named field and credential-looking string
    replaced by ``"<redacted>"`` (a field that is null holds no secret and stays null).

    With ``sample``, an excerpt for humans reading a snapshot: the first items of each
    array, long strings cut, deep nesting elided. Never compared.
    """
    return _redact(value, sample, 0)


def _redact(value: Any, sample: bool, depth: int) -> Any:
    if sample and depth > SAMPLE_DEPTH:
        return "…"
    if isinstance(value, Mapping):
        return {
            key: REDACTED
            if item is not None and is_secret_name(str(key))
            else _redact(item, sample, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        items = value[:SAMPLE_ITEMS] if sample else value
        return [_redact(item, sample, depth + 1) for item in items]
    if isinstance(value, str):
        if looks_secret(value):
            return REDACTED
        if sample and len(value) > SAMPLE_STRING:
            return value[:SAMPLE_STRING] + "…"
    return value


@dataclass
class Redactor:
    """The rule set, plus the secrets one run was given (supplied credentials).

    ``secrets`` maps each supplied value to what is shown instead: its ``${ENV}`` reference,
    or ``<redacted>``. ``harmless`` lists values known not to be secrets though they sit in
    credential slots (the fake credentials driftguard sends to test authentication).
    """

    secrets: dict[str, str] = field(default_factory=dict)
    harmless: frozenset[str] = frozenset()

    @classmethod
    def for_headers(
        cls,
        headers: Mapping[str, str],
        templates: Mapping[str, str] | None = None,
        *,
        harmless: frozenset[str] = frozenset(),
    ) -> Redactor:
        """Every supplied header value is a secret; ``templates`` maps header names to their
        configured ``${ENV}`` form."""
        secrets: dict[str, str] = {}
        by_name = {k.lower(): v for k, v in (templates or {}).items()}
        for name, value in headers.items():
            if len(value) < 4:
                continue  # too short to replace inside other text without mangling it
            template = by_name.get(name.lower())
            secrets[value] = template if template and "${" in template else REDACTED
        return cls(secrets, harmless)

    def text(self, value: str) -> str:
        """``value`` with every supplied secret inside it replaced."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, self.secrets[secret])
        return value

    def data(self, value: Json) -> Json:
        """JSON-like data with :meth:`text` applied to every string inside it.

        Only the supplied secrets go: what a run generated itself (a request body to
        reproduce) must stay as it was sent.
        """
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {key: self.data(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(item) for item in value]
        return value

    def received(self, value: Json) -> Json:
        """Data a target sent back (a response body): the whole rule set, then the secrets.

        A service under test may issue real tokens to the users a run creates.
        """
        return self.data(redact(value))

    def field(self, name: str, value: str) -> str:
        """A header or query value: a supplied secret, a credential by name, or plain text."""
        if value in self.secrets:
            return self.secrets[value]
        if any(fake in value for fake in self.harmless):
            return self.text(value)
        if is_secret_name(name) or looks_secret(value):
            return REDACTED
        return self.text(value)
