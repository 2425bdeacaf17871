"""TARGET (CONTRACT section 1) to an OpenAPI document and, where live, a way to send requests.

Detection order: ``module.path:attr`` (an ASGI app imported in-process), ``http(s)://`` (a
live service), a ``.json``/``.yaml``/``.yml`` file, a snapshot directory.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from driftguard._errors import (
    TargetError,
    UsageError,
    one_line,
)
from driftguard._types import TargetKind

__all__ = ["IN_PROCESS_BASE_URL", "Target", "import_app", "open_client", "resolve_target"]


_APP_REF = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
IN_PROCESS_BASE_URL = "http://testserver"


@dataclass(frozen=True)
class Target:
    """A TARGET as the user wrote it, with what it is."""

    kind: TargetKind
    value: str
    spec_url: str | None = None

    @property
    def is_live(self) -> bool:
        """Whether requests can be sent to it (an app or a URL, not a file or snapshot)."""
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


def resolve_target(text: str | Target | None, *, spec_url: str | None = None) -> Target:
    """Classify a TARGET string; ``None`` is a usage error (callers fall back to config)."""
    if isinstance(text, Target):
        return text
    if not text:
        raise UsageError(
            "no TARGET given and no [tool.driftguard] target in pyproject.toml or driftguard.toml"
        )
    if _APP_REF.match(text) and not Path(text).exists():
        return Target("app", text)
    if text.startswith(("http://", "https://")):
        _check_url(text)
        return Target("url", text.rstrip("/") if not _is_document_url(text) else text, spec_url)
    path = Path(text)
    if path.suffix.lower() in SPEC_SUFFIXES:
        return Target("file", text)
    if path.is_dir():
        return Target("snapshot", text)
    if path.exists():
        raise UsageError(
            f"{text}: not a TARGET (expected module:attr, http(s)://..., a .json/.yaml/.yml file "
            "or a snapshot directory)"
        )
    raise UsageError(
        f"{text}: no such file or directory (a TARGET is module:attr, http(s)://..., "
        "a .json/.yaml/.yml file or a snapshot directory)"
    )


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


def import_app(ref: str) -> Any:
    """Import ``module.path:attr`` with the current directory on ``sys.path``, like uvicorn."""
    module_name, _, attr = ref.partition(":")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise TargetError(f"{ref}: cannot import module {module_name!r}") from None
        raise TargetError(f"{ref}: importing {module_name!r} failed: {one_line(exc)}") from None
    except SystemExit as exc:
        raise TargetError(f"{ref}: importing {module_name!r} exited ({exc.code})") from None
    except Exception as exc:
        raise TargetError(f"{ref}: importing {module_name!r} failed: {one_line(exc)}") from None
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise TargetError(f"{ref}: module {module_name!r} has no attribute {attr!r}") from None
    if not callable(obj):
        raise TargetError(f"{ref}: {attr!r} is not an ASGI app (not callable)")
    return obj


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

        asgi = app if app is not None else import_app(target.value)
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
    raise UsageError(
        f"{target.value}: a {'snapshot' if target.kind == 'snapshot' else 'spec file'} cannot "
        "answer requests; give a module:attr app or an http(s):// URL"
    )
