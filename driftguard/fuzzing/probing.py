"""The scenarios of a run, after its operations' generated requests: one pass over what the
target accepted.

For each operation: authentication (:func:`~driftguard.fuzzing.scenarios.probe_auth`), a
create sent again and at once (``probe_repeat``, ``probe_concurrency``); for each create,
delete and get of one collection, use after delete (``probe_delete``); then every created id
through the item operations of its collection
(:func:`~driftguard.fuzzing.stateful.follow_links`) and the scopes of each OAuth2 password
flow (:func:`~driftguard.fuzzing.tokens.probe_scopes`).

Each scenario looks for one thing; every answer it gets is also judged as a generated one's
(an undocumented status, an invalid header), with the requests before it that changed data
in its reproduction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from driftguard._http import METHODS, SAFE_METHODS, Route, most_literal_first
from driftguard.fuzzing.causes import (
    framework_answer,
    invalid_headers,
    is_documented,
    undocumented_status,
)
from driftguard.fuzzing.evidence import Evidence
from driftguard.fuzzing.scenarios import (
    creates,
    delete_chains,
    probe_auth,
    probe_concurrency,
    probe_delete,
    probe_repeat,
)
from driftguard.fuzzing.stateful import follow_links
from driftguard.fuzzing.tokens import password_flows, probe_scopes
from driftguard.fuzzing.transport import Exchange

if TYPE_CHECKING:
    from driftguard.fuzzing.engine import Run

__all__ = ["probe"]


class _Trail:
    """The answers of the scenario under way, each judged as it comes (the sender's
    ``on_answer``), for the reproductions of what they show."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.answers: list[Exchange] = []
        spec_paths = run.spec.get("paths") or {}
        self.routes: list[Route] = most_literal_first(
            Route(path, method)
            for path, item in spec_paths.items()
            if isinstance(item, Mapping)
            for method in item
            if method in METHODS and isinstance(item[method], Mapping)
        )

    def __call__(self, exchange: Exchange) -> None:
        """Judge a scenario's answer as a generated one's: an undocumented status (a 418
        to spoiled credentials, a 410 after a delete) and invalid headers are findings.

        The requests the scenario sent before it that change data (the create and the
        delete before a GET) go into the reproduction.
        """
        run = self.run
        self.answers.append(exchange)
        request = exchange.request
        base = urlsplit(run.base_url).path.rstrip("/")
        path = request.path[len(base) :] if base and request.path.startswith(base) else request.path
        route = next((r for r in self.routes if r.matches(request.method, path)), None)
        if route is None or route.method is None:
            return
        label = f"{route.method} {route.template}"
        documented = list(
            run.spec["paths"][route.template][route.method.lower()].get("responses") or {}
        )
        causes = invalid_headers(exchange)
        status = exchange.status
        if (
            status < 500
            and not is_documented(status, documented)
            and not framework_answer(exchange, route=route.template, base_path=base)
        ):
            causes.append(undocumented_status(status, documented))
        before = tuple(e for e in self.answers[:-1] if e.request.method not in SAFE_METHODS)
        for cause in causes:
            run.collector.add(label, Evidence(cause, exchange, origin="probe", before=before))

    def record(self, label: str, evidence: list[Evidence]) -> None:
        """Keep what a scenario found, and start the next scenario's trail."""
        for item in evidence:
            self.run.collector.add(label, item)
        self.answers.clear()


def probe(run: Run) -> None:
    """Run every scenario over what the run's operations accepted."""
    from driftguard.fuzzing.engine import OutOfTime

    run.current = "probes"
    run.report_progress(force=True)
    trail = _Trail(run)
    run.sender.on_answer = trail
    supplied = list(run.options.headers.items())
    for label, state in run.states.items():
        if run.out_of_time():
            raise OutOfTime
        request = state.accepted or state.valid
        if state.slots and request is not None:
            trail.record(label, probe_auth(run.sender, request, state.slots))
        if state.accepted is not None and creates(run.spec, label):
            found = probe_repeat(run.sender, state.accepted)
            if not found:
                found = probe_concurrency(run.sender, state.accepted, run.options.concurrency)
            trail.record(label, found)
    for create_label, delete_label, get_label, template in delete_chains(run.spec):
        creator = run.states.get(create_label)
        if creator is None or creator.accepted is None or get_label not in run.states:
            continue
        if delete_label not in run.states or run.out_of_time():
            continue
        found = probe_delete(
            run.sender,
            creator.accepted,
            template=template,
            base_url=run.base_url,
            extra_headers=supplied,
        )
        trail.record(get_label, found)
    if run.options.stateful:
        reads, sent = run.rereads.sent, run.sender.requests_sent
        follow_links(run)
        run.rereads.sent = reads + run.sender.requests_sent - sent
    _probe_scopes(run, trail)


def _probe_scopes(run: Run, trail: _Trail) -> None:
    """Ask each OAuth2 password flow for a scope it does not declare, with the login."""
    from driftguard.fuzzing.engine import OutOfTime

    flows, login = password_flows(run.spec), run.options.login
    if run.options.operations or run.options.shard is not None:
        # a share of the operations (--operation, --shard): the token endpoints in it only
        base = urlsplit(run.base_url).path
        flows = [flow for flow in flows if flow.operation(base) in run.operations]
    if login is None:
        if flows:
            names = ", ".join(flow.scheme for flow in flows)
            run.notes.append(
                f"the scopes of the OAuth2 password flow(s) {names} were not tested: give a "
                "username and password in [tool.driftguard.fuzz] login"
            )
        return
    trail.answers.clear()  # (what follow_links sent before is no part of a token request)
    for flow in flows:
        label = flow.operation(urlsplit(run.base_url).path)
        if run.out_of_time():
            raise OutOfTime
        trail.record(label, probe_scopes(run.sender, flow, login, run.base_url, run.notes))
