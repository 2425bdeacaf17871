"""The OpenAPI document of any TARGET: a file, an app, a live service or a snapshot.

A document is parsed, checked and has its external references bundled here
(:mod:`driftguard.openapi.load`), once, whatever kind of target it came from. A snapshot's
document is read through the snapshot store, the only reader of a snapshot directory, so
that an interrupted swap is completed before anything is read.

A document may come from an untrusted pull request, so what it makes driftguard read is
bounded: requests for a served document and its references go to the target's own origin
only, and carry the configured headers nowhere else (:mod:`~driftguard.openapi.fetch`); a
file's references stay inside its directory tree, and only regular files of a bounded size
are read (:mod:`~driftguard.openapi.files`). A document at a git revision (``REV:PATH``) is
read with git (:mod:`driftguard._git`), and so are its references: from the same revision,
inside the repository's tree, under the same size limit; the working tree is never read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from driftguard._deep import deep
from driftguard._errors import LoadError, RefError, SnapshotError, one_line
from driftguard.openapi.bundle import Fetch, bundle_refs
from driftguard.openapi.fetch import fetch_bytes, run_sync
from driftguard.openapi.files import check_inside, read_file
from driftguard.openapi.load import check_openapi, parse_document
from driftguard.openapi.parsing import check_depth
from driftguard.targets import SPEC_SUFFIXES, Target, import_app, open_client, resolve_target

__all__ = ["app_spec", "load_spec", "snapshot_document"]


@deep
def load_spec(
    target: str | os.PathLike[str] | Target | Mapping[str, Any],
    *,
    allow_remote_refs: bool = False,
    timeout: float = 10.0,
    headers: Mapping[str, str] | None = None,
    ref_roots: Sequence[str | Path] = (),
    notes: list[str] | None = None,
    check_nesting: bool = True,
    app_dir: str | Path | None = None,
) -> dict[str, Any]:
    """The OpenAPI document of any TARGET, parsed, checked and with external refs bundled.

    ``check_nesting=False`` leaves a file's depth limit to the caller's :class:`Spec`,
    which checks it in the pass it makes over the document anyway (see
    :func:`~driftguard.openapi.parsing.parse_document`).

    ``headers`` go only to a URL target's own origin; ``timeout`` bounds each fetch (of the
    document or of one reference) as a whole. A file's references may read files inside its
    directory tree and inside ``ref_roots``; ``allow_remote_refs`` lets them reach other
    origins. What the reading has to tell (a key written twice) is appended to ``notes``.
    A ``module:attr`` is imported from ``app_dir`` (default: the current directory).
    """
    if isinstance(target, Mapping):
        return check_openapi(dict(target), where="<document>")
    resolved = resolve_target(target, app_dir=app_dir)
    remote = _fetcher(None, timeout, headers, notes) if allow_remote_refs else None
    if resolved.kind == "file":
        return _load_file(Path(resolved.value), remote, ref_roots, notes, check_nesting)
    if resolved.kind == "revision":
        document = _load_revision(resolved.value, remote, notes)
        if document is not None:
            return document
    if resolved.kind in ("snapshot", "revision"):
        from driftguard.snapshots.store import SPEC_FILE, read_spec

        directory = Path(resolved.value)
        return snapshot_document(read_spec(directory), where=str(directory / SPEC_FILE))
    if resolved.kind == "url":
        url = resolved.spec_location
        text = fetch_bytes(
            url, trusted=url, headers=headers, timeout=timeout, other_origins=allow_remote_refs
        )
        document = check_openapi(parse_document(text, where=url, notes=notes), where=url)
        fetcher = _fetcher(url, timeout, headers, notes, other_origins=allow_remote_refs)
        return bundle_refs(
            document, base=url, fetch_file=_refuse_file, fetch_remote=fetcher, text=text
        )
    return _load_app_spec(resolved)


def snapshot_document(document: Any, *, where: str) -> dict[str, Any]:
    """A snapshot's ``openapi.json`` as read by the store, checked: a snapshot that is not
    an OpenAPI document is a corrupt snapshot, not a bad TARGET. A snapshot is committed,
    so a pull request can change it too: it is held to the same depth limit as a file."""
    try:
        check_depth(document, where)
        return check_openapi(document, where=where)
    except LoadError as exc:
        raise SnapshotError(f"corrupt snapshot: {exc}") from None


def _load_file(
    path: Path,
    fetch_remote: Fetch | None,
    ref_roots: Sequence[str | Path],
    notes: list[str] | None,
    check_nesting: bool = True,
) -> dict[str, Any]:
    where = str(path)
    text = read_file(path)
    parsed = parse_document(text, where=where, notes=notes, check_nesting=check_nesting)
    document = check_openapi(parsed, where=where)
    base = path.resolve()
    roots = [base.parent, *(Path(root).resolve() for root in ref_roots)]

    def fetch_file(location: str, referrer: str) -> Any:
        check_inside(Path(location), roots, referrer=referrer)
        data = read_file(Path(location), referrer=referrer)
        return parse_document(data, where=location, notes=notes)

    return bundle_refs(
        document, base=str(base), fetch_file=fetch_file, fetch_remote=fetch_remote, text=text
    )


def _load_revision(
    text: str, fetch_remote: Fetch | None, notes: list[str] | None
) -> dict[str, Any] | None:
    """The document at ``REV:PATH``, its references read from the same revision; None when
    PATH is a directory there (a snapshot directory, read through the store), unless it is
    named like a document (``REV:openapi.json``), as a directory TARGET is."""
    import tempfile

    from driftguard._git import open_revision, parse_revision

    where = parse_revision(text)
    if where is None:  # pragma: no cover - resolve_target made it a revision
        raise LoadError(f"{text}: not REV:PATH")
    with open_revision(where) as revision, tempfile.TemporaryDirectory() as scratch:
        found = revision.lookup()
        if found.kind == "tree" and not text.lower().endswith(SPEC_SUFFIXES):
            return None
        data = revision.read(found, name=text)
        document = check_openapi(parse_document(data, where=text, notes=notes), where=text)
        # References are joined as paths under an empty private directory standing for the
        # repository's top: no link on disk can change where they lead, and what leaves it
        # has left the repository.
        top = Path(scratch).resolve()
        base = top / found.path

        def named(location: str) -> str:
            if location == str(base):
                return text
            inside = Path(location)
            return (
                revision.name(inside.relative_to(top).as_posix())
                if inside.is_relative_to(top)
                else location
            )

        def fetch_file(location: str, referrer: str) -> Any:
            by = named(referrer)
            if not Path(location).is_relative_to(top):
                raise RefError(
                    f"{by}: reference to {location} is outside the repository; refusing to read it"
                )
            name = named(location)
            try:
                referenced = revision.resolve(Path(location).relative_to(top).as_posix(), name=name)
            except LoadError as exc:
                raise RefError(f"{exc} (referenced from {by})") from None
            raw = revision.read(referenced, name=name, referrer=by)
            return parse_document(raw, where=name, notes=notes)

        def fetch_url(url: str, referrer: str) -> Any:
            if fetch_remote is None:
                raise RefError(
                    f"{named(referrer)}: remote reference to {url} refused "
                    "(pass --allow-remote-refs to follow it)"
                )
            return fetch_remote(url, named(referrer))

        return bundle_refs(
            document, base=str(base), fetch_file=fetch_file, fetch_remote=fetch_url, text=data
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


def _load_app_spec(target: Target) -> dict[str, Any]:
    ref = target.value
    app = import_app(ref, app_dir=target.app_dir)
    if callable(getattr(app, "openapi", None)):
        return app_spec(app, where=ref)

    # A plain ASGI app: ask it for its document the way a client would.
    async def fetch() -> bytes:
        async with open_client(target, app=app) as client:
            response = await client.get("/openapi.json")
            if response.status_code != 200:
                raise LoadError(f"{ref}: GET /openapi.json answered {response.status_code}")
            content: bytes = response.content
            return content

    text = run_sync(fetch())
    return check_openapi(parse_document(text, where=f"{ref} /openapi.json"), where=ref)


def _as_json(document: Any, where: str) -> Any:
    """An app's document as plain JSON data (no tuples, no enums, no Decimal)."""
    try:
        return json.loads(json.dumps(document, default=str))
    except (TypeError, ValueError) as exc:
        raise LoadError(f"{where}: app.openapi() is not JSON data: {exc}") from None


def _fetcher(
    trusted: str | None,
    timeout: float,
    headers: Mapping[str, str] | None,
    notes: list[str] | None,
    *,
    other_origins: bool = True,
) -> Fetch:
    """Fetch and parse a referenced document: the configured headers only for ``trusted``'s
    origin (a file TARGET has none), other origins only when ``other_origins``."""

    def fetch(url: str, referrer: str) -> Any:
        data = fetch_bytes(
            url,
            trusted=trusted,
            headers=headers,
            timeout=timeout,
            other_origins=other_origins,
            refused=RefError,
        )
        return parse_document(data, where=url, notes=notes)

    return fetch


def _refuse_file(location: str, referrer: str) -> Any:
    raise RefError(f"{referrer}: a served document cannot reference the local file {location}")
