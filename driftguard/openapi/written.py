"""A document as written, over its files: JSON pointers followed through ``$ref``.

Loading bundles a document's external references into one tree; a report that points
at lines needs the opposite, each element in the file it is written in. A
:class:`Written` reads the document again, and the files its references reach inside the
document's directory tree (the loader's rule), each once, and follows references
(local, or into those files) as far as they lead. A file that cannot be read again (it
changed since the run) only leaves its elements without a place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from driftguard.openapi.positions import Pointer
from driftguard.openapi.refs import unescape

__all__ = ["At", "Document", "Written", "child"]

MAX_HOPS = 64  # $ref hops in one chain


@dataclass(frozen=True)
class Document:
    """One file as written: the path to show (as the user gave it), its text and data."""

    shown: str
    real: Path
    text: str
    data: Any


class At(NamedTuple):
    """An element: its document, its pointer there, and its value."""

    document: Document
    pointer: Pointer
    node: Any


class Written:
    """The files of one document, each read once: the one given and those its ``$ref``
    reach inside its directory tree."""

    def __init__(self, path: str) -> None:
        self.root = Path(path).resolve().parent
        self._documents: dict[Path, Document | None] = {}
        self.main = self._read(path, Path(path).resolve())

    def _read(self, shown: str, real: Path) -> Document | None:
        if real in self._documents:
            return self._documents[real]
        from driftguard.openapi.files import read_file
        from driftguard.openapi.parsing import parse_document

        document = None
        try:
            text = read_file(real).decode("utf-8-sig")
            document = Document(shown, real, text, parse_document(text, where=shown))
        except Exception:  # a file that cannot be read again has no place
            document = None
        self._documents[real] = document
        return document

    def deref(self, at: At | None) -> At | None:
        """``at`` with its ``$ref`` chain followed as far as it can be (the last element
        reached: a reference to a URL or outside the tree stays where it is written)."""
        hops = 0
        while at is not None and isinstance(at.node, dict) and hops < MAX_HOPS:
            ref = at.node.get("$ref")
            if not isinstance(ref, str):
                break
            target = self._target(at.document, ref)
            if target is None:
                break
            at, hops = target, hops + 1
        return at

    def _target(self, document: Document, ref: str) -> At | None:
        where, _, fragment = ref.partition("#")
        if where:
            if "://" in where:
                return None
            real = (document.real.parent / unquote(where)).resolve()
            if not real.is_relative_to(self.root):
                return None
            shown = os.path.normpath(os.path.join(os.path.dirname(document.shown), unquote(where)))
            other = self._read(shown, real)
            if other is None:
                return None
            document = other
        at = At(document, (), document.data)
        for token in fragment.split("/")[1:] if fragment.startswith("/") else []:
            step = child(at, unescape(token))
            if step is None:
                return None
            at = step
        return at


def child(at: At | None, key: str) -> At | None:
    """The element under ``key`` (an object's key, an array's index), None if none."""
    if at is None:
        return None
    node = at.node
    if isinstance(node, dict):
        if key in node:
            return At(at.document, (*at.pointer, key), node[key])
    elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
        return At(at.document, (*at.pointer, key), node[int(key)])
    return None
