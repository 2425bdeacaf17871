"""Files and directories as they are at a git revision: the ``REV:PATH`` TARGET.

``origin/main:openapi.json`` is read with git from the repository around the current
directory, never from the working tree: nothing is checked out, and neither the working
tree nor the index is touched. PATH is relative to the current directory, as git's own
``REV:./PATH`` is (``REV:./PATH`` means the same here), so that ``driftguard diff
main:openapi.json openapi.json`` names one file twice from any directory; an absolute
PATH must lie inside the repository.

What a revision holds may come from an untrusted pull request, so it is read under the
rules :mod:`driftguard.openapi.files` keeps for files: every blob is refused before it is
read when it is larger than :data:`~driftguard.openapi.files.MAX_BYTES`, and symbolic links
are followed inside the revision's tree only (one that leads out of it is refused, as is a
loop; a snapshot directory is copied out of git only up to :data:`MAX_COPY_BYTES` in all).
Objects are read through one ``git cat-file --batch`` per revision, and the trees are walked
here, entry by entry, so that a link is resolved as the working tree would resolve it.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from driftguard._errors import DriftguardError, LoadError, TargetError, first_line
from driftguard.openapi.files import MAX_BYTES, too_big

__all__ = [
    "MAX_COPY_BYTES",
    "GitObject",
    "Revision",
    "RevisionPath",
    "locate",
    "open_revision",
    "parse_revision",
    "tree_copy",
]

MAX_COPY_BYTES = 4 * MAX_BYTES
"""At most this much is copied out of one directory at a revision (links may repeat a blob)."""
_MAX_COPY_TEXT = "256 MiB"
_MAX_LINK_HOPS = 40  # as Linux's ELOOP
_TREE, _LINK, _SUBMODULE = "40000", "120000", "160000"

# REV, then the first colon outside braces (``HEAD^{/fix: typo}`` is one revision), then PATH.
_SPLIT = re.compile(r"^((?:[^:{}]|\{[^{}]*\})+):(.*)$", re.DOTALL)


@dataclass(frozen=True)
class RevisionPath:
    """``REV:PATH`` as the user wrote it (``text``) and its two halves."""

    text: str
    rev: str
    path: str

    def __str__(self) -> str:
        return self.text


def parse_revision(text: str) -> RevisionPath | None:
    """``REV:PATH`` split in two, or None when ``text`` cannot be one (no call to git)."""
    match = _SPLIT.match(text)
    if match is None or "\n" in text or "\0" in text:
        return None
    rev, path = match.group(1), match.group(2)
    if rev.startswith(("-", "/")) or (
        os.name == "nt" and len(rev) == 1 and path[:1] in ("\\", "/")
    ):
        return None  # an option, an absolute path, a Windows drive (C:\api\openapi.json)
    return RevisionPath(text, rev, path)


@dataclass(frozen=True)
class GitObject:
    """An object found at a path of the revision, its links resolved."""

    path: str  # from the repository's top, "" for the top itself
    kind: Literal["blob", "tree", "submodule"]
    oid: str


@dataclass
class Revision:
    """One revision of the repository around the current directory, being read."""

    where: RevisionPath
    toplevel: Path
    prefix: str  # the current directory, from the repository's top ("" or "api/")
    _batch: _Batch
    _root: str = ""
    _trees: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def name(self, path: str) -> str:
        """How a report names a path of the repository: ``REV:`` and the path from here."""
        here = posixpath.relpath(path or ".", self.prefix.rstrip("/") or ".")
        return f"{self.where.rev}:{here}"

    def lookup(self) -> GitObject:
        """What the TARGET's PATH names, as the user wrote it."""
        return self.resolve(self._from_here(self.where.path), name=self.where.text)

    def resolve(self, path: str, *, name: str | None = None) -> GitObject:
        """The object at ``path`` (from the top), following links inside the tree only."""
        shown = name or self.name(path)
        parts = [p for p in path.split("/") if p not in ("", ".")]
        done: list[str] = []
        trees = [self._root]
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                if not done:
                    raise LoadError(f"{shown}: leads out of the repository; refusing to read it")
                done.pop()
                trees.pop()
                continue
            entry = self._tree(trees[-1]).get(part)
            if entry is None:
                raise LoadError(self._missing(shown, "/".join([*done, part])))
            mode, oid = entry
            if mode == _LINK:
                hops += 1
                link = "/".join([*done, part])
                target = self._link_text(oid, link)
                if target.startswith("/") or hops > _MAX_LINK_HOPS:
                    why = "a link out of the repository" if hops <= _MAX_LINK_HOPS else "a loop"
                    raise LoadError(f"{shown}: {link} is {why} ({target}); refusing to follow it")
                parts[:0] = target.split("/")
                continue
            if mode == _TREE:
                done.append(part)
                trees.append(oid)
                continue
            if any(p not in ("", ".") for p in parts):
                raise LoadError(self._missing(shown, "/".join([*done, part, *parts])))
            kind: Literal["blob", "submodule"] = "submodule" if mode == _SUBMODULE else "blob"
            return GitObject("/".join([*done, part]), kind, oid)
        return GitObject("/".join(done), "tree", trees[-1])

    def read(self, found: GitObject, *, name: str, referrer: str | None = None) -> bytes:
        """A blob's bytes; a directory, a submodule or a blob over the size limit is refused
        (``referrer``: the document whose ``$ref`` named it, as :func:`read_file` has it)."""
        from driftguard.openapi.files import read_error

        if found.kind == "tree":
            raise read_error(referrer, f"{name}: is a directory, not an OpenAPI document")
        if found.kind == "submodule":
            raise read_error(referrer, f"{name}: is a submodule, not a file")
        return self._object(found.oid, shown=name, referrer=referrer)[2]

    def copy(self, found: GitObject, into: Path) -> None:
        """Write the directory ``found`` as it is at the revision into ``into`` (empty):
        files, directories, links to files inside the tree as the files they lead to, and
        submodules as empty directories. A link to a directory is not followed."""
        budget = MAX_COPY_BYTES
        pending = [(found.path, found.oid, into)]
        while pending:
            path, oid, directory = pending.pop()
            for entry, (mode, object_id) in sorted(self._tree(oid).items()):
                inside = f"{path}/{entry}" if path else entry
                destination = directory / entry
                if mode in (_TREE, _SUBMODULE):
                    destination.mkdir()
                    if mode == _TREE:
                        pending.append((inside, object_id, destination))
                    continue
                blob = GitObject(inside, "blob", object_id)
                if mode == _LINK:
                    blob = self.resolve(inside)
                if blob.kind != "blob":
                    kind = "directory" if blob.kind == "tree" else blob.kind
                    raise LoadError(f"{self.name(inside)}: a link to a {kind}; not followed")
                data = self.read(blob, name=self.name(inside))
                budget -= len(data)
                if budget < 0:
                    raise LoadError(
                        f"{self.where.text}: more than {_MAX_COPY_TEXT} to copy out of the "
                        "revision; refusing to read it"
                    )
                _write_new(destination, data)

    def _from_here(self, path: str) -> str:
        """A PATH as written to a path from the repository's top (lexically, as git does)."""
        if os.path.isabs(path):
            try:
                inside = Path(os.path.realpath(path)).relative_to(self.toplevel)
            except ValueError:
                raise LoadError(
                    f"{self.where.text}: {path} is outside the repository {self.toplevel}"
                ) from None
            joined = inside.as_posix()
        else:
            joined = self.prefix + path
        normal = posixpath.normpath(joined or ".")
        if normal == ".." or normal.startswith("../"):
            raise LoadError(
                f"{self.where.text}: {path} leads out of the repository {self.toplevel}"
            )
        return "" if normal == "." else normal

    def _missing(self, shown: str, path: str) -> str:
        return (
            f"{shown}: no such file or directory at revision {self.where.rev} "
            f"(looked for {path} in {self.toplevel})"
        )

    def _tree(self, oid: str) -> dict[str, tuple[str, str]]:
        if oid not in self._trees:
            _, kind, data = self._object(oid, shown=self.where.text)
            if kind != "tree":
                raise LoadError(f"{self.where.text}: object {oid} is a {kind}, not a tree")
            self._trees[oid] = _entries(data, len(oid) // 2, where=self.where.text)
        return self._trees[oid]

    def _link_text(self, oid: str, link: str) -> str:
        return os.fsdecode(self._object(oid, shown=self.name(link))[2])

    def _object(
        self, oid: str, *, shown: str, referrer: str | None = None
    ) -> tuple[str, str, bytes]:
        found = self._batch.read(oid, shown=shown, referrer=referrer)
        if found is None:  # a tree names an object the repository lacks (a shallow clone)
            raise LoadError(f"{shown}: object {oid} is missing from the repository")
        return found


def _entries(data: bytes, size: int, *, where: str) -> dict[str, tuple[str, str]]:
    """A tree object's entries, name -> (mode, object id); git's binary format is
    ``<mode> <name>\\0<id>`` again and again."""
    entries: dict[str, tuple[str, str]] = {}
    at = 0
    while at < len(data):
        space = data.find(b" ", at)
        nul = data.find(b"\0", space + 1)
        if space < 0 or nul < 0 or nul + 1 + size > len(data):
            raise LoadError(f"{where}: a tree object git gave cannot be read")
        name = os.fsdecode(data[space + 1 : nul])
        if name in ("", ".", "..") or "/" in name:
            raise LoadError(f"{where}: the revision holds a file named {name!r}; refusing it")
        entries[name] = (data[at:space].decode("ascii"), data[nul + 1 : nul + 1 + size].hex())
        at = nul + 1 + size
    return entries


def _write_new(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, 0o600), "wb") as file:
        file.write(data)


class _Batch:
    """One ``git cat-file --batch``: an object name in, the object out."""

    def __init__(self, process: subprocess.Popen[bytes], errors: IO[bytes], where: str) -> None:
        if process.stdin is None or process.stdout is None:  # pragma: no cover - PIPE gives both
            raise TargetError(f"{where}: git cat-file has no pipes")
        self._process, self._errors, self._where = process, errors, where
        self._stdin, self._stdout = process.stdin, process.stdout

    def read(
        self, name: str, *, shown: str, referrer: str | None = None
    ) -> tuple[str, str, bytes] | None:
        """``(id, kind, bytes)`` of the object git finds for ``name``, None when it finds
        none. An object over the size limit is refused before its bytes are read."""
        try:
            self._stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
            self._stdin.flush()
            line = self._stdout.readline()
        except OSError:
            line = b""
        if not line:
            self._errors.seek(0)
            said = first_line(self._errors.read().decode("utf-8", "replace")) or "no answer"
            raise TargetError(f"{self._where}: git cat-file stopped: {said}")
        if line.endswith(b" ambiguous\n"):
            raise TargetError(f"{self._where}: {name!r} is ambiguous in this repository")
        if line.endswith(b" missing\n"):
            return None
        oid, kind, size = line.decode("ascii").split()
        if int(size) > MAX_BYTES:
            self.close()  # its bytes are never read: the stream cannot go on
            raise too_big(shown, referrer)
        data = self._stdout.read(int(size) + 1)  # and the line feed after it
        return oid, kind, data[:-1]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._stdin.close()
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._stdout.close()


@contextlib.contextmanager
def open_revision(where: RevisionPath) -> Iterator[Revision]:
    """The revision ``where`` names, in the repository around the current directory."""
    toplevel, prefix = _repository(where)
    with tempfile.TemporaryFile() as errors:
        process = _start(["cat-file", "--batch"], toplevel, where, stderr=errors)
        batch = _Batch(process, errors, where.text)
        try:
            found = batch.read(f"{where.rev}^{{tree}}", shown=where.text)
            if found is None:
                raise TargetError(
                    f"{where.text}: unknown revision {where.rev!r} in the git repository {toplevel}"
                )
            oid, _, data = found
            revision = Revision(where, toplevel, prefix, batch, oid)
            revision._trees[oid] = _entries(data, len(oid) // 2, where=where.text)
            yield revision
        finally:
            batch.close()


@contextlib.contextmanager
def tree_copy(where: RevisionPath) -> Iterator[Path]:
    """The directory ``where`` names, copied into a private temporary directory that is
    removed afterwards: a snapshot at a revision is then read as any snapshot is."""
    parent = Path(tempfile.mkdtemp(prefix="driftguard-rev-"))
    try:
        root = parent / "tree"
        root.mkdir()
        with open_revision(where) as revision:
            found = revision.lookup()
            if found.kind != "tree":
                raise LoadError(f"{where.text}: a file at revision {where.rev}, not a directory")
            revision.copy(found, root)
        yield root
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def _repository(where: RevisionPath) -> tuple[Path, str]:
    """The top of the repository around the current directory, and the way down from it."""
    process = _start(["rev-parse", "--show-toplevel", "--show-prefix"], Path.cwd(), where)
    out, err = process.communicate()
    said = first_line(err.decode("utf-8", "replace"))
    if process.returncode != 0:
        if "not a git repository" in said:
            raise TargetError(f"{where.text}: not inside a git repository ({Path.cwd()})")
        raise TargetError(f"{where.text}: git cannot read the repository here: {said}")
    lines = out.decode("utf-8", "surrogateescape").split("\n")
    return Path(lines[0]), lines[1] if len(lines) > 1 else ""


def _start(
    args: list[str], cwd: Path, where: RevisionPath, *, stderr: IO[bytes] | int = subprocess.PIPE
) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    except FileNotFoundError:
        raise TargetError(
            f"{where.text}: git is not installed (it is needed to read a REV:PATH target)"
        ) from None
    except OSError as exc:
        raise TargetError(f"{where.text}: cannot run git: {exc.strerror or exc}") from None


def locate(where: RevisionPath) -> str | None:
    """None when ``where`` names a file or directory at its revision, else why it does not."""
    try:
        with open_revision(where) as revision:
            revision.lookup()
    except DriftguardError as exc:
        return str(exc).removeprefix(f"{where.text}: ")
    return None
