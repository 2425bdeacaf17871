"""What the hostile tests share: real directories compared byte for byte, and real writer
processes that stop (SIGKILL) or wait at a chosen step of a swap."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from driftguard.snapshots.record import ResponseRecord

ROOT = Path(__file__).resolve().parents[2]


def _permission_bits_hold() -> bool:
    """False for root (and anything with CAP_DAC_OVERRIDE): then chmod cannot make a failure."""
    with tempfile.TemporaryDirectory() as directory:
        os.chmod(directory, 0o555)
        try:
            Path(directory, "probe").touch()
        except PermissionError:
            return True
        finally:
            os.chmod(directory, 0o755)
    return False


NEEDS_NON_ROOT = pytest.mark.skipif(
    not _permission_bits_hold(), reason="permission bits are not enforced (running as root)"
)


def spec(version: str) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": version}, "paths": {}}


def record(body: Any) -> ResponseRecord:
    return ResponseRecord.from_json(body, status=200, request={"method": "GET", "path": "/x"})


def tree(directory: Path) -> dict[str, bytes | None]:
    """Every entry below ``directory``: a file's bytes, a link's target, None for a directory."""
    found: dict[str, bytes | None] = {}
    for top, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = Path(top, name)
            relative = path.relative_to(directory).as_posix()
            if path.is_symlink():
                found[relative] = b"-> " + os.fsencode(os.readlink(path))
            else:
                found[relative] = None if path.is_dir() else path.read_bytes()
    return dict(sorted(found.items()))


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".driftguard"))


@contextlib.contextmanager
def failing_rename(when: Callable[[str, str], bool]) -> Iterator[None]:
    """os.rename fails with EACCES where ``when(src, dst)``: what root cannot make happen."""
    real = os.rename

    def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if when(str(src), str(dst)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(src))
        real(src, dst, *args, **kwargs)

    os.rename = rename  # type: ignore[assignment]
    try:
        yield
    finally:
        os.rename = real


def moves_aside(src: str, dst: str) -> bool:
    return Path(dst).name == "replaced-responses"


def moves_in(src: str, dst: str) -> bool:
    return Path(src).name == "responses" and ".driftguard-staging-" in src


CHILD = """
import os, signal, sys
from driftguard.snapshots.record import ResponseRecord
from driftguard.snapshots.store import write_snapshot

directory, point = sys.argv[1], sys.argv[2]
real_rename, real_replace, real_fsync = os.rename, os.replace, os.fsync

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def rename(src, dst, *args, **kwargs):
    real_rename(src, dst, *args, **kwargs)
    moved_in = str(dst).endswith("responses") and "staging" in str(src)
    if (point == "aside" and "replaced-responses" in str(dst)) or (point == "in" and moved_in):
        die()

def replace(src, dst, *args, **kwargs):
    if point == "hold" and str(dst).endswith("openapi.json") and "staging" in str(src):
        print("holding", flush=True)
        sys.stdin.readline()
    real_replace(src, dst, *args, **kwargs)

def fsync(fd):
    if point == "staging":
        die()
    real_fsync(fd)

os.rename, os.replace, os.fsync = rename, replace, fsync
record = ResponseRecord.from_json({"y": "new"}, status=200, request={"method": "GET", "path": "/y"})
spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "2"}, "paths": {}}
changes = write_snapshot(directory, spec, {"a": record, "c": record})
print(changes.spec, changes.added, changes.changed, changes.removed, flush=True)
"""


def child(directory: Path, point: str, **kwargs: Any) -> Any:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", CHILD, str(directory), point]
    return subprocess.Popen(command, env=env, text=True, **kwargs)


def kill_writer_at(directory: Path, point: str) -> None:
    process = child(directory, point)
    assert process.wait(timeout=60) == -9
