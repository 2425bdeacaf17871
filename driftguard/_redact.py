"""The one redaction rule set: what counts as a secret, for every file and every report.

Snapshots are committed to git and reports are pasted into pull requests, so a secret must
reach neither. Two rules decide, the same for a snapshot record, a probe's request, a
downstream record and a fuzz report:

- **by name**: a header or field named like a credential (``Authorization``, ``Cookie``,
  ``X-Api-Key``, ``X-Auth``, ``*token*``, ``*password*``, ``*secret*``, ``pin``, ...) holds
  one, whatever its value;
- **by value**: text that looks like one, whatever it is called: a bearer or basic
  credential, a JWT, a PEM private key, a vendor key (AWS, Stripe, GitHub, Slack, Google),
  the password in a URL's userinfo, a credential-like query parameter, or a ``name: value``
  pair whose name is a credential's (a body or an exception quoted in a message).

Where a value is data (a field of a body), the whole value is replaced by ``<redacted>`` when
its name says so; otherwise only the secret parts of its text are, so that
``postgres://app:<redacted>@db/shop`` still says what it was.

A run may also be given secrets (credentials the user supplied for the target): a
:class:`Redactor` replaces those wherever they appear, by an ``${ENV}`` reference, so that a
reproduction still runs in a shell that exports the variable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from driftguard._types import Json

__all__ = [
    "REDACTED",
    "SECRET_HEADERS",
    "Redactor",
    "env_name",
    "is_secret_name",
    "looks_secret",
    "redact",
    "redact_headers",
    "redact_text",
]

REDACTED = "<redacted>"

# Header names that carry credentials whatever they are called otherwise.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SECRET_NAME = re.compile(
    r"token|passw|passphrase|passcode|pwd|secret|credential|api[-_]?key|apikey"
    r"|access[-_]?key|accesskey|private[-_]?key|session|authori[sz]ation|cookie|signature"
    r"|jwt|bearer|webhook|^auth$|^x-auth|^otp$|^pass$|^pin$|^pincode$|^sig$|^cvv$|^cvc$",
    re.IGNORECASE,
)
# Query parameters that carry credentials in URLs (?api_key=..., &sig=...).
_QUERY_NAME = (
    r"api[-_]?key|apikey|access[-_]?key|access[-_]?token|auth[-_]?token|token|key|secret"
    r"|password|passwd|pwd|sig|signature|client[-_]?secret|code|auth"
)
# Each pattern's group "keep" (if any) is kept, the rest of the match is the secret.
# (Python allows a group name once per pattern: the alternatives are numbered below.)
_VALUE_PATTERNS = [
    # a PEM private key, armour and all (an unterminated one to the end of the text)
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*)",
    # an Authorization header value pasted into a body or a message
    r"(?P<keep>\b(?:bearer|basic|token)\s+)[^\s\"',;]{8,}",
    # a JWT
    r"\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*",
    # vendor keys: Stripe, AWS access key ids, GitHub, Slack, Google
    r"\b(?:sk|pk|rk)_(?:live|test)_\w{8,}",
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
    r"\bgh[pousr]_[A-Za-z0-9]{30,}",
    r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
    r"\bAIza[0-9A-Za-z_-]{35}",
    # the password of a URL's userinfo: scheme://user:PASSWORD@host
    r"(?P<keep>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@]*:)[^\s/@]+(?=@)",
    # a credential-like query parameter: ?api_key=..., &sig=...
    rf"(?P<keep>[?&;](?:{_QUERY_NAME})=)[^&#\s\"']+",
]
_VALUE = re.compile(
    "|".join(f"(?:{p.replace('?P<keep>', f'?P<keep{i}>')})" for i, p in enumerate(_VALUE_PATTERNS)),
    re.IGNORECASE | re.DOTALL,
)
_KEEPS = [name for name in _VALUE.groupindex if name.startswith("keep")]
# A name and its value in text: JSON ("name": "v"), a Python repr ('name': 'v'), a header
# line (Name: v), a form or query pair (name=v).
# A name starts where a word starts (the look-behind) and is never given back (possessive):
# a long run of letters is then tried once, not once per position, which kept a 60,000
# character value busy for seconds.
_PAIR = re.compile(
    r"""(?<![\w.\-"'])(?P<q>["']?)(?P<name>[A-Za-z][\w.-]*+)(?P=q)(?P<sep>\s*[:=]\s*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*+"|'(?:[^'\\]|\\.)*+'"""
    r"""|[^\s,;&}\])"']++(?:[ \t]+[^\s,;&}\])"']++)*+)"""
)
_HARMLESS_VALUES = frozenset({"null", "none", "true", "false", "''", '""', REDACTED})

# What a sample (an excerpt of a body for humans) keeps: items per array, characters per
# string, levels of nesting.
SAMPLE_ITEMS = 2
SAMPLE_STRING = 200
SAMPLE_DEPTH = 8


def is_secret_name(name: str) -> bool:
    """Whether a header or field name says its value is a credential."""
    return name.lower() in SECRET_HEADERS or _SECRET_NAME.search(name) is not None


def _value(match: re.Match[str]) -> str:
    kept = next((match.group(name) for name in _KEEPS if match.group(name)), "")
    return kept + REDACTED


def _pair(match: re.Match[str]) -> str:
    value = match.group("value")
    if not is_secret_name(match.group("name")) or value.lower() in _HARMLESS_VALUES:
        return match.group(0)
    quote = value[0] if value[0] in "\"'" and len(value) > 1 else ""
    head = match.group(0)[: match.start("value") - match.start(0)]
    return f"{head}{quote}{REDACTED}{quote}"


def redact_text(text: str) -> str:
    """``text`` with every secret inside it replaced, the rest kept as it was."""
    if len(text) < 8:
        return text
    return _PAIR.sub(_pair, _VALUE.sub(_value, text))


def looks_secret(value: Any) -> bool:
    """Whether a value is text holding a credential, whatever it is called."""
    return isinstance(value, str) and redact_text(value) != value


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name: REDACTED if is_secret_name(name) else redact_text(value)
        for name, value in headers.items()
    }


def redact(value: Json, *, sample: bool = False) -> Json:
    """A copy of JSON data with every credential-named field replaced by ``"<redacted>"``
    (a field that is null holds no secret and stays null) and the secrets inside every
    other string replaced (:func:`redact_text`).

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
        value = redact_text(value)
        if sample and len(value) > SAMPLE_STRING:
            return value[:SAMPLE_STRING] + "…"
    return value


def _strings(value: Json, change: Callable[[str], str]) -> Json:
    """JSON-like data with ``change`` applied to every string value (never to a key)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {key: _strings(item, change) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_strings(item, change) for item in value]
    return value


def env_name(header: str) -> str:
    """The environment variable a reproduction reads a supplied header from: ``X_TOKEN``."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", header).strip("_").upper()
    return name if name and not name[0].isdigit() else f"HEADER_{name}"


@dataclass
class Redactor:
    """The rule set, plus the secrets one run was given (supplied credentials).

    ``secrets`` maps each supplied value to what is shown instead: an ``${ENV}`` reference
    (the one the configuration wrote, or one named after the header, which ``exports``
    then lists as variable -> header so that a report can say what to export).
    ``harmless`` lists values known not to be secrets though they sit in credential slots
    (the fake credentials driftguard sends to test authentication).
    """

    secrets: dict[str, str] = field(default_factory=dict)
    harmless: frozenset[str] = frozenset()
    exports: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_headers(
        cls,
        headers: Mapping[str, str],
        templates: Mapping[str, str] | None = None,
        *,
        harmless: frozenset[str] = frozenset(),
    ) -> Redactor:
        """Every supplied header value is a secret; ``templates`` maps header names to their
        configured ``${ENV}`` form. A value given literally is shown as ``${HEADER_NAME}``."""
        secrets: dict[str, str] = {}
        exports: dict[str, str] = {}
        by_name = {k.lower(): v for k, v in (templates or {}).items()}
        for name, value in headers.items():
            if len(value) < 4:
                continue  # too short to replace inside other text without mangling it
            template = by_name.get(name.lower())
            if template and "${" in template:
                secrets[value] = template
            else:
                variable = env_name(name)
                secrets[value] = f"${{{variable}}}"
                exports[variable] = name
        return cls(secrets, harmless, exports)

    @property
    def placeholders(self) -> frozenset[str]:
        """The ``${NAME}`` references shown instead of supplied secrets."""
        return frozenset(self.secrets.values())

    def text(self, value: str) -> str:
        """``value`` with every supplied secret inside it replaced (text that was sent)."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, self.secrets[secret])
        return value

    def data(self, value: Json) -> Json:
        """JSON-like data with :meth:`text` applied to every string inside it.

        Only the supplied secrets go: what a run generated itself (a request body to
        reproduce) must stay as it was sent.
        """
        return _strings(value, self.text)

    def received(self, value: Json) -> Json:
        """Data a target sent back (a response body): the whole rule set, then the secrets.

        A service under test may issue real tokens to the users a run creates.
        """
        return self.data(redact(value))

    def received_text(self, value: str) -> str:
        """Text that came from the target (a message quoting its body, an exception)."""
        return redact_text(self.text(value))

    def details(self, value: Json) -> Json:
        """A finding's details: every string as :meth:`received_text` reads it, keys kept
        (they are driftguard's own words, not the target's)."""
        return _strings(value, self.received_text)

    def field(self, name: str, value: str) -> str:
        """A header or query value that was sent: a supplied secret, a credential by name,
        or the text as sent (a reproduction must send what the run sent)."""
        if value in self.secrets:
            return self.secrets[value]
        if any(fake in value for fake in self.harmless):
            return self.text(value)
        if is_secret_name(name):
            return REDACTED
        return self.text(value)
