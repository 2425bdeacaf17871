"""``driftguard fuzz TARGET --replay report.json``: send an earlier run's findings again.

Each fuzz finding of a JSON report carries ``details.request`` (method, path, query, headers,
body). Replaying sends that request to TARGET, and to TARGET only (its origin, the recorded
path), and judges the answer by the finding's own rule: a ``server-error`` still fails while
the answer is a 5xx (or the in-process app raises), an ``accepted-invalid-input`` while it is
a 2xx, a ``response-schema-violation`` while the body breaks the schema TARGET documents now.
What still fails is reported as it was; what is fixed is listed in the report's notes.

Credentials never were in the report: a header recorded as ``${NAME}`` or ``<redacted>`` gets
the value the run's own headers give it (``--header``, the configuration; ``${NAME}`` read
from the environment), and those headers go with every request, as in a fuzz run, except the
requests of ``auth-not-enforced`` findings, which were sent without them on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from driftguard._config import Config
from driftguard._errors import UsageError, one_line
from driftguard._http import SAFE_METHODS
from driftguard._settings import expand_env, mentions_env
from driftguard.findings import Finding, RunInfo
from driftguard.fuzzing.options import HeaderInput, resolve_options
from driftguard.fuzzing.rejudge import JUDGES, NEEDS_SPEC
from driftguard.fuzzing.target import resolve
from driftguard.fuzzing.transport import Exchange, Request, Sender, Unsendable
from driftguard.merge import read_report_data
from driftguard.openapi.sources import app_spec, load_spec
from driftguard.policy import apply_policy
from driftguard.report import Report

__all__ = ["load_fuzz_findings", "replay"]

_REDACTED = "<redacted>"


def load_fuzz_findings(path: str | Path) -> list[Finding]:
    """The fuzz findings of a JSON report written by ``driftguard fuzz --format json``."""
    where = str(path)
    data = read_report_data(path)
    if data.get("command") != "fuzz":
        raise UsageError(
            f"{where}: a report of driftguard {data.get('command')}, not of driftguard fuzz"
        )
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise UsageError(f"{where}: the report has no findings list")
    findings = []
    for index, entry in enumerate(entries):
        try:
            finding = Finding.from_dict(entry)
            request = finding.details["request"]
            path = request.get("path")
            if not isinstance(request.get("method"), str) or not isinstance(path, str):
                raise ValueError("details.request has no method and path")
            if not path.startswith("/"):
                raise ValueError(f"details.request.path {path!r} does not start with /")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"{where}: findings[{index}] is not a fuzz finding: {exc}") from None
        findings.append(finding)
    return findings


def replay(
    target: Any,
    report: str | Path,
    *,
    headers: HeaderInput | None = None,
    allow_unsafe: bool | None = None,
    config: Config | None = None,
) -> Report:
    """Send every finding of the fuzz ``report`` to ``target`` again; report what still fails."""
    config = config or Config()
    findings = load_fuzz_findings(report)
    options = resolve_options(config, headers=headers, allow_unsafe=allow_unsafe)
    info, finish = RunInfo.timed()
    resolved, app, _ = resolve(target, config)
    unsafe = resolved.kind == "url" and not options.allow_unsafe
    for finding in findings:
        method = str(finding.details["request"]["method"]).upper()
        if unsafe and method not in SAFE_METHODS:
            raise UsageError(
                f"{finding.operation}: replaying {method} may change data on a live service: "
                "pass --allow-unsafe"
            )
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(resolved.base_url))
    spec: dict[str, Any] | None = None
    still: list[Finding] = []
    notes: list[str] = []
    with Sender(resolved, app=app, timeout=options.timeout) as sender:
        for finding in findings:
            label = f"{finding.id} {finding.operation} ({finding.location})"
            if finding.id not in JUDGES or finding.details.get("before"):
                notes.append(f"not replayed: {label}: its request alone does not show it")
                still.append(finding)
                continue
            request = _request(finding, origin, options.headers, where=f"{report}: {label}")
            copies = int(finding.details.get("concurrency", 1) or 1)
            try:
                if finding.id == "concurrency-conflict" and copies > 1:
                    exchanges = sender.send_all([request] * copies)
                else:
                    exchanges = [sender.send(request)]
            except Unsendable as exc:
                notes.append(f"not replayed: {label}: {one_line(exc)}")
                still.append(finding)
                continue
            if finding.id in NEEDS_SPEC and spec is None:
                spec = _spec(resolved, app, config, options.timeout)
            if JUDGES[finding.id](finding, exchanges, spec or {}):
                status = _shown(exchanges[-1])
                details = {**finding.details, "replay": {"status": status, "fixed": False}}
                still.append(replace(finding, details=details))
            else:
                notes.append(f"fixed: {label}: now {_shown(exchanges[-1])}")
        requests = sender.requests_sent
    summary = (
        f"replayed {len(findings)} findings of {report}: "
        f"{len(still)} still fail, {len(findings) - len(still)} fixed"
    )
    info.target = str(resolved)
    info.notes = [summary, *notes]
    info.requests = requests
    return apply_policy(Report("fuzz", still, run=finish()), config)


def _shown(exchange: Exchange) -> str:
    if exchange.error is not None:
        return f"{type(exchange.error).__name__}: {one_line(exchange.error)}"
    return str(exchange.status)


def _spec(resolved: Any, app: Any, config: Config, timeout: float) -> dict[str, Any]:
    if app is not None:
        return app_spec(app, where=resolved.value)
    return load_spec(resolved, allow_remote_refs=config.allow_remote_refs, timeout=timeout)


def _request(finding: Finding, origin: str, supplied: Mapping[str, str], *, where: str) -> Request:
    """The recorded request, addressed to ``origin``, with placeholders filled in."""
    recorded = finding.details["request"]
    lowered = {name.lower(): value for name, value in supplied.items()}
    headers: dict[str, str] = {}
    for name, value in dict(recorded.get("headers") or {}).items():
        text = str(value)
        if text == _REDACTED or mentions_env(text):  # a credential the report hid
            given = lowered.get(str(name).lower())
            text = expand_env(text, where=f"{where}: header {name}") if given is None else given
        if text != _REDACTED:  # a secret nobody supplied: leave it out
            headers[str(name)] = text
    if finding.id != "auth-not-enforced":
        present = {name.lower() for name in headers}
        headers.update({k: v for k, v in supplied.items() if k.lower() not in present})
    query = {
        str(name): [expand_env(str(v), where=f"{where}: query {name}") for v in _values(value)]
        for name, value in dict(recorded.get("query") or {}).items()
    }
    url = origin + str(recorded["path"])
    if query:
        url += "?" + urlencode(query, doseq=True)
    if "{0.scheme}://{0.netloc}".format(urlsplit(url)) != origin:  # never another service
        raise UsageError(f"{where}: the recorded path {recorded['path']!r} leaves {origin}")
    return Request(
        str(recorded["method"]).upper(), url, tuple(headers.items()), _body(recorded, headers)
    )


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _body(recorded: Mapping[str, Any], headers: Mapping[str, str]) -> bytes:
    """The body as ``request_details`` showed it: a JSON value for JSON media types, or the
    text that was sent (a body that is not JSON, or JSON text kept as sent because it holds
    a lone surrogate: text that parses to an object or array)."""
    body = recorded.get("body")
    if body is None:
        return b""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if isinstance(body, str):
        if "json" not in content_type.lower():
            return body.encode("utf-8", errors="surrogatepass")
        try:
            kept = isinstance(json.loads(body), dict | list)
        except ValueError:
            kept = True  # it was sent as text
        if kept:
            return body.encode("utf-8", errors="surrogatepass")
    return json.dumps(body).encode()
