"""The html report as a file: self-contained, escaped, complete, counted, and --show."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from driftguard import diff_specs, load_spec
from driftguard.findings import FailOn, Severity
from driftguard.formats import FormatOptions, render
from driftguard.formats.html import git_commit
from driftguard.report import Report
from driftguard.rules.describe import description as describe
from driftguard.rules.explain import explain
from tests.formats.pages import HOSTILE, Parsed, every_source


@pytest.fixture(scope="module")
def stripe(specs_dir: Path) -> Report:
    old = load_spec(str(specs_dir / "stripe-2021-04.json"))
    new = load_spec(str(specs_dir / "stripe-2022-04.json"))
    return diff_specs(old, new)


def test_the_page_asks_the_network_for_nothing() -> None:
    page = render(every_source(), "html")
    head = page.split("<body>")[0]
    assert "http" not in head
    parsed = Parsed(page)
    assert parsed.having("src") == []
    # links only within the page (to its catalogue of checks)
    assert all(str(attrs["href"]).startswith("#check-") for _, attrs in parsed.having("href"))
    assert parsed.tags("link") == []
    assert parsed.tags("script") == [{}]  # one, inline
    assert "@import" not in page
    assert "url(" not in page


def test_user_controlled_text_is_escaped_everywhere() -> None:
    page = render(every_source(), "html")
    parsed = Parsed(page)
    assert [tag for tag, _ in parsed.elements].count("script") == 1
    assert parsed.tags("img") == []
    assert HOSTILE in parsed.all_text  # shown as written, not interpreted
    assert "&lt;script&gt;alert(1)&lt;/script&gt; closes &lt;/details&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; is a note" in page
    assert "example_app.main:app &lt;v2&gt;" in page
    assert "&#x27;{&quot;q&quot;: &quot;&lt;/pre&gt;&quot;}&#x27;" in page  # the curl line
    # the hostile finding's cause still holds its whole table
    assert len(parsed.tags("details")) == len(every_source().causes) + 3  # + 3 requests


def test_every_finding_is_a_row_with_its_evidence() -> None:
    report = every_source()
    parsed = Parsed(render(report, "html"))
    rows = [attrs for attrs in parsed.tags("tr") if attrs.get("class")]
    assert sorted(str(r["class"]) for r in rows) == sorted(
        f"{f.severity.value} {f.source}" for f in report.findings
    )
    text = parsed.all_text
    for finding in report.findings:
        assert finding.message in text
        assert finding.location in text
        assert finding.id in text
    assert "(whole API)" in text
    assert "renamed from full_name to fullName" in text
    assert "before number after string" in text
    assert "probe get-user" in text
    assert "field $.lines[*].unit_price" in text
    assert "curl -X POST 'http://127.0.0.1:8000/orders/'" in text
    assert '"path": "/orders/"' in text  # the fuzz request, as JSON
    assert '"path": "/users/1"' in text  # the probe's recorded request


def test_causes_come_first_breaking_first_each_with_why_its_check_matters() -> None:
    report = every_source()
    parsed = Parsed(render(report, "html"))
    causes = [attrs for attrs in parsed.tags("details") if "cause" in str(attrs.get("class"))]
    assert [a["id"] for a in causes] == [f"c-{c.key}" for c in report.causes]
    assert [str(a["class"]).split()[1] for a in causes] == [c.severity.value for c in report.causes]
    text = parsed.all_text
    for cause in report.causes:
        assert " ".join(explain(cause.id).split()) in text
    # the rename seen in the spec and in the live response explains both checks
    assert f"Why response-field-renamed matters. {explain('response-field-renamed')}" in text


def test_every_check_id_links_to_its_catalogue_entry_in_the_page() -> None:
    report = every_source()
    page = render(report, "html")
    parsed = Parsed(page)
    targets = {str(attrs["href"])[1:] for _, attrs in parsed.having("href")}
    entries = {str(a["id"]) for a in parsed.tags("tr") if str(a.get("id", "")).startswith("check-")}
    assert {f"check-{f.id}" for f in report.findings} == entries == targets
    assert "Checks in this report" in parsed.all_text
    assert describe("server-error") in parsed.all_text


def test_the_header_says_what_the_run_was() -> None:
    page = render(every_source(), "html", FormatOptions())
    text = Parsed(page).all_text
    assert "driftguard check: example_app.main:app <v2> against snapshots" in text
    assert "driftguard 0.1.0 · started 2026-12-01 07:00:00 UTC · 1.25 s · seed 7" in text
    assert "120 requests" in text
    assert "command driftguard check baseline snapshots target example_app.main:app <v2>" in text
    assert "replayed 2 probes" in text
    assert "(fail-on: breaking)" in text
    assert 'class="verdict fail"' in page
    relaxed = render(every_source(), "html", FormatOptions(fail_on=FailOn.parse("never")))
    assert 'class="verdict pass"' in relaxed


def test_counts_by_severity_and_source_of_causes_and_findings() -> None:
    report = every_source()
    page = render(report, "html")
    cells = dict(re.findall(r'<td data-count="([a-z-]+)">(\d+)</td>', page))
    assert len(cells) == len(Parsed(page).having("data-count")) == 14
    for severity in Severity:
        assert cells[f"findings-{severity.value}"] == str(report.summary[severity.value])
        assert cells[f"causes-{severity.value}"] == str(report.cause_summary[severity.value])
    assert cells["findings-total"] == str(len(report.findings))
    assert cells["causes-total"] == str(len(report.causes))
    by_source = (cells["findings-schema"], cells["findings-response"], cells["findings-fuzz"])
    assert by_source == ("3", "3", "2")
    assert cells["causes-response"] == str(sum("response" in c.sources for c in report.causes))


def test_show_leaves_out_lesser_causes_whole_and_says_so() -> None:
    report = every_source()
    page = render(report, "html", FormatOptions(show=Severity.WARNING))
    parsed = Parsed(page)
    shown = [c for c in report.causes if c.severity is not Severity.INFO]
    causes = [a for a in parsed.tags("details") if "cause" in str(a.get("class"))]
    assert len(causes) == len(shown)
    rows = [a for a in parsed.tags("tr") if a.get("class")]
    assert len(rows) == sum(len(c.findings) for c in shown)
    assert "new field $.nickname" not in page
    assert "2 info cause(s) not shown (--show)" in page
    # the counts are still the report's
    assert f'<td data-count="findings-total">{len(report.findings)}</td>' in page


def test_details_changes_nothing_since_the_page_is_the_detailed_view() -> None:
    report = every_source()
    plain = render(report, "html", FormatOptions())
    assert render(report, "html", FormatOptions(details=True)) == plain


def test_a_run_without_findings_says_so_without_filters() -> None:
    page = render(Report("diff"), "html")
    assert "No findings." in page
    assert 'id="filters"' not in page
    assert Parsed(page).tags("script") == [{}]


def test_the_commit_is_the_current_directorys_when_it_is_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert git_commit() is None
    assert "commit" not in Parsed(render(every_source(), "html")).all_text.split("Causes")[0]
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    assert git_commit() is None  # no commit yet
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert git_commit() == head
    assert f"commit <code>{head}</code>" in render(every_source(), "html")


def test_no_git_at_all_is_no_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert git_commit() is None


def test_stripe_page_holds_every_finding_in_a_reasonable_size_and_time(stripe: Report) -> None:
    assert len(stripe.findings) > 3000
    stripe.causes  # noqa: B018 (grouping is the diff's work, not the page's)
    started = time.perf_counter()
    page = render(stripe, "html")
    seconds = time.perf_counter() - started
    assert seconds < 1.0
    assert len(page.encode()) < 2_000_000
    parsed = Parsed(page)
    assert len([a for a in parsed.tags("tr") if a.get("class")]) == len(stripe.findings)
    causes = [a for a in parsed.tags("details") if "cause" in str(a.get("class"))]
    assert len(causes) == len(stripe.causes)
