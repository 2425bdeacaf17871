"""Drift in the services an app depends on: record their response shapes, compare later.

Wrap the transport of the httpx client that talks to a downstream service::

    recorder = DriftRecorder("snapshots/downstream", service="rates",
                             routes=["GET /rates/{base}"], on_drift="warn")
    client = httpx.AsyncClient(base_url=..., transport=recorder.transport())

Every successful JSON response is reduced to a shape and compared with the one recorded
for its route (``snapshots/downstream/rates/get-rates-base.json``, the same record format
as ``driftguard snapshot``, written atomically and redacted by the same store). A relative
directory is relative to the configuration file's directory (``[tool.driftguard]`` in
pyproject.toml or driftguard.toml, found from the current directory up), so a test run from
``tests/`` reads the project's records; without a directory it is ``<snapshots>/downstream``. In tests (``on_drift="raise"``) drift raises
:class:`DownstreamDriftError`, failing the test that caused the call; in production
(``on_drift="warn"``) it is logged once per distinct drift on the ``driftguard.downstream``
logger and the response is returned untouched, so a renamed field upstream is seen in the
logs before it is seen as a wrong price.

Modes: ``auto`` (the default) records what is missing and compares the rest, ``check`` only
compares (a missing record is drift), ``record`` (re)writes the records. The mode can also
come from the environment variable ``DRIFTGUARD_DOWNSTREAM``. Nothing is ever recorded
while ``CI`` is set: there a missing record is drift, whose message says how to create it.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import httpx

from driftguard._discovery import find_config_file
from driftguard._errors import DriftguardError, UsageError
from driftguard._http import Route, is_json_media_type, media_type_of
from driftguard._redact import redact
from driftguard.findings import FailOn
from driftguard.report import Report
from driftguard.shapes import PathMatcher, compare_response
from driftguard.snapshots.record import ResponseRecord, record_name
from driftguard.snapshots.store import ci_is_set, read_record, write_record

__all__ = ["DownstreamDriftError", "DriftRecorder", "DriftTransport", "SyncDriftTransport"]

Mode = Literal["check", "record", "auto"]
OnDrift = Literal["raise", "warn"]
MODES: tuple[Mode, ...] = ("check", "record", "auto")
ENV_MODE = "DRIFTGUARD_DOWNSTREAM"
logger = logging.getLogger("driftguard.downstream")


class DownstreamDriftError(DriftguardError):
    """A downstream service answered with a shape other than the recorded one."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


_ID_SEGMENT = re.compile(
    r"\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _route(text: str) -> Route:
    try:
        return Route.parse(text)
    except ValueError as exc:
        raise UsageError(f"downstream {exc}") from None


class DriftRecorder:
    """Records and checks the response shapes of one downstream service."""

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        service: str,
        mode: Mode | None = None,
        on_drift: OnDrift = "warn",
        routes: Sequence[str] = (),
        ignore: Sequence[str] = (),
        only_success: bool = True,
        fail_on: str = "warning",
    ) -> None:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", service):
            raise UsageError(f"downstream service name {service!r} must be file-name-safe")
        chosen = mode or os.environ.get(ENV_MODE, "").strip().lower() or "auto"
        if chosen not in MODES:
            raise UsageError(f"downstream mode {chosen!r}: choose from {', '.join(MODES)}")
        if on_drift not in ("raise", "warn"):
            raise UsageError(f"on_drift={on_drift!r}: choose 'raise' or 'warn'")
        self.directory = _base_directory(directory) / service
        self.service = service
        self.mode: Mode = chosen
        self.on_drift: OnDrift = on_drift
        self.routes = [_route(r) for r in routes]
        self.ignore = PathMatcher(ignore)
        self.only_success = only_success
        # An added field breaks no client: by default only warnings and worse are drift.
        self.fail_on = FailOn.parse(fail_on)
        self._warned: set[frozenset[str]] = set()
        self._records: dict[str, ResponseRecord] = {}
        self._lock = threading.Lock()

    def transport(self, inner: httpx.AsyncBaseTransport | None = None) -> DriftTransport:
        """An async transport for ``httpx.AsyncClient(transport=...)`` wrapping ``inner``."""
        return DriftTransport(self, inner or httpx.AsyncHTTPTransport())

    def sync_transport(self, inner: httpx.BaseTransport | None = None) -> SyncDriftTransport:
        """The same for ``httpx.Client``."""
        return SyncDriftTransport(self, inner or httpx.HTTPTransport())

    def route(self, method: str, path: str) -> tuple[str, str]:
        """The record name and operation (``GET /rates/{base}``) a request belongs to."""
        for route in self.routes:
            if route.matches(method, path):
                return record_name(method, route.template), f"{method} {route.template}"
        template = "/".join(
            "{id}" if _ID_SEGMENT.fullmatch(part) else part for part in path.split("/")
        )
        return record_name(method, template), f"{method} {template}"

    def wants(self, response: httpx.Response) -> bool:
        if self.only_success and not 200 <= response.status_code < 300:
            return False
        return is_json_media_type(media_type_of(response.headers.get("content-type")))

    def observe(self, request: httpx.Request, response: httpx.Response) -> Report:
        """Compare (or record) one read response; what drifted, as a report."""
        method = request.method.upper()
        name, operation = self.route(method, request.url.path)
        params = redact(dict(request.url.params))
        asked = {
            "method": method,
            "path": request.url.path,
            **({"params": params} if params else {}),
        }
        live = ResponseRecord.from_response(response, request=asked, ignore=self.ignore)
        path = self.directory / f"{name}.json"
        probe = f"{self.service}/{name}"
        recorded = self._recorded(name, path)
        recording = self.mode == "record" or (self.mode == "auto" and recorded is None)
        if recording and not ci_is_set():
            write_record(path, live)
            with self._lock:
                self._records[name] = live
            return Report("check")
        if recorded is None:
            hint = (
                "CI is set, so nothing is recorded: run once outside CI (or with "
                f"{ENV_MODE}=record) to record it, review it and commit it"
                if recording
                else f"record it with mode='auto' or {ENV_MODE}=record"
            )
            return self._drift(f"no recorded shape for {probe} at {path} ({hint})")
        report = compare_response(
            recorded, live, probe=probe, operation=operation, ignore=self.ignore
        )
        serious = report.filtered(lambda f: self.fail_on.trips(f.severity))
        if serious.findings:
            self._report(probe, serious)
        elif report.findings:
            logger.info("driftguard: downstream %s: %d minor change(s)", probe, len(report))
        return report

    def _recorded(self, name: str, path: Path) -> ResponseRecord | None:
        with self._lock:
            cached = self._records.get(name)
        if cached is not None or not path.exists():
            return cached
        record = read_record(path)
        with self._lock:
            self._records[name] = record
        return record

    def _drift(self, message: str) -> Report:
        self._complain(message, Report("check"), key=frozenset({message}))
        return Report("check")

    def _report(self, probe: str, report: Report) -> None:
        lines = [f"  [{f.severity.value}] {f.message} ({f.id})" for f in report.findings]
        text = f"downstream {probe} drifted from its recorded shape:\n" + "\n".join(lines)
        self._complain(text, report, key=frozenset(f.fingerprint for f in report.findings))

    def _complain(self, text: str, report: Report, *, key: frozenset[str]) -> None:
        """Raise, or log once per distinct ``key`` (requests may run on many threads)."""
        if self.on_drift == "raise":
            raise DownstreamDriftError(text, report)
        with self._lock:
            fresh = key not in self._warned
            self._warned.add(key)
        if fresh:
            logger.warning("driftguard: %s", text)


def _base_directory(directory: str | os.PathLike[str] | None) -> Path:
    """Where the records live: as given when absolute, else relative to the configuration
    file's directory (the current one without a file); by default ``<snapshots>/downstream``."""
    if directory is None:
        from driftguard._settings import read_settings

        return read_settings().snapshot_dir / "downstream"
    path = Path(directory)
    if path.is_absolute():
        return path
    found = find_config_file()
    return (found.parent if found is not None else Path.cwd()) / path


class DriftTransport(httpx.AsyncBaseTransport):
    """Passes requests through to ``inner``; observes the JSON responses on the way back."""

    def __init__(self, recorder: DriftRecorder, inner: httpx.AsyncBaseTransport) -> None:
        self.recorder = recorder
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.recorder.wants(response):
            await response.aread()  # cached on the response: the caller reads it again for free
            self.recorder.observe(request, response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class SyncDriftTransport(httpx.BaseTransport):
    """The blocking twin of :class:`DriftTransport`."""

    def __init__(self, recorder: DriftRecorder, inner: httpx.BaseTransport) -> None:
        self.recorder = recorder
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.recorder.wants(response):
            response.read()
            self.recorder.observe(request, response)
        return response

    def close(self) -> None:
        self.inner.close()
