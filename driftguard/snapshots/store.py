"""The snapshot directory (CONTRACT section 4): the only module that reads or writes it.

    snapshots/
      openapi.json                the OpenAPI document as the target served it
      responses/<probe>.json      one ResponseRecord per probe (:mod:`.record`)
      tests/...                   the pytest fixture's records (never touched by a swap)

Three promises:

- A reader never sees a mixture of two runs: the new ``openapi.json`` and ``responses/`` are
  written completely in a staging directory beside the old ones, then swapped in under an
  exclusive lock on the directory, with a journal (:mod:`._swap`), so that a crash half-way
  is completed by the next reader instead of leaving a mixed snapshot. Readers hold a shared
  lock, and take the exclusive one to complete such a swap first.
- A write that fails changes nothing: its swap is undone, the old snapshot stays as it was
  and the next command works. What a write replaced is read under the lock, at the swap.
- A part that cannot be read (a corrupt file, ``responses`` that is not a directory, a
  record that is a directory) is a :class:`SnapshotError` naming it, and is left untouched.

A snapshot committed at a git revision (``origin/main:snapshots``, a name that is no
directory here) is read-only: it is copied out of git into a private temporary directory
(:func:`driftguard._git.tree_copy`) and read from there exactly as any other, its errors
naming it as the user did; writing to it is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftguard._errors import DriftguardError, LoadError, SnapshotError, UsageError, first_line
from driftguard._io import atomic_write_text, canonical_json
from driftguard.snapshots import _swap
from driftguard.snapshots._swap import JOURNAL, STAGING, error
from driftguard.snapshots._swap import RESPONSES as RESPONSES
from driftguard.snapshots._swap import SPEC_FILE as SPEC_FILE
from driftguard.snapshots.changes import SnapshotChanges, SpecChange
from driftguard.snapshots.record import ResponseRecord

if TYPE_CHECKING:
    from driftguard._git import RevisionPath

try:  # POSIX; elsewhere writes are still staged and swapped, only without the lock.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "Snapshot",
    "SnapshotChanges",
    "ci_is_set",
    "load_snapshot",
    "read_record",
    "read_spec",
    "refuse_revision",
    "write_document",
    "write_record",
    "write_snapshot",
    "write_spec",
]


_FALSE = frozenset({"", "0", "false", "no", "off", "n", "f"})


def ci_is_set(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``CI`` holds a true value (``true``, ``1``, ``yes``...): snapshots are then
    read-only, so that a CI run can never bless its own drift."""
    env = os.environ if environ is None else environ
    return env.get("CI", "").strip().lower() not in _FALSE


def _parse_json_file(path: Path) -> Any:
    from driftguard.openapi.files import read_file

    if path.is_symlink() and not path.exists():
        raise SnapshotError(f"{path}: cannot read: a link to nothing")
    if path.is_dir():
        raise SnapshotError(f"{path}: cannot read: a directory where a snapshot file belongs")
    try:
        # a regular file of bounded size: a committed link to /dev/zero or a FIFO must not
        # hang a CI run or fill its memory
        raw = read_file(path)
    except LoadError as exc:
        message = str(exc).replace(": no such file", ": no such snapshot file")
        raise SnapshotError(message) from None
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: corrupt snapshot: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}: corrupt snapshot: not JSON ({exc.msg} at line {exc.lineno} "
            f"column {exc.colno}); fix or delete it"
        ) from None
    except RecursionError:
        raise SnapshotError(f"{path}: corrupt snapshot: nested too deeply") from None
    except ValueError as exc:  # an integer too long to read (Python's 4,300-digit bound)
        raise SnapshotError(f"{path}: corrupt snapshot: {first_line(str(exc))}") from None


def read_record(path: str | os.PathLike[str]) -> ResponseRecord:
    """One record file, e.g. ``snapshots/tests/test_users/test_get_user.json``."""
    file = Path(path)
    return ResponseRecord.from_dict(_parse_json_file(file), where=str(file))


def write_record(path: str | os.PathLike[str], record: ResponseRecord) -> None:
    """Write one record atomically (readers see the old file or the new one)."""
    _write_file(path, record.to_dict())


def write_document(path: str | os.PathLike[str], document: Mapping[str, Any]) -> None:
    """Write one OpenAPI document file atomically, outside the swap (the pytest fixture's
    ``snapshots/tests/.../<test>.openapi.json``; a snapshot's own is :func:`write_spec`'s)."""
    _write_file(path, document)


def _write_file(path: str | os.PathLike[str], data: Mapping[str, Any]) -> None:
    try:
        atomic_write_text(path, canonical_json(data))
    except DriftguardError as exc:
        raise SnapshotError(str(exc)) from None


@dataclass(frozen=True)
class Snapshot:
    """A snapshot directory as read: the OpenAPI document and one record per probe."""

    directory: Path
    spec: dict[str, Any] | None
    records: Mapping[str, ResponseRecord]


@contextlib.contextmanager
def _locked(directory: Path, *, exclusive: bool) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover
        yield
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        raise error(directory, "cannot open", exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _needs_repair(root: Path) -> bool:
    try:
        with os.scandir(root) as entries:
            return any(e.name == JOURNAL or e.name.startswith(STAGING) for e in entries)
    except OSError as exc:
        raise error(root, "cannot read", exc) from None


@contextlib.contextmanager
def _reading(directory: str | os.PathLike[str]) -> Iterator[Path]:
    """The snapshot directory, locked for reading, with an interrupted swap completed first.

    A journal seen under the shared lock (its writer died a moment ago) sends the reader to
    the exclusive lock, so that a reader never reads the middle of a swap.
    """
    where = _revision(directory)
    if where is not None:
        with _revision_copy(where) as copy:
            yield copy
        return
    root = Path(directory)
    if not root.is_dir():
        raise SnapshotError(f"{root}: no snapshot here (run 'driftguard snapshot' to create it)")
    if not _needs_repair(root):
        with _locked(root, exclusive=False):
            if not os.path.lexists(root / JOURNAL):
                yield root
                return
    with _locked(root, exclusive=True):
        _swap.finish_interrupted_swap(root)
        _swap.sweep_stale_staging(root)
        yield root


def _revision(directory: str | os.PathLike[str]) -> RevisionPath | None:
    """``REV:PATH`` when ``directory`` is no directory here and names one at a revision."""
    if os.path.lexists(directory):
        return None
    from driftguard._git import parse_revision

    return parse_revision(os.fspath(directory))


@contextlib.contextmanager
def _revision_copy(where: RevisionPath) -> Iterator[Path]:
    from driftguard._git import tree_copy

    try:
        with tree_copy(where) as copy:
            try:
                with _reading(copy) as root:
                    yield root
            except SnapshotError as exc:
                raise SnapshotError(str(exc).replace(str(copy), where.text)) from None
    except LoadError as exc:  # what git could not give
        raise SnapshotError(str(exc)) from None


def refuse_revision(directory: str | os.PathLike[str]) -> None:
    """A snapshot at a git revision is read-only: writing it is a usage error."""
    where = _revision(directory)
    if where is not None:
        raise UsageError(
            f"{where}: a snapshot at a git revision is read-only (write it in a directory, "
            f"or check out {where.rev} and update the snapshot there)"
        )


def _read_spec_file(path: Path) -> dict[str, Any] | None:
    if not os.path.lexists(path):
        return None
    spec = _parse_json_file(path)
    if not isinstance(spec, dict):
        raise SnapshotError(f"{path}: corrupt snapshot: expected a JSON object")
    return spec


def _record_files(root: Path) -> list[Path]:
    """``responses/*.json``; a responses/ that cannot be listed is an error, never empty."""
    responses = root / RESPONSES
    if not os.path.lexists(responses):
        return []
    try:
        with os.scandir(responses) as entries:
            names = sorted(e.name for e in entries)
    except NotADirectoryError:
        raise SnapshotError(
            f"{responses}: corrupt snapshot: not a directory; move it away"
        ) from None
    except OSError as exc:
        raise error(responses, "cannot read", exc) from None
    return [responses / n for n in names if n.endswith(".json") and not n.startswith(".")]


def load_snapshot(directory: str | os.PathLike[str]) -> Snapshot:
    """Read a snapshot directory written by ``driftguard snapshot``; corrupt files raise."""
    with _reading(directory) as root:
        spec = _read_spec_file(root / SPEC_FILE)
        records = {file.stem: read_record(file) for file in _record_files(root)}
        if spec is None and not records:
            raise SnapshotError(
                f"{root}: no snapshot here (no {SPEC_FILE}; run 'driftguard snapshot')"
            )
    return Snapshot(Path(directory), spec, records)


def read_spec(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The snapshot's OpenAPI document alone (a snapshot directory as a TARGET)."""
    with _reading(directory) as root:
        spec = _read_spec_file(root / SPEC_FILE)
    if spec is None:
        raise SnapshotError(f"{Path(directory)}: not a snapshot directory (no {SPEC_FILE})")
    return spec


def write_spec(directory: str | os.PathLike[str], spec: Mapping[str, Any]) -> None:
    """Replace the snapshot's OpenAPI document alone, under the lock that swaps take."""
    refuse_revision(directory)
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error(root, "cannot write the snapshot", exc) from None
    with _locked(root, exclusive=True):
        _swap.finish_interrupted_swap(root)
        _swap.sweep_stale_staging(root)
        try:
            atomic_write_text(root / SPEC_FILE, canonical_json(spec))
        except DriftguardError as exc:
            raise SnapshotError(str(exc)) from None


def write_snapshot(
    directory: str | os.PathLike[str],
    spec: Mapping[str, Any] | None,
    records: Mapping[str, ResponseRecord],
    *,
    previous: Snapshot | None = None,
) -> SnapshotChanges:
    """Replace the snapshot's ``openapi.json`` and ``responses/`` in one step.

    Only what changed is written: a record whose contract is the stored one keeps its file
    (the same inode, bytes and mtime, its old sample too), an unchanged document keeps
    ``openapi.json``, and a target that changed nothing leaves the directory untouched, so
    that re-snapshotting an unchanged service shows nothing in ``git status``. What changed is read from the directory under the exclusive lock, at the swap: a writer
    that waited for another one says what it replaced, not what it saw before it waited.
    ``previous`` (the snapshot its caller loaded, so that a corrupt one stops the run before
    anything is written) is accepted and no longer needed. A write that fails is undone: the
    old snapshot stays as it was. Everything else in the directory (``tests/``) is kept.
    """
    del previous
    refuse_revision(directory)
    root = Path(directory)
    records = _declared_maps(spec, records)
    staged = _swap.stage(root, spec, records)
    handed_over = False  # to the swap, which removes the stage or leaves it to a journal
    try:
        with _locked(root, exclusive=True):
            _swap.finish_interrupted_swap(root)
            changes = _changes(root, spec, records)
            _swap.check_stage(staged, spec)
            if changes.written:
                _swap.keep_unchanged(
                    root,
                    staged,
                    changes.unchanged,
                    spec=changes.spec == "unchanged",
                    # a new snapshot has a responses/, if only an empty one
                    responses=not changes.responses_changed and (root / RESPONSES).is_dir(),
                )
                handed_over = True
                _swap.swap(root, staged)
            _swap.sweep_stale_staging(root)
        return changes
    finally:
        if not handed_over:
            shutil.rmtree(staged, ignore_errors=True)


def _declared_maps(
    spec: Mapping[str, Any] | None, records: Mapping[str, ResponseRecord]
) -> Mapping[str, ResponseRecord]:
    """The records with the objects their spec declares maps (``additionalProperties``)
    taken as maps, whatever keys the samples had: the snapshot holds that spec."""
    from driftguard.shapes.maps import as_maps, declared_maps

    if spec is None:
        return records
    declared = declared_maps(spec, records)
    return {
        name: replace(record, shape=as_maps(record.shape, declared[name]))
        if name in declared and record.shape is not None
        else record
        for name, record in records.items()
    }


_UNREADABLE: dict[str, Any] = {}  # an old openapi.json that could not be parsed


def _changes(
    root: Path, spec: Mapping[str, Any] | None, records: Mapping[str, ResponseRecord]
) -> SnapshotChanges:
    """What the swap will replace, read from the directory as it is now (under the lock).

    A part of the wrong kind is refused: the store replaces files and directories of
    snapshots, it never deletes something else (a file named ``responses``).
    """
    try:
        old_spec = _read_spec_file(root / SPEC_FILE)
    except SnapshotError:
        old_spec = _UNREADABLE  # replaced, never reported as new
    responses = root / RESPONSES
    if os.path.lexists(responses) and not responses.is_dir():
        raise SnapshotError(f"{responses}: not a directory; move it away (nothing was written)")
    old: dict[str, ResponseRecord | None] = {}
    for file in _record_files(root):
        try:
            old[file.stem] = read_record(file)
        except SnapshotError:
            old[file.stem] = None  # unreadable: replaced
    spec_state: SpecChange
    if spec is None:
        spec_state = "none"
    elif old_spec is None:
        spec_state = "created"
    elif old_spec is _UNREADABLE:
        spec_state = "replaced"
    else:
        spec_state = "unchanged" if canonical_json(old_spec) == canonical_json(spec) else "replaced"
    changes = SnapshotChanges(root, spec_state)
    for name, record in sorted(records.items()):
        if name not in old:
            changes.added.append(name)
        elif (before := old[name]) is None or not before.same_contract(record):
            changes.changed.append(name)
        else:
            changes.unchanged.append(name)
    changes.removed = sorted(set(old) - set(records))
    return changes
