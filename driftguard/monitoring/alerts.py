"""Announcing incidents: one log line each, always, and a JSON POST to ``--webhook``.

The body carries the event, the cause, its severity and message, the target, when it was
first seen (and resolved), and a ``text`` field without links, the one field a Slack
incoming webhook (and Mattermost, Rocket.Chat, Teams' Slack-compatible connector) shows.
The target is written as code (in backticks), which Slack does not turn into a link.
A receiver that is slow or down never holds the watcher up for long: each attempt has a
timeout, a failed attempt is retried a bounded number of times, and a webhook that still
fails is a log line, not a stopped watch.

A webhook URL is itself a credential (Slack's carry their token in the path), so messages
name only its host. Every text that came from a run goes through the one redaction rule set.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from driftguard._errors import UsageError
from driftguard._redact import redact, redact_text
from driftguard._version import __version__
from driftguard.monitoring.incidents import Event

__all__ = ["Alerter", "alert_body", "alert_text"]

logger = logging.getLogger("driftguard.watch")


def alert_text(event: Event) -> str:
    """The one line that says what happened, for the log and the webhook's ``text``."""
    incident = event.incident
    if event.kind == "opened":
        what = "unreachable" if incident.kind == "unreachable" else f"{incident.severity} drift"
        return (
            f"driftguard: incident opened on `{incident.target}`: {what}: {incident.message} "
            f"[{incident.rule}] (first seen {incident.opened})"
        )
    return (
        f"driftguard: incident resolved on `{incident.target}`: {incident.message} "
        f"[{incident.rule}] (first seen {incident.opened}, gone at {incident.resolved})"
    )


def alert_body(event: Event) -> dict[str, Any]:
    incident = event.incident
    body = {
        "event": f"incident-{event.kind}",
        "cause": incident.cause,
        "kind": incident.kind,
        "rule": incident.rule,
        "severity": incident.severity,
        "message": incident.message,
        "target": incident.target,
        "first_seen": incident.opened,
        "resolved": incident.resolved,
        "runs": incident.runs,
        "text": alert_text(event),
        "tool": "driftguard",
        "version": __version__,
    }
    redacted: dict[str, Any] = redact(body)
    return redacted


class Alerter:
    """Announces events: a log line each, and the webhook when there is one."""

    def __init__(
        self,
        webhook: str | None = None,
        *,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.5,
    ) -> None:
        if webhook is not None:
            parts = urlsplit(webhook)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise UsageError(
                    f"--webhook {redact_text(webhook)!r} is not an http:// or https:// URL"
                )
        self.webhook = webhook
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sent = 0
        self.failed = 0

    @property
    def receiver(self) -> str:
        """The webhook as messages may name it: its host only."""
        if self.webhook is None:
            return "no webhook"
        parts = urlsplit(self.webhook)
        return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}/..."

    def announce(self, events: list[Event]) -> None:
        if not events:
            return
        for event in events:
            logger.warning("%s", alert_text(event))  # (--quiet keeps warnings)
        if self.webhook is None:
            return
        import httpx

        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
            for event in events:
                self._post(client, event)

    def _post(self, client: Any, event: Event) -> None:
        import httpx

        body = alert_body(event)
        problem = ""
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = client.post(self.webhook, json=body)
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
                continue
            if response.status_code < 300:
                self.sent += 1
                return
            problem = f"answered {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break  # the receiver refuses this body: sending it again changes nothing
        self.failed += 1
        logger.error(
            "driftguard: webhook %s: %s after %d attempt(s); the incident stays recorded",
            self.receiver,
            problem,
            attempt + 1,
        )
