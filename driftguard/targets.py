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
from typing import Any, Literal
from urllib.parse import urlsplit

from driftguard._errors import (
    LoadError,
    RefError,
    SnapshotError,
    TargetError,
    UsageError,
    one_line,
)
from driftguard.openapi.load import bundle_refs, check_openapi, parse_document

__all__ = ["Target", "app_spec", "import_app", "load_spec", "open_client", "resolve_target"]

Kind = Literal["app", "url", "file", "snapshot"]

_APP_REF = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
SNAPSHOT_SPEC = "openapi.json"
IN_PROCESS_BASE_URL = "http://testserver"


@dataclass(frozen=True)
class Target:
    """A TARGET as the user wrote it, with what it is."""

    kind: Kind
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


def load_spec(
    target: str | Target | Mapping[str, Any],
    *,
    allow_remote_refs: bool = False,
    timeout: float = 10.0,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The OpenAPI document of any TARGET, parsed, checked and with external refs bundled."""
    if isinstance(target, Mapping):
        return check_openapi(dict(target), where="<document>")
    resolved = resolve_target(target)
    remote = _fetcher(timeout, headers) if allow_remote_refs else None
    if resolved.kind == "file":
        return _load_file(Path(resolved.value), fetch_remote=remote)
    if resolved.kind == "snapshot":
        return _load_snapshot_spec(Path(resolved.value))
    if resolved.kind == "url":
        url = _spec_location(resolved)
        text = _get(url, timeout, headers)
        document = check_openapi(parse_document(text, where=url), where=url)
        return bundle_refs(
            document,
            base=url,
            fetch_file=_refuse_file_from_url(url),
            fetch_remote=remote or _same_origin_fetcher(url, timeout, headers),
            text=text,
        )
    return _load_app_spec(resolved.value)


def _spec_location(target: Target) -> str:
    if _is_document_url(target.value) and not target.spec_url:
        return target.value
    spec = target.spec_url or "/openapi.json"
    if spec.startswith(("http://", "https://")):
        return spec
    return _service_base(target.value) + "/" + spec.lstrip("/")


def _load_file(path: Path, *, fetch_remote: Any) -> dict[str, Any]:
    where = str(path)
    text = _read(path)
    document = check_openapi(parse_document(text, where=where), where=where)

    def fetch_file(location: str) -> Any:
        return parse_document(_read(Path(location), ref=True), where=location)

    return bundle_refs(
        document,
        base=str(path.resolve()),
        fetch_file=fetch_file,
        fetch_remote=fetch_remote,
        text=text,
    )


def _read(path: Path, *, ref: bool = False) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if ref:
            raise RefError(f"{path}: referenced file not found") from None
        raise LoadError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LoadError(f"{path}: is a directory, not an OpenAPI document") from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}") from None


def _load_snapshot_spec(directory: Path) -> dict[str, Any]:
    path = directory / SNAPSHOT_SPEC
    if not path.is_file():
        raise SnapshotError(f"{directory}: not a snapshot directory (no {SNAPSHOT_SPEC})")
    where = str(path)
    try:
        document = parse_document(path.read_bytes(), where=where, yaml_allowed=False)
    except LoadError as exc:
        raise SnapshotError(f"corrupt snapshot: {exc}") from None
    return check_openapi(document, where=where)


def app_spec(app: Any, *, where: str) -> dict[str, Any]:
    """The document of an app object with FastAPI's ``openapi()``, checked, as plain JSON data."""
    openapi = getattr(app, "openapi", None)
    if not callable(openapi):
        raise LoadError(f"{where}: not an app with an openapi() method (FastAPI)")
    try:
        document = openapi()
    except Exception as exc:
        raise LoadError(f"{where}: app.openapi() failed: {one_line(exc)}") from None
    return check_openapi(_as_json(document, where), where=where)


def _load_app_spec(ref: str) -> dict[str, Any]:
    app = import_app(ref)
    if callable(getattr(app, "openapi", None)):
        return app_spec(app, where=ref)
    # A plain ASGI app: ask it for its document the way a client would.
    import asyncio

    async def fetch() -> bytes:
        async with open_client(Target("app", ref)) as client:
            response = await client.get("/openapi.json")
            if response.status_code != 200:
                raise LoadError(f"{ref}: GET /openapi.json answered {response.status_code}")
            content: bytes = response.content
            return content

    text = asyncio.run(fetch())
    return check_openapi(parse_document(text, where=f"{ref} /openapi.json"), where=ref)


def _as_json(document: Any, where: str) -> Any:
    """An app's document as plain JSON data (no tuples, no enums, no Decimal)."""
    import json

    try:
        return json.loads(json.dumps(document, default=str))
    except (TypeError, ValueError) as exc:
        raise LoadError(f"{where}: app.openapi() is not JSON data: {exc}") from None


def _get(url: str, timeout: float, headers: Mapping[str, str] | None) -> bytes:
    import httpx

    try:
        response = httpx.get(
            url, timeout=timeout, headers=dict(headers or {}), follow_redirects=True
        )
    except httpx.TimeoutException:
        raise TargetError(f"{url}: no answer within {timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise TargetError(f"{url}: cannot reach the service: {one_line(exc)}") from None
    if response.status_code != 200:
        raise TargetError(f"{url}: answered HTTP {response.status_code}, not an OpenAPI document")
    return response.content


def _fetcher(timeout: float, headers: Mapping[str, str] | None) -> Any:
    def fetch(url: str) -> Any:
        return parse_document(_get(url, timeout, headers), where=url)

    return fetch


def _same_origin_fetcher(base: str, timeout: float, headers: Mapping[str, str] | None) -> Any:
    """A served document may reference its siblings on the same server; nothing else."""
    origin = urlsplit(base)._replace(path="", query="", fragment="").geturl()
    fetch = _fetcher(timeout, headers)

    def fetch_same_origin(url: str) -> Any:
        if not url.startswith(origin + "/"):
            raise RefError(
                f"{base}: reference to {url} on another host refused "
                "(pass --allow-remote-refs to follow it)"
            )
        return fetch(url)

    return fetch_same_origin


def _refuse_file_from_url(base: str) -> Any:
    def refuse(location: str) -> Any:
        raise RefError(f"{base}: a served document cannot reference the local file {location}")

    return refuse


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
