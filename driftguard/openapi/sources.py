"""The OpenAPI document of any TARGET: a file, an app, a live service or a snapshot.

A document is parsed, checked and has its external references bundled here
(:mod:`driftguard.openapi.load`), once, whatever kind of target it came from. A snapshot's
document is read through the snapshot store, the only reader of a snapshot directory, so
that an interrupted swap is completed before anything is read. Requests for a served
document and its references go to the target's own origin only.

A document may come from an untrusted pull request, so what it makes driftguard read is
bounded: a file's references stay inside its directory tree, and only regular files of a
bounded size are read (:mod:`~driftguard.openapi.files`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from driftguard._errors import LoadError, RefError, SnapshotError, TargetError, one_line
from driftguard.openapi.bundle import Fetch, bundle_refs
from driftguard.openapi.files import check_inside, read_file
from driftguard.openapi.load import check_openapi, parse_document
from driftguard.targets import Target, import_app, open_client, resolve_target

__all__ = ["app_spec", "load_spec", "snapshot_document"]


def load_spec(
    target: str | Target | Mapping[str, Any],
    *,
    allow_remote_refs: bool = False,
    timeout: float = 10.0,
    headers: Mapping[str, str] | None = None,
    ref_roots: Sequence[str | Path] = (),
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """The OpenAPI document of any TARGET, parsed, checked and with external refs bundled.

    A file's references may read files inside its directory tree and inside ``ref_roots``.
    What the reading has to tell (a key written twice) is appended to ``notes``.
    """
    if isinstance(target, Mapping):
        return check_openapi(dict(target), where="<document>")
    resolved = resolve_target(target)
    remote = _fetcher(timeout, headers, notes) if allow_remote_refs else None
    if resolved.kind == "file":
        return _load_file(Path(resolved.value), remote, ref_roots, notes)
    if resolved.kind == "snapshot":
        from driftguard.snapshots.store import SPEC_FILE, read_spec

        directory = Path(resolved.value)
        return snapshot_document(read_spec(directory), where=str(directory / SPEC_FILE))
    if resolved.kind == "url":
        url = resolved.spec_location
        text = _get(url, timeout, headers)
        document = check_openapi(parse_document(text, where=url, notes=notes), where=url)
        return bundle_refs(
            document,
            base=url,
            fetch_file=_refuse_file,
            fetch_remote=remote or _same_origin_fetcher(url, timeout, headers, notes),
            text=text,
        )
    return _load_app_spec(resolved.value)


def snapshot_document(document: Any, *, where: str) -> dict[str, Any]:
    """A snapshot's ``openapi.json`` as read by the store, checked: a snapshot that is not
    an OpenAPI document is a corrupt snapshot, not a bad TARGET."""
    try:
        return check_openapi(document, where=where)
    except LoadError as exc:
        raise SnapshotError(f"corrupt snapshot: {exc}") from None


def _load_file(
    path: Path, fetch_remote: Fetch | None, ref_roots: Sequence[str | Path], notes: list[str] | None
) -> dict[str, Any]:
    where = str(path)
    text = read_file(path)
    document = check_openapi(parse_document(text, where=where, notes=notes), where=where)
    base = path.resolve()
    roots = [base.parent, *(Path(root).resolve() for root in ref_roots)]

    def fetch_file(location: str, referrer: str) -> Any:
        check_inside(Path(location), roots, referrer=referrer)
        data = read_file(Path(location), referrer=referrer)
        return parse_document(data, where=location, notes=notes)

    return bundle_refs(
        document, base=str(base), fetch_file=fetch_file, fetch_remote=fetch_remote, text=text
    )


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


def _fetcher(timeout: float, headers: Mapping[str, str] | None, notes: list[str] | None) -> Fetch:
    def fetch(url: str, referrer: str) -> Any:
        return parse_document(_get(url, timeout, headers), where=url, notes=notes)

    return fetch


def _same_origin_fetcher(
    base: str, timeout: float, headers: Mapping[str, str] | None, notes: list[str] | None
) -> Fetch:
    """A served document may reference its siblings on the same server; nothing else."""
    origin = urlsplit(base)._replace(path="", query="", fragment="").geturl()
    fetch = _fetcher(timeout, headers, notes)

    def fetch_same_origin(url: str, referrer: str) -> Any:
        if not url.startswith(origin + "/"):
            raise RefError(
                f"{base}: reference to {url} on another host refused "
                "(pass --allow-remote-refs to follow it)"
            )
        return fetch(url, referrer)

    return fetch_same_origin


def _refuse_file(location: str, referrer: str) -> Any:
    raise RefError(f"{referrer}: a served document cannot reference the local file {location}")
