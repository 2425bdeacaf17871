"""String formats a response can change without changing its JSON type.

Serialisers disagree on how a value is spelled, not only on what it is: Pydantic 1 wrote a
UTC datetime ``+00:00`` and Pydantic 2 writes ``Z``; an ``HttpUrl`` gained a trailing slash;
a ``Decimal`` kept its precision as a string. A format is what kind of string it is; a style
is how it is spelled. Both are decided for a whole column of values at once, because a shape
is inferred from every item of an array: the per-value work is one C-level regex call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import methodcaller

__all__ = [
    "MIXED",
    "STRONG",
    "StringFormat",
    "describe",
    "detect",
    "label",
    "merged_style",
    "mixed",
    "new_spelling",
    "styles",
]


@dataclass(frozen=True)
class StringFormat:
    name: str
    pattern: re.Pattern[str]
    # How the values of a column are spelled (several for a mixed column), or None.
    style: Callable[[Sequence[str]], str | None]


def _no_style(values: Sequence[str]) -> str | None:
    return None


# A column whose values mix spellings of a closed set (offsets, hex case, a trailing slash)
# records every spelling seen, joined in one order: "+00:00 or Z". Clients of such a field
# already cope with each of them, so live values are a change only when they bring a
# spelling never recorded (all "Z" is not; "naive" is). Open sets (a numeric string's
# precision) record no style when mixed: one more decimal is data, not a new spelling.
MIXED = " or "


def styles(style: str | None) -> frozenset[str]:
    """The spellings a recorded style allows (one, or several for a mixed column)."""
    return frozenset(style.split(MIXED)) if style else frozenset()


def mixed(seen: Iterable[str | None]) -> str | None:
    """The style of a column whose values are spelled ``seen`` (None: one cannot tell)."""
    spellings = set(seen)
    if not spellings or None in spellings:
        return None
    return MIXED.join(sorted(str(s) for s in spellings))


def merged_style(fmt: str | None, a: str | None, b: str | None) -> str | None:
    """The style of a column of format ``fmt`` sometimes spelled ``a``, sometimes ``b``."""
    if a == b:
        return a
    if not (a and b) or fmt not in _CLOSED:
        return None
    return mixed(styles(a) | styles(b))


def new_spelling(old: str | None, new: str | None) -> bool:
    """Whether live values spelled ``new`` bring a spelling the recording did not allow."""
    return bool(old and new) and not styles(new) <= styles(old)


_ENDS_Z = methodcaller("endswith", ("Z", "z"))
_COLON_OFFSET = re.compile(r".*[+-]\d\d:\d\d\Z")
_PLAIN_OFFSET = re.compile(r".*[+-]\d{4}\Z")


def _count(pattern: re.Pattern[str], values: Sequence[str]) -> int:
    return sum(1 for _ in filter(None, map(pattern.match, values)))


def _offset(value: str) -> str:
    if _ENDS_Z(value):
        return "Z"
    if _COLON_OFFSET.match(value):
        return "+00:00"
    return "+0000" if _PLAIN_OFFSET.match(value) else "naive"


def _offset_style(values: Sequence[str]) -> str | None:
    # One spelling for the whole column is the common case, told by C-level passes;
    # only a mixed column is looked at value by value.
    zulu = sum(map(_ENDS_Z, values))
    if zulu == len(values):
        return "Z"
    if not zulu:
        colon = _count(_COLON_OFFSET, values)
        if colon == len(values):
            return "+00:00"
        if not colon:
            plain = _count(_PLAIN_OFFSET, values)
            if plain == len(values):
                return "+0000"
            if not plain:
                return "naive"
    return mixed(map(_offset, values))


_HEX_UPPER = ("A", "B", "C", "D", "E", "F")
_HEX_LOWER = ("a", "b", "c", "d", "e", "f")


def _case(value: str) -> str | None:
    upper = any(c in value for c in _HEX_UPPER)
    lower = any(c in value for c in _HEX_LOWER)
    if upper == lower:
        return "" if not upper else None  # "": no letter, says nothing; None: both in one
    return "upper-case" if upper else "lower-case"


def _uuid_case(values: Sequence[str]) -> str | None:
    case = _case("".join(values))
    if case != "" and case is not None:
        return case  # every value in one case, told in one pass
    if case == "":
        return None  # no letter at all: nothing to tell
    return mixed(set(map(_case, values)) - {""})


_ENDS_SLASH = methodcaller("endswith", "/")


def _trailing_slash(values: Sequence[str]) -> str | None:
    slashes = sum(map(_ENDS_SLASH, values))
    if slashes == len(values):
        return "trailing slash"
    return "no trailing slash" if slashes == 0 else mixed(["trailing slash", "no trailing slash"])


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

# Formats whose spellings are a closed set, so that a mixed column can list them.
_CLOSED = frozenset({"date-time", "uuid", "uri"})

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
