"""Issue 14's "Done when" for the boundary-value classes, as one table.

Every class of edge value the issue lists maps to a planted-defect app, the finding(s) it must
produce and a control operation that must stay clean. Each app is fuzzed at default settings
(no ``max_examples``) twice with the same seed: its findings are exactly the expected ones,
with the same fingerprints. Over real HTTP (uvicorn on 127.0.0.1) every app's defects are found
again, and every printed reproduction is run with curl in bash and in sh, answering the status
the run saw.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from fastapi import FastAPI

from driftguard import Report, fuzz
from tests.fuzzing import boundary_apps as old
from tests.fuzzing import boundary_class_apps as new
from tests.fuzzing.test_reproduce_runs import SHELLS, curlrc, run
from tests.servers import serve

__all__ = ["curlrc"]  # the fixture, shared with test_reproduce_runs

SEED = 11
Key = tuple[str, str | None, str]


class Row(NamedTuple):
    """A boundary class: the app that crashes on it and the finding that shows it."""

    boundary: str
    app: Callable[[], FastAPI]
    finding: Key


SURROGATE_SITE = ("server-error", None, "exception PydanticSerializationError")
CLASSES = [
    Row("negative integer path parameter", old.square_roots, ("server-error", "GET /roots/{n}", "exception ValueError in root")),
    Row("beyond int64", old.sqlite_numbers, ("server-error", "GET /items/{item_id}", "exception OverflowError in run")),
    Row("huge negative, upper bound only", old.sqlite_numbers, ("server-error", "GET /items", "exception OverflowError in run")),
    Row("NaN", new.cents, ("server-error", "POST /totals", "exception ValueError in total")),
    Row("NaN accepted", old.float_readings, ("accepted-invalid-input", "POST /samples", "request body /value")),
    Row("1e400 and Infinity", new.cents, ("server-error", "POST /totals", "exception OverflowError in total")),
    Row("-0", new.displays, ("response-schema-violation", "POST /amounts", "response 200 /display (pattern)")),
    Row("NUL byte in a query", old.nul_paths, ("server-error", "GET /files", "exception ValueError in size")),
    Row("NUL byte in a form password", new.logins, ("server-error", "POST /token", "exception ValueError in _hash")),
    Row("lone surrogate", new.echoes, SURROGATE_SITE),
    Row("very long string", new.long_names, ("server-error", "GET /files", "exception OSError in size")),
    Row("year 1", new.returns, ("server-error", "POST /returns", "exception OverflowError in window")),
    Row("9999-12-31", old.calendar, ("server-error", "POST /deliveries", "exception OverflowError in delivery")),
    Row("naive vs aware datetime", old.calendar, ("server-error", "POST /events", "exception TypeError in event")),
    Row("empty string", new.initials, ("server-error", "POST /initials", "exception IndexError in initial")),
    Row("empty array", new.averages, ("server-error", "POST /averages", "exception ZeroDivisionError in average")),
    Row("nested body field", new.nested_orders, ("server-error", "POST /orders", "exception ValueError in <genexpr>")),
    Row("limit=-1 past the cap", new.pages, ("page-size-exceeded", "GET /items", "response 200 longer than query limit's maximum")),
    Row("header parameter", new.reminders, ("server-error", "GET /reminders", "exception OverflowError in reminder")),
]  # fmt: skip


class App(NamedTuple):
    """A planted app: every finding it must give in-process, and its clean control."""

    factory: Callable[[], FastAPI]
    control: str
    extra: frozenset[Key] = frozenset()  # findings beyond the table's (its other defects)


# FastAPI's own 422 handler echoes a refused lone surrogate and crashes (calendar's date-time
# refuses one): one finding of the whole app, under no operation.
_DEFAULT_422 = ("server-error", None, "exception UnicodeEncodeError")
APPS = [
    App(old.square_roots, "GET /halves/{n}"),
    App(old.sqlite_numbers, "GET /names"),
    App(old.float_readings, "POST /gauges", frozenset({("server-error", "POST /readings", "exception ValueError in reading")})),
    App(new.cents, "POST /prices"),
    App(new.displays, "POST /balances"),
    App(old.nul_paths, "GET /documents"),
    App(new.logins, "POST /session"),
    App(new.echoes, "POST /lengths"),
    App(new.long_names, "GET /documents"),
    App(new.returns, "POST /exchanges"),
    App(old.calendar, "POST /meetings", frozenset({_DEFAULT_422})),
    App(new.initials, "POST /monograms"),
    App(new.averages, "POST /medians"),
    App(new.nested_orders, "POST /quotes"),
    App(new.reminders, "GET /alarms"),
    App(new.pages, "GET /names"),
]  # fmt: skip


def keys(report: Report) -> set[Key]:
    return {(f.id, f.operation, f.location) for f in report.findings}


def expected(app: App) -> set[Key]:
    return {row.finding for row in CLASSES if row.app is app.factory} | set(app.extra)


def test_every_class_of_the_issue_has_a_row_and_every_row_an_app() -> None:
    boundaries = {row.boundary for row in CLASSES}
    issue = {"beyond int64", "1e400 and Infinity", "NaN", "-0", "very long string", "year 1"}
    issue |= {"NUL byte in a form password", "lone surrogate", "9999-12-31", "empty array"}
    issue |= {"naive vs aware datetime", "empty string", "huge negative, upper bound only"}
    issue |= {"negative integer path parameter", "NaN accepted", "limit=-1 past the cap"}
    assert issue <= boundaries
    assert {row.app for row in CLASSES} == {app.factory for app in APPS}


@pytest.mark.parametrize("app", APPS, ids=lambda app: app.factory.__name__)
def test_each_class_is_found_at_default_settings_the_same_twice(app: App) -> None:
    first = fuzz(app.factory(), seed=SEED)
    assert keys(first) == expected(app), first.to_json()
    assert [f for f in first.findings if f.operation == app.control] == []
    again = fuzz(app.factory(), seed=SEED)
    assert [f.fingerprint for f in again.findings] == [f.fingerprint for f in first.findings]


def test_a_lone_surrogate_is_one_finding_of_the_whole_app() -> None:
    report = fuzz(new.echoes(), seed=SEED)
    (finding,) = report.findings
    assert finding.details["operations"] == ["POST /notes", "POST /titles"]
    assert len(report.causes) == 1
    # sent as the JSON escape a client writes, shown as sent (it is no text to print)
    assert finding.details["request"]["body"] == '{"text": "a\\ud800b"}'
    assert '--data-raw \'{"text": "a\\ud800b"}\'' in finding.details["reproduce"]
    assert "surrogates not allowed" in finding.message
    report.to_json().encode("utf-8")  # the report itself can be written


def test_a_negative_limit_past_the_cap_says_how_many_came_back() -> None:
    (finding,) = fuzz(new.pages(), seed=SEED).findings
    assert finding.details["request"]["query"] == {"limit": "-1"}
    assert (finding.details["count"], finding.details["maximum"]) == (149, 100)
    assert finding.message == (
        "answered more items than a page size allows: 149 items to limit=-1, documented maximum 100"
    )


def test_a_nul_in_a_login_form_is_sent_form_encoded() -> None:
    report = fuzz(new.logins(), seed=SEED)
    (crash,) = report.findings
    assert crash.details["request"]["headers"]["Content-Type"] == (
        "application/x-www-form-urlencoded"
    )
    assert "password=a%00b" in crash.details["reproduce"]


# Over HTTP a crash is a 500 with no traceback: the operations, not the exceptions, are
# pinned. A representative subset: numbers, -0, a form, a surrogate, text, dates, a header,
# a page size.
HTTP = {
    "cents": {("server-error", "POST /totals")},
    "displays": {("response-schema-violation", "POST /amounts")},
    "logins": {("server-error", "POST /token")},
    "echoes": {("server-error", None)},
    "long_names": {("server-error", "GET /files")},
    "returns": {("server-error", "POST /returns")},
    "reminders": {("server-error", "GET /reminders")},
    "pages": {("page-size-exceeded", "GET /items")},
}
BY_NAME = {app.factory.__name__: app for app in APPS}


@pytest.mark.skipif(not SHELLS, reason="needs a POSIX shell")
@pytest.mark.parametrize("name", sorted(HTTP))
def test_over_http_found_and_every_reproduction_answers_the_same(name: str, curlrc: Path) -> None:
    app = BY_NAME[name]
    with serve(app.factory()) as url:
        report = fuzz(url, seed=SEED, allow_unsafe=True)  # our own service
        assert {(f.id, f.operation) for f in report.findings} == HTTP[name], report.to_json()
        for finding in report.findings:
            command = finding.details["reproduce"]
            assert command.startswith(("curl ", "printf ")), command
            for shell in SHELLS:
                got = run(command, shell, curlrc).split()
                assert int(got[-1]) == finding.details["response"]["status"], (shell, command)
    assert [f for f in report.findings if f.operation == app.control] == []
