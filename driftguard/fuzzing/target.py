"""What a fuzz run talks to: a TARGET resolved to an app object or a URL, and its base URL.

``fuzz()`` also takes an ASGI app object (handy in tests and notebooks); its document comes
from ``app.openapi()`` and it has no ``module:attr`` to tell a user how to serve it.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from driftguard._config import Config
from driftguard._errors import UsageError
from driftguard.targets import Target, import_app, resolve_target

__all__ = ["base_url", "resolve"]


def resolve(target: Any, config: Config) -> tuple[Target, Any, str | None]:
    """The target, the app object for in-process targets, and how to serve it for replays."""
    if isinstance(target, str | Target) or target is None:
        text = target if target is not None else config.target
        resolved = resolve_target(text, spec_url=config.spec_url, app_dir=config.app_path)
        if resolved.kind == "app":
            app = import_app(resolved.value, app_dir=resolved.app_dir)
            return resolved, app, _serve(resolved)
        if resolved.kind == "url":
            return resolved, None, None
        raise UsageError(
            f"{resolved.value}: fuzzing needs a live target (module:attr or http(s)://...), "
            f"not a {'snapshot directory' if resolved.kind == 'snapshot' else 'spec file'}"
        )
    if callable(target):
        name = getattr(target, "title", None) or type(target).__name__
        return Target("app", f"<{name}>"), target, None
    raise UsageError(f"{target!r} is not a TARGET (module:attr, http(s)://... or an ASGI app)")


def _serve(target: Target) -> str:
    """How to serve an app for a replay, from the directory the run was started in."""
    app_dir = target.app_dir
    if app_dir is None or os.path.abspath(app_dir) == os.getcwd():
        return f"uvicorn {target.value}"
    return f"uvicorn --app-dir {shlex.quote(app_dir)} {target.value}"


def base_url(target_base: str, spec: Mapping[str, Any]) -> str:
    """The target's base URL plus the path of the document's first server, if it has one."""
    servers = spec.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], Mapping):
        return target_base
    url = str(servers[0].get("url", ""))
    path = urlsplit(url).path.rstrip("/")
    if not path or "{" in path or urlsplit(target_base).path.rstrip("/").endswith(path):
        return target_base
    return target_base.rstrip("/") + path
