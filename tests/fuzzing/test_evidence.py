"""From generated requests to findings: one per cause, the smallest request kept."""

from __future__ import annotations

from driftguard._redact import Redactor
from driftguard.fuzzing.evidence import COERCED, Cause, Collector, Evidence
from driftguard.fuzzing.transport import Exchange, Request


def test_issued_credentials_in_responses_are_redacted() -> None:
    collector = Collector()
    exchange = Exchange(
        Request("POST", "http://h/token"),
        422,
        content=b'{"access_token": "abc", "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}',
    )
    collector.add("POST /token", Evidence(Cause("rejected-valid-input", "response 422"), exchange))
    (finding,) = collector.findings(Redactor())
    # by name and, as in snapshots, by value: the JWT sits under a name that says nothing
    assert finding.details["response"]["body"] == (
        '{"access_token": "<redacted>", "jwt": "<redacted>"}'
    )


def test_the_collector_keeps_the_smallest_request_per_cause_and_drops_subsumed_coercions() -> None:
    collector = Collector()
    cause = Cause("accepted-invalid-input", "request body /n", {"cause": "x"})
    big = Exchange(Request("POST", "http://h/a", (), b'{"n": "long value"}'), 200)
    small = Exchange(Request("POST", "http://h/a", (), b'{"n": 1.5}'), 200)
    assert collector.add("POST /a", Evidence(cause, big)) is True
    assert collector.add("POST /a", Evidence(cause, small)) is False
    coerced = Cause("accepted-invalid-input", "request body /n" + COERCED)
    collector.add("POST /a", Evidence(coerced, small))
    (finding,) = collector.findings(Redactor())
    assert finding.details["request"]["body"] == '{"n": 1.5}'
    assert finding.details["generation"] == "fuzzing"
