"""The html report in a real browser: Debian's headless Chromium loads the page from a file,
and the tests read its DOM, tick filters and type in the search box as a person would.

The browser is started here (:mod:`tests.formats.chromium`) with a fresh profile and no
network services; a machine without ``chromium`` skips these tests (CI installs it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from driftguard import diff_specs, load_spec
from driftguard.causes import Cause
from driftguard.findings import Finding
from driftguard.formats import render
from driftguard.report import Report
from tests.formats.chromium import Chromium, find_chromium, load_cleanly, started
from tests.formats.pages import every_source

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium; CI installs it)"
)

VISIBLE_CAUSES = (
    "Array.from(document.querySelectorAll('details.cause'))"
    ".filter((d) => d.checkVisibility()).map((d) => d.id)"
)
VISIBLE_ROWS = (
    "Array.from(document.querySelectorAll('details.cause table.findings > tbody > tr'))"
    ".filter((r) => r.checkVisibility()).length"
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with started(tmp_path_factory.mktemp("chromium")) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def stripe(specs_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, str]:
    old = load_spec(str(specs_dir / "stripe-2021-04.json"))
    new = load_spec(str(specs_dir / "stripe-2022-04.json"))
    report = diff_specs(old, new)
    path = tmp_path_factory.mktemp("stripe") / "stripe.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    return report, path.as_uri()


_open = load_cleanly


def _expand_all(browser: Chromium) -> None:
    browser.click("#expand")


def _row_text(cause: Cause, finding: Finding) -> str:
    """What the page shows of a finding and its cause's heading, as the search reads it."""
    shown = [
        finding.operation or "(whole API)",
        finding.location,
        finding.message,
        finding.id,
        *(json.dumps(finding.details.get(k)) for k in ("from", "to", "old", "new", "path")),
    ]
    return " ".join([cause.message, cause.where(), *shown]).lower()


def test_the_stripe_page_shows_the_reports_counts_and_fits_the_window(
    browser: Chromium, stripe: tuple[Report, str], tmp_path: Path
) -> None:
    report, url = stripe
    _open(browser, url)
    counts = browser.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('[data-count]'),"
        " (td) => [td.dataset.count, Number(td.textContent)]))"
    )
    for severity, n in report.summary.items():
        assert counts[f"findings-{severity}"] == n
    for severity, n in report.cause_summary.items():
        assert counts[f"causes-{severity}"] == n
    assert counts["findings-total"] == len(report.findings) == 3394
    assert counts["causes-total"] == len(report.causes)
    assert counts["findings-schema"] == len(report.findings)
    assert browser.evaluate("document.getElementById('filters').checkVisibility()")
    assert browser.evaluate("document.getElementById('shown').textContent") == (
        f"showing {len(report.causes)} of {len(report.causes)} causes, "
        f"{len(report.findings)} of {len(report.findings)} findings"
    )
    first = browser.evaluate("document.querySelector('details.cause .sev').textContent")
    assert first == "breaking"
    shot = browser.screenshot(tmp_path / "stripe-first-screen.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000

    _expand_all(browser)
    assert browser.evaluate(VISIBLE_ROWS) == len(report.findings)
    for width in (1280, 480):
        browser.resize(width, 900)
        assert browser.evaluate("document.documentElement.scrollWidth") <= width, width


def test_a_severity_filter_hides_the_rows_and_causes_it_leaves_out(
    browser: Chromium, stripe: tuple[Report, str]
) -> None:
    report, url = stripe
    _open(browser, url)
    browser.click("input[name=severity][value=info]")
    assert not browser.evaluate("document.querySelector('input[value=info]').checked")
    kept = [c for c in report.causes if any(f.severity.value != "info" for f in c.findings)]
    assert browser.evaluate(VISIBLE_CAUSES) == [f"c-{c.key}" for c in kept]
    _expand_all(browser)
    assert browser.evaluate(VISIBLE_ROWS) == sum(report.summary[s] for s in ("breaking", "warning"))
    browser.click("input[name=severity][value=warning]")
    browser.click("input[name=severity][value=breaking]")
    assert browser.evaluate(VISIBLE_CAUSES) == []
    assert browser.evaluate("document.getElementById('shown').dataset.findings") == "0"


def test_typing_in_the_search_box_hides_the_causes_that_do_not_match(
    browser: Chromium, stripe: tuple[Report, str], tmp_path: Path
) -> None:
    report, url = stripe
    _open(browser, url)
    browser.type("#search", "billing_portal")
    expected = [
        c for c in report.causes if any("billing_portal" in _row_text(c, f) for f in c.findings)
    ]
    assert 0 < len(expected) < len(report.causes)
    assert browser.evaluate(VISIBLE_CAUSES) == [f"c-{c.key}" for c in expected]
    rows = sum(1 for c in expected for f in c.findings if "billing_portal" in _row_text(c, f))
    assert browser.evaluate("document.getElementById('shown').dataset.findings") == str(rows)
    browser.type("#search", " privacy_policy_url")  # every word must match
    narrower = browser.evaluate(VISIBLE_CAUSES)
    assert 0 < len(narrower) < len(expected)
    _expand_all(browser)
    browser.screenshot(tmp_path / "stripe-searched.png")


def test_a_source_filter_and_a_link_to_a_cause_on_a_check_and_fuzz_page(
    browser: Chromium, tmp_path: Path
) -> None:
    report = every_source()
    path = tmp_path / "every-source.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    target = report.causes[2]
    _open(browser, f"{path.as_uri()}#c-{target.key}")
    assert browser.evaluate(f"document.getElementById('c-{target.key}').open")
    _expand_all(browser)
    browser.screenshot(tmp_path / "every-source.png", full_page=True)
    assert browser.evaluate("document.querySelector('.curl').textContent").startswith("curl ")

    browser.click("input[name=source][value=schema]")
    assert browser.evaluate(VISIBLE_ROWS) == sum(f.source != "schema" for f in report.findings)
    browser.click("input[name=source][value=response]")
    only_fuzz = [c for c in report.causes if "fuzz" in c.sources]
    assert browser.evaluate(VISIBLE_CAUSES) == [f"c-{c.key}" for c in only_fuzz]
    # a cause shown by two sources shows the findings of the one still ticked
    browser.click("input[name=source][value=schema]")
    renamed = next(c for c in report.causes if c.sources == ["schema", "response"])
    count = browser.evaluate(f"document.querySelector('#c-{renamed.key} .count').textContent")
    assert count == "1 of 2 findings"
