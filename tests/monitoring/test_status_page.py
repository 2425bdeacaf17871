"""``driftguard history --format html`` in a real browser: Debian's headless Chromium loads
the status page from a file and the test reads what a person would see: the open incidents,
the timeline of runs newest first, what was resolved; nothing fetched, nothing thrown, no
line wider than the window. A machine without ``chromium`` skips (CI installs it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from driftguard.cli import main
from driftguard.monitoring.history import Incident, RunRecord, open_history
from driftguard.monitoring.incidents import judge
from tests.formats.chromium import Chromium, find_chromium, load_cleanly, started

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium; CI installs it)"
)
TARGET = "https://shop.example.com"
RENAME = "response property 'name' was renamed to 'full_name' <b>not bold</b>"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with started(tmp_path_factory.mktemp("chromium")) as chromium:
        yield chromium


def _incident(cause: str, message: str, when: str) -> Incident:
    return Incident(
        TARGET, cause, "drift", "response-property-renamed", "breaking", message, when, when
    )


def recorded_history(path: Path) -> None:
    """Five runs: clean, two with drift, one that could not reach the target, one where
    the rename is fixed but a type change stays."""
    store = open_history(str(path))
    rename = "k-rename"
    retype = "k-retype"
    runs = [
        ("2026-12-01T10:00:00Z", "clean", []),
        ("2026-12-01T10:05:00Z", "drift", [rename, retype]),
        ("2026-12-01T10:10:00Z", "drift", [rename, retype]),
        ("2026-12-01T10:15:00Z", "unreachable", []),
        ("2026-12-01T10:20:00Z", "drift", [retype]),
    ]
    for when, outcome, causes in runs:
        run = RunRecord(
            TARGET,
            when,
            0.4,
            outcome,
            {"clean": 0, "drift": 1}.get(outcome, 2),
            breaking=len(causes),
            findings=len(causes) * 2,
            causes=[
                {"key": c, "message": RENAME if c == rename else "seat_price: string -> number"}
                for c in causes
            ],
            error="ConnectError: All connection attempts failed"
            if outcome == "unreachable"
            else None,
        )
        seen = [
            _incident(c, RENAME if c == rename else "seat_price: string -> number", when)
            for c in causes
        ]
        if outcome == "unreachable":
            seen = [
                Incident(
                    TARGET,
                    "unreachable",
                    "unreachable",
                    "target-unreachable",
                    "breaking",
                    "ConnectError",
                    when,
                    when,
                )
            ]
        with store.transaction(TARGET) as tx:
            judge(tx, run, seen)


def test_the_status_page_shows_open_incidents_the_timeline_and_what_was_resolved(
    browser: Chromium, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "history.db"
    recorded_history(db)
    page = tmp_path / "status.html"
    assert (
        main(
            [
                "history",
                "--history",
                str(db),
                "--since",
                "3650d",
                "--format",
                "html",
                "-o",
                str(page),
            ]
        )
        == 0
    )
    load_cleanly(browser, page.as_uri())

    def texts(selector: str) -> list[str]:
        return list(
            browser.evaluate(
                f"Array.from(document.querySelectorAll({selector!r}), (e) => e.innerText.trim())"
            )
        )

    assert browser.evaluate("document.getElementById('verdict').innerText").startswith(
        "1 open incident(s) · 5 run(s) since"
    )
    (open_row,) = texts("#open tbody tr")
    assert "seat_price: string -> number" in open_row
    resolved = texts("#resolved tbody tr")
    assert len(resolved) == 2
    assert any(RENAME in row for row in resolved)  # the markup in it is text, not bold
    assert browser.evaluate("document.querySelectorAll('#resolved b').length") == 0
    assert any("ConnectError" in row for row in resolved)
    started = [row.split("\t")[0] for row in texts("table.runs tbody tr")]
    assert started == [
        "2026-12-01T10:20:00Z",
        "2026-12-01T10:15:00Z",
        "2026-12-01T10:10:00Z",
        "2026-12-01T10:05:00Z",
        "2026-12-01T10:00:00Z",
    ]
    strip = browser.evaluate(
        "Array.from(document.querySelectorAll('.strip span'), (s) => s.className)"
    )
    assert strip == ["clean", "drift", "drift", "unreachable", "drift"]
    colours = browser.evaluate(
        "Array.from(document.querySelectorAll('.strip span'),"
        " (s) => getComputedStyle(s).backgroundColor)"
    )
    assert len(set(colours)) == 3  # clean, drift and unreachable look different
    shot = browser.screenshot(tmp_path / "status.png")
    assert shot.stat().st_size > 10_000
    for width in (1280, 480):
        browser.resize(width, 900)
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, width
