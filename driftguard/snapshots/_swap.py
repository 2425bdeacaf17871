"""How :mod:`.store` replaces a snapshot: staging, the journal, the swap, undoing it, recovery.

Private to the store, which holds the directory's exclusive lock around every call here
except :func:`stage`. A swap is three steps, each leaving a mark in the staging directory,
so that whoever takes the lock after a crash can tell how far it got, then complete it or
undo it:

    1. responses/ is moved into the stage as replaced-responses (or no-responses is written)
    2. the stage's responses/ is moved in
    3. the stage's openapi.json replaces the old one: one rename, the last step, never undone

Only what changed is in the stage when it is swapped in (:func:`keep_unchanged`): no
openapi.json when the document is the same, no responses/ when no record changed (steps 1
and 2 are then skipped), and hard links to the stored files for the records that did not.

A stage whose writer process is gone is never swapped in (no journal names it) and is
removed at once; a journal that names anything but a stage of this store is dropped.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftguard._errors import DriftguardError, SnapshotError
from driftguard._io import atomic_write_text, canonical_json

if TYPE_CHECKING:
    from driftguard.snapshots.record import ResponseRecord

__all__ = [
    "JOURNAL",
    "RESPONSES",
    "SPEC_FILE",
    "STAGING",
    "check_stage",
    "error",
    "finish_interrupted_swap",
    "keep_unchanged",
    "stage",
    "swap",
    "sweep_stale_staging",
]

SPEC_FILE = "openapi.json"
RESPONSES = "responses"
JOURNAL = ".driftguard-swap"
STAGING = ".driftguard-staging-"
_STAGE_NAME = re.compile(r"\.driftguard-staging-(\d+)-[0-9A-Za-z]+")  # the pid, then random
_ASIDE = "replaced-responses"  # in a stage: step 1 done, the old responses/ is here
_NONE = "no-responses"  # in a stage: step 1 done, there was no responses/


def error(path: Path, doing: str, exc: OSError) -> SnapshotError:
    return SnapshotError(f"{path}: {doing}: {exc.strerror or exc}")


def stage(
    root: Path, spec: Mapping[str, Any] | None, records: Mapping[str, ResponseRecord]
) -> Path:
    """Write the new snapshot completely into a staging directory beside the old one."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        staged = root / f"{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
        (staged / RESPONSES).mkdir(parents=True)
    except OSError as exc:
        raise error(root, "cannot write the snapshot", exc) from None
    try:
        if spec is not None:
            _write_plain(staged / SPEC_FILE, canonical_json(spec))
        for name, record in sorted(records.items()):
            _write_plain(staged / RESPONSES / f"{name}.json", canonical_json(record.to_dict()))
    except BaseException as exc:
        shutil.rmtree(staged, ignore_errors=True)
        if isinstance(exc, OSError):
            raise error(root, "cannot write the snapshot", exc) from None
        raise
    return staged


def _write_plain(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def check_stage(staged: Path, spec: Mapping[str, Any] | None) -> None:
    """A stage removed while it waited for the lock must not be "swapped in" as nothing."""
    complete = (staged / RESPONSES).is_dir() and (spec is None or (staged / SPEC_FILE).is_file())
    if not complete:
        raise SnapshotError(f"{staged}: the staged snapshot vanished; nothing was written")


def keep_unchanged(
    root: Path, staged: Path, names: list[str], *, spec: bool, responses: bool
) -> None:
    """Make the swap leave alone what did not change (under the lock, before :func:`swap`).

    An unchanged ``openapi.json`` (``spec``) is dropped from the stage, so the swap keeps the
    old one; unchanged ``responses/`` as a whole likewise. Otherwise each unchanged record
    in the stage becomes a hard link to the stored file, so that the swapped-in directory
    holds that very file (bytes and mtime); where a link cannot be made, a copy keeps both.
    """
    try:
        if spec:
            os.unlink(staged / SPEC_FILE)
        if responses:
            shutil.rmtree(staged / RESPONSES)
            return
        for name in names:
            old, new = root / RESPONSES / f"{name}.json", staged / RESPONSES / f"{name}.json"
            os.unlink(new)
            try:
                os.link(old, new)
            except OSError:  # another filesystem, or links not allowed
                shutil.copy2(old, new)
    except OSError as exc:
        raise error(staged, "cannot write the snapshot", exc) from None


def swap(root: Path, staged: Path) -> None:
    """Swap a complete stage in; a step that fails undoes the ones done before it.

    The stage is gone afterwards, unless the journal still names it (the swap was
    interrupted, or could not be undone): then it belongs to whoever takes the lock next.
    """
    keep = False
    try:
        try:
            atomic_write_text(root / JOURNAL, staged.name + "\n")
        except DriftguardError as exc:
            raise SnapshotError(str(exc)) from None
        keep = True
        _sync(root)  # the journal is on disk before the first rename is
        try:
            _roll_forward(root, staged)
        except SnapshotError as failure:
            keep = not _undone(root, staged)
            then = (
                "it could not be undone: the next driftguard command will finish or undo it"
                if keep
                else "nothing was written, the snapshot is as it was"
            )
            raise SnapshotError(f"{failure} ({then})") from None
        _drop(root, staged)
        keep = False
    finally:
        if not keep:
            shutil.rmtree(staged, ignore_errors=True)


def _sync(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem can sync a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _undone(root: Path, staged: Path) -> bool:
    try:
        _roll_back(root, staged)
        os.unlink(root / JOURNAL)
    except (SnapshotError, OSError):
        return False
    return True


def _roll_forward(root: Path, staged: Path) -> None:
    responses, current, spec = staged / RESPONSES, root / RESPONSES, staged / SPEC_FILE
    if responses.is_dir() and not responses.is_symlink():
        if not _moved_aside(staged):
            if os.path.lexists(current):
                _step(current, "cannot move it aside", os.rename, current, staged / _ASIDE)
            else:
                _step(staged, "cannot write", _create, staged / _NONE)
        _step(current, "cannot move the new responses in", os.rename, responses, current)
    if os.path.lexists(spec):
        _step(root / SPEC_FILE, "cannot replace it", os.replace, spec, root / SPEC_FILE)


def _roll_back(root: Path, staged: Path) -> None:
    """Undo steps 1 and 2 of a swap whose step 3 was not done, leaving the old snapshot."""
    if not _moved_aside(staged):
        return
    responses, current = staged / RESPONSES, root / RESPONSES
    if not os.path.lexists(responses) and os.path.lexists(current):
        _step(current, "cannot move the new responses out", os.rename, current, responses)
    if os.path.lexists(staged / _ASIDE):
        _step(current, "cannot move the old responses back", os.rename, staged / _ASIDE, current)
    else:
        _step(staged, "cannot write", os.unlink, staged / _NONE)


def _moved_aside(staged: Path) -> bool:
    return os.path.lexists(staged / _ASIDE) or os.path.lexists(staged / _NONE)


def _create(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))


def _step(shown: Path, doing: str, action: Callable[..., object], *paths: Path) -> None:
    try:
        action(*paths)
    except OSError as exc:
        raise error(shown, doing, exc) from None


def _stage_of_journal(root: Path) -> Path | None:
    """The staging directory that the journal names, or None; any other journal is dropped.

    Only a real directory named like this store's stages counts: a journal is never a way to
    move or delete anything else (``responses``, ``..``, a link to elsewhere).
    """
    journal = root / JOURNAL
    try:
        name = journal.read_bytes().decode("utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None
    except OSError:  # a directory, or unreadable: it names nothing
        name = ""
    staged = root / name
    if _STAGE_NAME.fullmatch(name) and staged.is_dir() and not staged.is_symlink():
        return staged
    with contextlib.suppress(OSError):
        if journal.is_dir() and not journal.is_symlink():
            journal.rmdir()
        else:
            journal.unlink()
    return None


def finish_interrupted_swap(root: Path) -> None:
    """Complete a swap that a crash interrupted, or else undo it.

    The stage named by the journal was complete before the journal was written, so rolling
    forward is right; if a step cannot be done (the old openapi.json became a directory,
    responses/ became read-only), the swap is undone instead: its writer never reported it
    as written. Only when neither works is it an error, and then the journal and the stage
    (which holds the old responses) are kept for a human.
    """
    staged = _stage_of_journal(root)
    if staged is None:
        return
    try:
        _roll_forward(root, staged)
    except SnapshotError as forward:
        try:
            _roll_back(root, staged)
        except SnapshotError as back:
            raise SnapshotError(
                f"{root}: an interrupted snapshot write could neither be completed "
                f"({forward}) nor undone ({back}); nothing was deleted, what it moved "
                f"aside is in {staged}"
            ) from None
    _drop(root, staged)


def _drop(root: Path, staged: Path) -> None:
    """Forget a finished swap: the journal first, so that no journal names a stage that is
    half-removed."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(root / JOURNAL)
    shutil.rmtree(staged, ignore_errors=True)


def _writer_gone(name: str) -> bool:
    match = _STAGE_NAME.fullmatch(name)
    if match is None or os.name == "nt":  # os.kill(pid, 0) would terminate it on Windows
        return False
    pid = int(match[1])
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, and is someone else's
        return False
    return False


def sweep_stale_staging(root: Path, *, older_than: float = 3600.0) -> None:
    """Remove the stages of writers that died before swapping.

    A stage's name holds its writer's pid: once that process is gone, nobody will ever swap
    the stage in, so it goes at once; a live writer's stage stays (unless it is so old that
    the pid must have been reused by another process).
    """
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(root) as entries:
        for entry in list(entries):
            if not _STAGE_NAME.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                stale = now - entry.stat(follow_symlinks=False).st_mtime > older_than
                if _writer_gone(entry.name) or stale:
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)  # a link goes; what it points to stays
