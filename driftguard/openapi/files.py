"""Local files a document is read from: regular files of bounded size, and references kept
inside the document's own directory tree.

In CI the document under review comes from an untrusted pull request. Its ``$ref`` must not
read ``/etc/passwd`` or ``~/.ssh`` into a report, hang on a named pipe or fill memory from
``/dev/zero``. So a referenced file must lie, once symlinks are resolved, inside the
directory of the document (or a root the configuration adds: ``ref_roots``, ``--ref-root``),
and every file read, the document itself included, must be a regular file of at most
:data:`MAX_BYTES`. A FIFO is never opened in a way that can block.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from driftguard._errors import LoadError, RefError

__all__ = ["MAX_BYTES", "MAX_SIZE_TEXT", "check_inside", "read_error", "read_file", "too_big"]

MAX_BYTES = 64 * 1024 * 1024
MAX_SIZE_TEXT = "64 MiB"
_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the stat must not block the open
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_file(path: Path, *, referrer: str | None = None) -> bytes:
    """The bytes of the regular file ``path``; ``referrer`` is the document whose ``$ref``
    named it (the errors are then :class:`RefError` and say so), None for a TARGET."""
    try:
        before = os.stat(path)
        _check_kind(path, before.st_mode, referrer)
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        if referrer is not None:
            raise RefError(
                f"{path}: referenced file not found (referenced from {referrer})"
            ) from None
        raise LoadError(f"{path}: no such file") from None
    except OSError as exc:
        raise read_error(referrer, f"{path}: cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        _check_kind(path, info.st_mode, referrer)
        if info.st_size > MAX_BYTES:
            raise too_big(path, referrer)
        with os.fdopen(fd, "rb") as file:
            fd = -1  # the file object owns it now
            # As much as the file holds (asking for MAX_BYTES would allocate all of it),
            # and then whatever it grew by meanwhile, still bounded.
            data = file.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += file.read(MAX_BYTES + 1 - len(data))
    except OSError as exc:
        raise read_error(referrer, f"{path}: cannot read: {exc.strerror}") from None
    finally:
        if fd != -1:
            os.close(fd)
    if len(data) > MAX_BYTES:  # it grew while being read
        raise too_big(path, referrer)
    return data


def check_inside(location: Path, roots: Sequence[Path], *, referrer: str) -> None:
    """Refuse a referenced file (its symlinks already resolved) outside every root."""
    if any(location.is_relative_to(root) for root in roots):
        return
    allowed = " or ".join(str(root) for root in roots)
    raise RefError(
        f"{referrer}: reference to {location} is outside {allowed}; refusing to read it "
        "(allow another directory with --ref-root DIR or [tool.driftguard] ref_roots)"
    )


def _check_kind(path: Path, mode: int, referrer: str | None) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise read_error(referrer, f"{path}: is a directory, not an OpenAPI document")
    raise read_error(referrer, f"{path}: is {_kind(mode)}, not a regular file; refusing to read it")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def too_big(path: str | Path, referrer: str | None) -> LoadError:
    """The refusal of a file over the size limit (one read at a git revision too)."""
    return read_error(referrer, f"{path}: larger than {MAX_SIZE_TEXT}; refusing to read it")


def read_error(referrer: str | None, message: str) -> LoadError:
    """A file that cannot be read: a :class:`LoadError` for a TARGET, a :class:`RefError`
    saying who referred to it for a ``$ref``."""
    if referrer is None:
        return LoadError(message)
    return RefError(f"{message} (referenced from {referrer})")
