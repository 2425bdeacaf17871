"""HTTP as an OpenAPI document and a snapshot see it: methods, route templates, media types.

One module for the rules every stage shares, so that a probe, a downstream record, the diff
and the fuzzer agree on which operation a request belongs to and what counts as JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "HEADER_NAME",
    "METHODS",
    "PATH_PARAMETER",
    "SAFE_METHODS",
    "Route",
    "header_value_problem",
    "is_json_media_type",
    "is_target_path",
    "media_type_of",
    "most_literal_first",
    "path_template",
]

# The operation keys of an OpenAPI path item, in the order the specification lists them.
METHODS: tuple[str, ...] = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Methods that change nothing on the server (RFC 9110 9.2.1): the only ones sent to a live
# service unless the user allows the others.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A header name: an RFC 9110 token (5.1, 5.6.2). Servers refuse or drop anything else.
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# What a header value may not hold (RFC 9110 5.5): control characters other than tab.
_HEADER_VALUE_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def header_value_problem(value: str) -> str | None:
    """Why ``value`` cannot be an HTTP header value (a CR, LF, NUL or other control
    character in it), or None when it can."""
    found = _HEADER_VALUE_CONTROL.search(value)
    if found is None:
        return None
    char = found.group()
    names = {"\r": "a CR", "\n": "an LF", "\x00": "a NUL"}
    return f"{names.get(char, f'the control character {char!r}')} at offset {found.start()}"


# ``{user_id}`` in a route template; the name may be empty (``{}``), never holds a slash.
PATH_PARAMETER = re.compile(r"\{([^{}/]*)\}")


def is_target_path(path: str) -> bool:
    """Whether ``path`` names a resource of the target itself: ``/users/1``, never another
    host (``//evil.example/x``, ``http://evil.example/x``)."""
    return path.startswith("/") and not path.startswith("//")


def path_template(path: str) -> str:
    """The path with parameter names erased: ``/users/{id}`` and ``/users/{user_id}`` match."""
    return PATH_PARAMETER.sub("{}", path)


class Route:
    """A route template as a matcher: ``GET /users/{user_id}`` matches ``GET /users/42``.

    A parameter matches one non-empty path segment; a trailing slash and a query string are
    ignored. ``literal`` counts the template's fixed characters, so that of two routes that
    match (``/users/me`` and ``/users/{id}``) the more literal one can be preferred.
    """

    __slots__ = ("literal", "method", "pattern", "template")

    def __init__(self, template: str, method: str | None = None) -> None:
        self.template = template
        self.method = method.upper() if method else None
        parts = PATH_PARAMETER.split(template)
        # split() alternates text and parameter names: the even parts are the literal text.
        literals = parts[0::2]
        self.literal = sum(len(text) for text in literals)
        self.pattern = re.compile("[^/]+".join(re.escape(text) for text in literals) + r"/?\Z")

    @classmethod
    def parse(cls, text: str) -> Route:
        """``"GET /rates/{base}"`` or ``"/rates/{base}"`` (any method); ValueError otherwise."""
        method, _, template = text.strip().rpartition(" ")
        if not template.startswith("/"):
            raise ValueError(f"route {text!r}: write it as 'GET /rates/{{base}}'")
        return cls(template, method.strip() or None)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        return self.pattern.match(path.split("?", 1)[0]) is not None

    def __repr__(self) -> str:
        return f"Route({self.method or '*'} {self.template})"


def most_literal_first(routes: Iterable[Route]) -> list[Route]:
    """Routes in the order a request should try them: most literal first, then by template."""
    return sorted(routes, key=lambda route: (-route.literal, route.template, route.method or ""))


def media_type_of(content_type: str | None) -> str | None:
    """``application/json; charset=utf-8`` -> ``application/json``; no header -> None."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def is_json_media_type(media_type: str | None) -> bool:
    """``application/json`` and the structured ``+json`` types (``application/problem+json``)."""
    return media_type is not None and (
        media_type == "application/json" or media_type.endswith("+json")
    )
