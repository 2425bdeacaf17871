"""Where in the repository a cause can be shown: the file and line of an annotation.

Read only by formats that point at lines (``--format github``), after the run, from the
run's own facts: ``run.target`` (the new document, as the user wrote it) and
``run.baseline`` (the old document, or the snapshot directory).

- A schema finding is placed on its element in the new document when that is a file
  (:mod:`driftguard.openapi.places`: the component it is inside, else the operation's
  parameter, body, response or header and the schema path in it, else the nearest element
  that exists). An element that is not in the new document is placed on its nearest
  ancestor there, and when the old document is a file, the note says where it was.
- Response drift is placed on the probe's record in the snapshot,
  ``<snapshot>/responses/<probe>.json``, on the field's line in its recorded shape.
- A fuzz finding, or a schema finding of a target that is no file (an app, a URL), has no
  place: its annotation is not attached to a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from driftguard.findings import Finding, RunInfo
from driftguard.openapi.positions import Pointer, lines_of
from driftguard.targets import SPEC_SUFFIXES

if TYPE_CHECKING:
    from driftguard.causes import Cause
    from driftguard.openapi.places import Sources, Spot
    from driftguard.openapi.written import Document

__all__ = ["Place", "place_causes", "shown_path"]

_TRIES = 8  # findings of one cause tried for an exact place (they mostly share one)
_SPEC_FILE = "openapi.json"


@dataclass(frozen=True)
class Place:
    """A file (as it should be shown to GitHub) and a 1-based line; ``note`` says where a
    removed element was, when it is shown on its nearest ancestor instead."""

    file: str
    line: int
    note: str | None = None


def shown_path(path: str) -> str:
    """``path`` as GitHub resolves it against the workspace: relative to the current
    directory when it is inside it (an absolute path outside stays as it is)."""
    if not os.path.isabs(path):
        return os.path.normpath(path)
    here = os.getcwd()
    absolute = os.path.normpath(path)
    if os.path.commonpath([here, absolute]) == here:
        return os.path.relpath(absolute, here)
    return absolute


def place_causes(causes: Iterable[Cause], run: RunInfo, command: str) -> dict[str, Place]:
    """The place of each cause that has one, by cause key, reading each file once."""
    places = _Places(run, command)
    return places.resolve(list(causes))


class _Places:
    def __init__(self, run: RunInfo, command: str) -> None:
        self.snapshot = run.baseline if command == "check" and _is_dir(run.baseline) else None
        self.new_file = _document_file(run.target)
        old = run.baseline if command != "check" else None
        self.old_file = _document_file(old or self.snapshot)
        self._new: Sources | None = None
        self._old: Sources | None = None

    def sources(self, old: bool) -> Sources | None:
        from driftguard.openapi.places import Sources

        path = self.old_file if old else self.new_file
        if path is None:
            return None
        if old:
            self._old = self._old or Sources(path)
            return self._old
        self._new = self._new or Sources(path)
        return self._new

    def resolve(self, causes: list[Cause]) -> dict[str, Place]:
        spots: dict[str, tuple[Spot, Finding]] = {}
        removed: dict[str, Spot] = {}
        records: dict[str, tuple[str, Pointer]] = {}
        for cause in causes:
            # the findings the cause's message speaks of first: it names their element
            ordered = sorted(cause.findings, key=lambda f: f.id != cause.id)
            chosen = self._spot(ordered)
            if chosen is not None:
                spots[cause.key] = chosen
                if not chosen[0].exact:
                    was = self._old_spot(chosen[1])
                    if was is not None:
                        removed[cause.key] = was
                continue
            record = self._record(cause.findings)
            if record is not None:
                records[cause.key] = record
        lines = _lines([s[0] for s in spots.values()] + list(removed.values()))
        result: dict[str, Place] = {}
        for key, (spot, _) in spots.items():
            note = None
            gone = removed.get(key)
            if gone is not None:
                note = (
                    f"removed: it was at {shown_path(gone.document.shown)} line "
                    f"{lines[id(gone)]} ({_pointer_text(gone.pointer)}); shown on the nearest "
                    f"element left, {_pointer_text(spot.pointer)}"
                )
            result[key] = Place(shown_path(spot.document.shown), lines[id(spot)], note)
        by_file: dict[str, list[Pointer]] = {}
        for path, pointer in records.values():
            by_file.setdefault(path, []).append(pointer)
        record_lines = {}
        for path, pointers in by_file.items():
            text = _read_text(path)
            if text is not None:
                record_lines[path] = lines_of(text, pointers)
        for key, (path, pointer) in records.items():
            if path in record_lines:
                result[key] = Place(shown_path(path), record_lines[path][pointer])
        return result

    def _spot(self, findings: Iterable[Finding]) -> tuple[Spot, Finding] | None:
        """The most exact place of the first few schema findings in the new document."""
        sources = self.sources(old=False)
        if sources is None:
            return None
        best: tuple[Spot, Finding] | None = None
        tried = 0
        for finding in findings:
            if finding.source != "schema":
                continue
            spot = sources.spot(finding)
            if spot is not None and (best is None or (spot.exact and not best[0].exact)):
                best = (spot, finding)
            tried += 1
            if (best is not None and best[0].exact) or tried >= _TRIES:
                break
        return best

    def _old_spot(self, finding: Finding) -> Spot | None:
        sources = self.sources(old=True)
        spot = sources.spot(finding) if sources is not None else None
        return spot if spot is not None and spot.exact else None

    def _record(self, findings: Iterable[Finding]) -> tuple[str, Pointer] | None:
        """The probe's record file and the pointer of the field in its shape."""
        if self.snapshot is None:
            return None
        from driftguard.shapes import parse_path
        from driftguard.snapshots.store import RESPONSES

        for finding in findings:
            probe = finding.details.get("probe")
            if finding.source != "response" or not isinstance(probe, str):
                continue
            path = os.path.join(self.snapshot, RESPONSES, f"{probe}.json")
            if "/" in probe or not os.path.isfile(path):
                continue
            pointer: list[str] = ["shape"]
            try:
                segments = parse_path(str(finding.details.get("path", "$")))
            except ValueError:
                segments = ()
            for segment in segments:
                pointer += ["items"] if segment is None else ["properties", segment]
            return path, tuple(pointer)
        return None


def _lines(spots: list[Spot]) -> dict[int, int]:
    """The line of each spot (by id), one scan of each document for all its pointers."""
    by_document: dict[int, tuple[Document, list[Spot]]] = {}
    for spot in spots:
        by_document.setdefault(id(spot.document), (spot.document, []))[1].append(spot)
    lines: dict[int, int] = {}
    for document, members in by_document.values():
        found = lines_of(document.text, [s.pointer for s in members])
        for spot in members:
            lines[id(spot)] = found[spot.pointer]
    return lines


def _pointer_text(pointer: Pointer) -> str:
    from driftguard.openapi.refs import escape

    return "#/" + "/".join(escape(token) for token in pointer)


def _is_dir(value: str | None) -> bool:
    return bool(value) and os.path.isdir(str(value))


def _document_file(value: str | None) -> str | None:
    """A TARGET that is a document file, or a snapshot directory's document."""
    if not value:
        return None
    if value.lower().endswith(SPEC_SUFFIXES) and os.path.isfile(value):
        return value
    if os.path.isdir(value) and os.path.isfile(os.path.join(value, _SPEC_FILE)):
        return os.path.join(value, _SPEC_FILE)
    return None


def _read_text(path: str) -> str | None:
    from driftguard.openapi.files import read_file

    try:
        return read_file(Path(path)).decode("utf-8-sig")
    except Exception:  # a record that cannot be read again has no line
        return None
