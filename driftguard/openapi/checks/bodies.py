"""Request bodies, response statuses, media types and response headers."""

from __future__ import annotations

from collections.abc import Iterator

from driftguard.findings import Finding
from driftguard.openapi.checks import check, emit
from driftguard.openapi.diff import media_relation
from driftguard.openapi.tree import BodyDiff, HeaderDiff, MediaDiff, ResponseDiff
from driftguard.openapi.walk import Site


@check("request-body")
def request_body(site: Site, body: BodyDiff) -> Iterator[Finding]:
    if body.old is None:
        yield emit(f"request-body-added-{'required' if body.new_required else 'optional'}", site)
    elif body.new is None:
        yield emit("request-body-removed", site)
    elif body.new_required and not body.old_required:
        yield emit("request-body-became-required", site)
    elif body.old_required and not body.new_required:
        yield emit("request-body-became-optional", site)


@check("media-added")
def media_added(site: Site, media: str) -> Iterator[Finding]:
    if site.side == "request":
        yield emit("request-body-media-type-added", site)
    else:
        yield emit("response-media-type-added", site)


@check("media-removed")
def media_removed(site: Site, media: str) -> Iterator[Finding]:
    if site.side == "request":
        yield emit("request-body-media-type-removed", site)
    else:
        yield emit("response-media-type-removed", site)


@check("media")
def media_changed(site: Site, media: MediaDiff) -> Iterator[Finding]:
    if media.old_name != media.new_name:
        relation = media_relation(media.old_name, media.new_name)
        if relation is not None:
            yield emit(
                f"response-media-type-name-{relation}", site, old=media.old_name, new=media.new_name
            )
    if media.old_schema == media.new_schema:
        return
    change = "added" if media.new_schema else "removed"
    if site.side == "request":
        yield emit(f"request-body-media-type-schema-{change}", site)
    else:
        yield emit(f"response-body-media-type-schema-{change}", site)


def _success(status: str) -> bool:
    return status.startswith("2")


@check("response-added")
def response_added(site: Site, status: str) -> Iterator[Finding]:
    kind = "success" if _success(status) else "non-success"
    yield emit(f"response-{kind}-status-added", site)


@check("response-removed")
def response_removed(site: Site, status: str) -> Iterator[Finding]:
    kind = "success" if _success(status) else "non-success"
    yield emit(f"response-{kind}-status-removed", site)


@check("response")
def response_headers(site: Site, response: ResponseDiff) -> Iterator[Finding]:
    for name, _ in response.headers_added:
        yield emit(
            "response-header-added", site, location=f"{site.root} header {name}", header=name
        )
    for name, header in response.headers_removed:
        level = "required" if header.get("required") is True else "optional"
        yield emit(
            f"{level}-response-header-removed",
            site,
            location=f"{site.root} header {name}",
            header=name,
        )


@check("header")
def header_changed(site: Site, header: HeaderDiff) -> Iterator[Finding]:
    old, new = header.old.get("required") is True, header.new.get("required") is True
    if old and not new:
        yield emit("response-header-became-optional", site)
    elif new and not old:
        yield emit("response-header-became-required", site)
