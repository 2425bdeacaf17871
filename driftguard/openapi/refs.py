"""Local ``$ref``: JSON pointers into one document, and following a chain of references.

Every stage that reads an OpenAPI document follows references the same way: the diff
(strictly: a broken or circular reference is a :class:`~driftguard.RefError` naming it),
probes and the fuzzer (leniently: a reference that leads nowhere reads as an empty schema,
because a document they did not validate may still be useful). External references never
reach here: loading bundles them into the document (:mod:`driftguard.openapi.load`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from driftguard._errors import RefError

__all__ = ["escape", "follow", "lookup", "resolve", "unescape"]


def escape(token: str) -> str:
    """A key as one JSON-pointer token: ``a/b`` is ``a~1b`` (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """The key a token of a ``#/...`` fragment names (percent-decoded, then RFC 6901)."""
    return unquote(token).replace("~1", "/").replace("~0", "~")


def lookup(document: Any, ref: str, *, where: str = "document") -> Any:
    """The node a local reference (``#/components/schemas/User``) points at in ``document``."""
    if not ref.startswith("#"):
        raise RefError(f"{where}: unresolved external reference {ref!r}")
    node = document
    for token in ref[1:].split("/")[1:] if ref != "#" else []:
        key = unescape(token)
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise RefError(f"{where}: broken reference {ref!r} (no {key!r} there)")
    return node


def follow(node: Any, target: Callable[[str], Any], *, where: str = "document") -> Any:
    """``node`` with its chain of ``$ref`` followed through ``target`` (ref -> node).

    A chain may be as long as the document makes it; only a reference met twice is an
    error (a cycle never ends).
    """
    seen: set[str] = set()
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        if ref in seen:
            raise RefError(f"{where}: circular reference chain at {ref!r}")
        seen.add(ref)
        node = target(ref)
    return node


def resolve(document: Any, node: Any) -> Any:
    """``node`` with its references followed in ``document``; ``{}`` where they lead nowhere
    (a broken, external or circular reference)."""
    try:
        return follow(node, lambda ref: lookup(document, ref))
    except RefError:
        return {}
