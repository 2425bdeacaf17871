"""TARGET (CONTRACT section 1) to an OpenAPI document and, where live, a way to send requests.

Detection order: ``http(s)://`` (a live service); a file or directory that exists (a
``.json``/``.yaml``/``.yml`` document, a snapshot directory); then ``module.path:attr`` (an
ASGI app imported in-process) or ``REV:PATH`` (a document or snapshot directory at a git
revision, :mod:`driftguard._git`), told apart by what resolves:

- a string that cannot be ``module:attr`` (``origin/main:openapi.json``, ``HEAD~1:snapshots``,
  ``v2.0.0:api/openapi.yaml``, ``main:./snapshots``: a ``/``, ``~``, ``^``, a leading digit,
  or a PATH ending ``.json``/``.yaml``/``.yml``) is a revision;
- one that can be both (``main:app``, ``HEAD:snapshots``) is an app when the import system
  finds its module (asked without importing it, the app directory on ``sys.path``), and
  a revision otherwise, if git finds PATH at REV; when neither resolves, the error says both.

An app is imported from its app directory (``--app-dir``, ``[tool.driftguard] app_dir``, by
default the configuration file's directory, else the current directory), put first on
``sys.path`` for the import only: a library call leaves ``sys.path`` as it found it (the
module stays imported). The command line keeps the directory on ``sys.path`` for the whole
run, as uvicorn does, so a module the app imports late is found too.

Nothing here calls git before a TARGET is resolved, so ``--help`` stays fast.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from driftguard._errors import (
    TargetError,
    UsageError,
    one_line,
)
from driftguard._types import TargetKind

__all__ = [
    "IN_PROCESS_BASE_URL",
    "Target",
    "app_directory",
    "import_app",
    "open_client",
    "resolve_target",
]


_APP_REF = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
IN_PROCESS_BASE_URL = "http://testserver"


@dataclass(frozen=True)
class Target:
    """A TARGET as the user wrote it, with what it is."""

    kind: TargetKind
    value: str
    spec_url: str | None = None
    # Where an app's module is imported from (None: the current directory).
    app_dir: str | None = None

    @property
    def is_live(self) -> bool:
        """Whether requests can be sent to it (an app or a URL, not a document or snapshot)."""
        return self.kind in ("app", "url")

    @property
    def base_url(self) -> str:
        if self.kind == "app":
            return IN_PROCESS_BASE_URL
        if self.kind == "url":
            return _service_base(self.value)
        raise UsageError(f"{self.value}: a {self.kind} has no base URL")

    @property
    def spec_location(self) -> str:
        """Where a URL target serves its OpenAPI document (``--spec-url``, default
        ``<base>/openapi.json``; a URL that names a document is that document)."""
        if _is_document_url(self.value) and not self.spec_url:
            return self.value
        spec = self.spec_url or "/openapi.json"
        if spec.startswith(("http://", "https://")):
            return spec
        return _service_base(self.value) + "/" + spec.lstrip("/")

    def __str__(self) -> str:
        return self.value


def resolve_target(
    text: str | os.PathLike[str] | Target | None,
    *,
    spec_url: str | None = None,
    app_dir: str | os.PathLike[str] | None = None,
) -> Target:
    """Classify a TARGET string; ``None`` is a usage error (callers fall back to config).
    ``app_dir`` is where a ``module:attr`` is looked for (default: the current directory)."""
    if isinstance(text, Target):
        if text.kind == "app" and text.app_dir is None and app_dir is not None:
            return replace(text, app_dir=os.fspath(app_dir))
        return text
    if isinstance(text, os.PathLike):  # a pathlib.Path: a file or a snapshot directory
        text = os.fspath(text)
    if not text:
        raise UsageError(
            "no TARGET given and no [tool.driftguard] target in pyproject.toml or driftguard.toml"
        )
    if text.startswith(("http://", "https://")):
        _check_url(text)
        return Target("url", text.rstrip("/") if not _is_document_url(text) else text, spec_url)
    path = Path(text)
    if not path.exists():
        directory = os.fspath(app_dir) if app_dir is not None else None
        kind = _app_or_revision(text, directory)
        if kind is not None:
            return Target(kind, text, app_dir=directory if kind == "app" else None)
    if path.suffix.lower() in SPEC_SUFFIXES:
        return Target("file", text)
    if path.is_dir():
        return Target("snapshot", text)
    if path.exists():
        raise UsageError(
            f"{text}: not a TARGET (expected module:attr, http(s)://..., a .json/.yaml/.yml file, "
            "a snapshot directory or REV:PATH)"
        )
    raise UsageError(
        f"{text}: no such file or directory (a TARGET is module:attr, http(s)://..., "
        "a .json/.yaml/.yml file, a snapshot directory or REV:PATH)"
    )


def _app_or_revision(text: str, app_dir: str | None) -> TargetKind | None:
    """``module:attr`` or ``REV:PATH`` for a TARGET that names nothing on disk, by the rule
    above; None when it is neither."""
    from driftguard._git import locate, parse_revision

    revision = parse_revision(text)
    if not _APP_REF.match(text) or text.lower().endswith(SPEC_SUFFIXES):
        return "revision" if revision is not None else None
    module = text.partition(":")[0]
    if revision is None or _missing_part(module, app_dir) is None:
        return "app"
    problem = locate(revision)
    if problem is None:
        return "revision"
    raise TargetError(
        f"{text}: cannot import module {module!r} (looked in {_where(app_dir)}), nor read it "
        f"as REV:PATH: {problem}"
    )


def _missing_part(name: str, app_dir: str | None) -> str | None:
    """The first part of module ``name`` (``myapp``, ``myapp.main``) that the import system
    does not find from ``app_dir``, None when it finds the whole; its finders are asked
    without importing anything (a package's ``__init__`` would run otherwise)."""
    from importlib.machinery import ModuleSpec, PathFinder
    from importlib.util import find_spec

    top, *inner = name.split(".")
    with app_directory(app_dir):
        try:
            spec: ModuleSpec | None = find_spec(top)
            found = top
            for part in inner:
                if spec is None:
                    break
                found = f"{found}.{part}"
                places = spec.submodule_search_locations  # None: a module, not a package
                spec = None if places is None else PathFinder.find_spec(part, list(places))
        except (ImportError, ValueError):
            return None  # importing it will say what is wrong
    return None if spec is not None else found


@contextmanager
def app_directory(app_dir: str | os.PathLike[str] | None) -> Iterator[str]:
    """The app directory (default: the current one) first on ``sys.path`` while the block
    runs, then taken off again if it was put there (what the block added stays)."""
    directory = os.path.abspath(app_dir) if app_dir is not None else os.getcwd()
    added = not sys.path or os.path.abspath(sys.path[0]) != directory  # "" is the cwd
    if added:
        sys.path.insert(0, directory)
    try:
        yield directory
    finally:
        if added and directory in sys.path:
            sys.path.remove(directory)


def _where(app_dir: str | None) -> str:
    return os.path.abspath(app_dir) if app_dir is not None else os.getcwd()


def _check_url(url: str) -> None:
    """A URL TARGET must name a host (and a port, if any, that is a port)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is what raises for a bad one
    except ValueError as exc:
        raise UsageError(f"{url}: not a valid URL ({exc})") from None
    if not parts.hostname:
        raise UsageError(f"{url}: not a valid URL (no host)")


def _is_document_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(SPEC_SUFFIXES)


def _service_base(url: str) -> str:
    if _is_document_url(url):
        return url.rsplit("/", 1)[0]
    return url.rstrip("/")


def import_app(ref: str, *, app_dir: str | os.PathLike[str] | None = None) -> Any:
    """Import ``module.path:attr`` with ``app_dir`` (default: the current directory) first on
    ``sys.path``, like uvicorn's ``--app-dir``; ``sys.path`` is restored afterwards."""
    module_name, _, attr = ref.partition(":")
    directory = os.fspath(app_dir) if app_dir is not None else None
    where = _where(directory)
    if directory is not None and not os.path.isdir(directory):
        raise TargetError(f"{ref}: the app directory {where} does not exist")
    missing = _missing_part(module_name, directory)
    if missing is not None:
        raise TargetError(
            f"{ref}: cannot import module {module_name!r}: no module {missing!r} in {where} "
            "or elsewhere on sys.path (the app directory is --app-dir or [tool.driftguard] "
            "app_dir, by default the configuration file's directory)"
        )
    with app_directory(directory):
        try:
            module = importlib.import_module(module_name)
        except SystemExit as exc:
            raise TargetError(
                f"{ref}: importing {module_name!r} from {where} exited ({exc.code}){_at(exc)}"
            ) from None
        except Exception as exc:
            raise TargetError(
                f"{ref}: importing {module_name!r} from {where} raised {one_line(exc)}{_at(exc)}"
            ) from None
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise TargetError(f"{ref}: module {module_name!r} has no attribute {attr!r}") from None
    if not callable(obj):
        raise TargetError(f"{ref}: {attr!r} is not an ASGI app (not callable)")
    return obj


def _at(exc: BaseException) -> str:
    """`` (at file:line)`` of where an exception was raised, the import system's own
    frames left out."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith("<") and frame.filename != __file__
    ]
    if not frames:
        return ""
    return f" (at {frames[-1].filename}:{frames[-1].lineno})"


@asynccontextmanager
async def open_client(
    target: Target,
    *,
    timeout: float = 10.0,
    headers: Mapping[str, str] | None = None,
    app: Any = None,
) -> AsyncIterator[Any]:
    """An ``httpx.AsyncClient`` talking to a live TARGET: in-process for apps, HTTP for URLs.

    For an app, its lifespan runs around the block, and an exception escaping the app
    propagates to the caller (the fuzzer reports it as a server error).
    """
    import httpx

    if target.kind == "app":
        from driftguard._asgi import lifespan

        asgi = app if app is not None else import_app(target.value, app_dir=target.app_dir)
        async with (
            lifespan(asgi, name=target.value),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=asgi),
                base_url=IN_PROCESS_BASE_URL,
                headers=dict(headers or {}),
                timeout=timeout,
            ) as client,
        ):
            yield client
        return
    if target.kind == "url":
        async with httpx.AsyncClient(
            base_url=target.base_url, headers=dict(headers or {}), timeout=timeout
        ) as client:
            yield client
        return
    what = {"snapshot": "snapshot", "revision": "git revision"}.get(target.kind, "spec file")
    raise UsageError(
        f"{target.value}: a {what} cannot answer requests; give a module:attr app or an "
        "http(s):// URL"
    )
