"""String formats a response can change without changing its JSON type.

Serialisers disagree on how a value is spelled, not only on what it is: Pydantic 1 wrote a
UTC datetime ``+00:00`` and Pydantic 2 writes ``Z``; an ``HttpUrl`` gained a trailing slash;
a ``Decimal`` kept its precision as a string. A format is what kind of string it is; a style
is how it is spelled. Both are decided for a whole column of values at once, because a shape
is inferred from every item of an array: the per-value work is one C-level regex call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import methodcaller

__all__ = ["STRONG", "StringFormat", "describe", "detect", "label"]


@dataclass(frozen=True)
class StringFormat:
    name: str
    pattern: re.Pattern[str]
    # The spelling shared by every value of a column, or None when they differ.
    style: Callable[[Sequence[str]], str | None]


def _no_style(values: Sequence[str]) -> str | None:
    return None


_ENDS_Z = methodcaller("endswith", ("Z", "z"))
_COLON_OFFSET = re.compile(r".*[+-]\d\d:\d\d\Z")
_PLAIN_OFFSET = re.compile(r".*[+-]\d{4}\Z")


def _offset_style(values: Sequence[str]) -> str | None:
    zulu = sum(map(_ENDS_Z, values))
    if zulu == len(values):
        return "Z"
    if zulu:
        return None
    colon = sum(1 for _ in filter(None, map(_COLON_OFFSET.match, values)))
    if colon == len(values):
        return "+00:00"
    if colon:
        return None
    plain = sum(1 for _ in filter(None, map(_PLAIN_OFFSET.match, values)))
    if plain == len(values):
        return "+0000"
    return "naive" if not plain else None


_HEX_UPPER = ("A", "B", "C", "D", "E", "F")
_HEX_LOWER = ("a", "b", "c", "d", "e", "f")


def _uuid_case(values: Sequence[str]) -> str | None:
    joined = "".join(values)
    upper = any(c in joined for c in _HEX_UPPER)
    lower = any(c in joined for c in _HEX_LOWER)
    if upper and not lower:
        return "upper-case"
    if lower and not upper:
        return "lower-case"
    return None


_ENDS_SLASH = methodcaller("endswith", "/")


def _trailing_slash(values: Sequence[str]) -> str | None:
    slashes = sum(map(_ENDS_SLASH, values))
    if slashes == len(values):
        return "trailing slash"
    return "no trailing slash" if slashes == 0 else None


def _precision(values: Sequence[str]) -> str | None:
    digits = {len(v) - v.index(".") - 1 if "." in v else 0 for v in values}
    if len(digits) != 1:
        return None
    places = digits.pop()
    return "integer" if places == 0 else f"{places} decimal{'s' if places > 1 else ''}"


_DURATION_PART = r"\d+(?:[.,]\d+)?"
FORMATS: tuple[StringFormat, ...] = (
    StringFormat(
        "date-time",
        re.compile(
            r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:[Zz]|[+-]\d\d:?\d\d)?\Z"
        ),
        _offset_style,
    ),
    StringFormat("date", re.compile(r"\d{4}-\d\d-\d\d\Z"), _no_style),
    StringFormat(
        "time", re.compile(r"\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[Zz]|[+-]\d\d:?\d\d)?\Z"), _no_style
    ),
    StringFormat(
        "duration",
        re.compile(
            rf"-?P(?=\d|T\d)(?:{_DURATION_PART}Y)?(?:{_DURATION_PART}M)?(?:{_DURATION_PART}W)?"
            rf"(?:{_DURATION_PART}D)?(?:T(?=\d)(?:{_DURATION_PART}H)?(?:{_DURATION_PART}M)?"
            rf"(?:{_DURATION_PART}S)?)?\Z"
        ),
        _no_style,
    ),
    StringFormat(
        "uuid",
        re.compile(
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
        ),
        _uuid_case,
    ),
    StringFormat("uri", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s]+\Z"), _trailing_slash),
    StringFormat("email", re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+\Z"), _no_style),
    StringFormat("numeric", re.compile(r"-?\d+(?:\.\d+)?\Z"), _precision),
)

# Formats whose loss means the field changed. A string that happened to be all digits
# ("numeric") becoming a word says nothing: codes and references look like that.
STRONG = frozenset(f.name for f in FORMATS) - {"numeric"}


def detect(values: Sequence[str]) -> tuple[str | None, str | None]:
    """The format and style shared by every string in ``values`` (non-empty), else None."""
    first = values[0]
    for candidate in FORMATS:
        if candidate.pattern.match(first):
            break
    else:
        return None, None
    if len(values) > 1 and not all(map(candidate.pattern.match, values)):
        # Strings of different kinds: merged, they are plain strings.
        return None, None
    return candidate.name, candidate.style(values)


def describe(type_name: str, fmt: str | None, style: str | None) -> str:
    """How a type and format read in a message: ``string (date-time, Z)``."""
    if not fmt:
        return type_name
    return f"{type_name} ({fmt}, {style})" if style else f"{type_name} ({fmt})"


def label(fmt: str | None, style: str | None) -> str:
    """A format as a finding shows it: ``date-time (Z)``, ``uri (trailing slash)``."""
    if not fmt:
        return "string"
    return f"{fmt} ({style})" if style else fmt
