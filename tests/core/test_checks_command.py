"""`driftguard checks`: the rule catalogue as a table and as JSON, with the config's effect."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from driftguard.rules import RULES
from driftguard.rules.describe import description
from tests.documents import run

KEYS = [
    "id",
    "severity",
    "configured_severity",
    "ignored",
    "source",
    "direction",
    "area",
    "tier",
    "description",
]


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no configuration file is found (the repository's pyproject.toml has one)."""
    monkeypatch.chdir(tmp_path)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "driftguard.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_lists_every_rule_once_sorted_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["checks", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    listed = json.loads(out)
    assert [entry["id"] for entry in listed] == sorted(RULES)
    for entry in listed:
        rule = RULES[entry["id"]]
        assert list(entry) == KEYS
        assert entry["severity"] == entry["configured_severity"] == rule.severity.value
        assert entry["ignored"] is False
        assert (entry["source"], entry["direction"], entry["area"], entry["tier"]) == (
            rule.source,
            rule.direction,
            rule.area,
            rule.tier,
        )
        assert entry["description"] == description(rule.id)


def test_text_is_a_table_by_source_and_area_within_100_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["checks"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    counts = Counter(rule.severity.value for rule in RULES.values())
    assert lines[0] == (
        f"{len(RULES)} rules ({counts['breaking']} breaking, {counts['warning']} warning, "
        f"{counts['info']} info)"
    )
    assert all(len(line) <= 100 for line in lines)
    ids = [line.split()[0] for line in lines if line.startswith("  ") and line[2] != " "]
    assert sorted(ids) == sorted(RULES)  # every id once, first on its line, to copy
    paths = sum(1 for rule in RULES.values() if rule.area == "paths")
    assert f"schema / paths ({paths} rules)" in lines
    assert "response / live-response (10 rules, response side)" in lines
    assert "fuzz / auth (2 rules)" in lines
    row = next(line for line in lines if line.startswith("  endpoint-added "))
    assert row.split(None, 2)[1:] == ["info", "operation added"]
    # a group is one block: its rules follow its heading
    start = lines.index("fuzz / auth (2 rules)")
    assert lines[start + 1].split()[:2] == ["auth-not-enforced", "breaking"]
    assert lines[start + 3].split()[:2] == ["token-scope-not-checked", "breaking"]


def test_long_ids_and_descriptions_wrap_under_their_columns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(["checks", "--source", "schema"], capsys)
    lines = out.splitlines()
    at = lines.index("  new-optional-request-default-parameter-to-existing-path")
    following = lines[at + 1]
    assert following.split(None, 1)[0] == "info"
    column = following.index("info")
    assert lines[at + 2][:column].strip() == ""  # the description went on under itself
    assert lines[at + 2].strip() == "operation of the path"


def test_severity_and_source_filter_the_listing(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        ["checks", "--format", "json", "--source", "fuzz", "--severity", "WARN"], capsys
    )
    listed = json.loads(out)
    expected = sorted(
        r.id for r in RULES.values() if r.source == "fuzz" and r.severity.value == "warning"
    )
    assert [e["id"] for e in listed] == expected
    assert "rejected-valid-input" in expected


def test_the_configuration_shows_beside_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(
        tmp_path,
        'severity = { response-optional-property-removed = "breaking" }\n'
        'ignore_findings = ["endpoint-added", { id = "api-tag-added", reason = "docs only" },'
        ' { id = "server-error", operation = "GET /x" }]\n',
    )
    code, out, err = run(["checks", "--config", str(config)], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].endswith(f"; {config}: 1 overridden, 2 ignored")

    def row(rule_id: str) -> list[str]:
        line = next(line for line in lines if line.startswith(f"  {rule_id} "))
        return line.split()

    assert row("response-optional-property-removed")[1:4] == ["warning", "->", "breaking"]
    assert row("endpoint-added")[1:3] == ["ignored", "(info)"]
    assert row("api-tag-added")[1:3] == ["ignored", "(info)"]
    assert row("server-error")[1] == "breaking"  # ignored for one operation only

    _, out, _ = run(["checks", "--config", str(config), "--format", "json"], capsys)
    by_id = {entry["id"]: entry for entry in json.loads(out)}
    assert by_id["response-optional-property-removed"]["severity"] == "warning"
    assert by_id["response-optional-property-removed"]["configured_severity"] == "breaking"
    assert by_id["endpoint-added"]["ignored"] is True
    assert by_id["server-error"]["ignored"] is False

    # --severity filters on what the configuration makes of a rule
    _, out, _ = run(
        ["checks", "--config", str(config), "--format", "json", "--severity", "breaking"], capsys
    )
    assert "response-optional-property-removed" in {e["id"] for e in json.loads(out)}


def test_an_override_of_no_rule_is_refused_with_the_closest_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, 'severity = { response-optional-property-remove = "info" }\n')
    code, out, err = run(["checks", "--config", str(config), "--format", "json"], capsys)
    assert code == 2
    assert out == ""
    assert err == (
        f"error: {config}: severity.response-optional-property-remove: "
        "unknown check id 'response-optional-property-remove' "
        "(did you mean response-optional-property-removed?)\n"
    )


def test_quiet_prints_the_summary_line_only(capsys: pytest.CaptureFixture[str]) -> None:
    _, whole, _ = run(["checks", "--source", "response"], capsys)
    _, out, _ = run(["checks", "--quiet", "--source", "response"], capsys)
    assert out == whole.splitlines()[0] + "\n"
    assert out.startswith("10 rules (")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--severity", "bad"], "argument --severity: invalid level 'bad'"),
        (["--source", "probe"], "argument --source: invalid choice: 'probe'"),
        (["--format", "html"], "argument --format: invalid choice: 'html'"),
    ],
)
def test_bad_values_are_exit_2_with_one_error_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["checks", *args], capsys)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"error: {message}")


def test_help_imports_no_catalogue_and_no_pydantic() -> None:
    code = (
        "import sys\n"
        "from driftguard.cli import main\n"
        "try:\n    main(['checks', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('driftguard.rules', 'pydantic', 'httpx') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "--severity LEVEL" in result.stdout
    assert result.stdout.splitlines()[-1] == "[]"


def test_checks_on_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "driftguard.cli", "checks", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert len(json.loads(result.stdout)) == len(RULES)


def test_markdown_is_the_catalogue_as_a_checks_page(capsys: pytest.CaptureFixture[str]) -> None:
    from driftguard.rules import RULES

    code, out, err = run(["checks", "--format", "markdown"], capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "# driftguard checks"
    rows = [line for line in lines if line.startswith("| `")]
    assert sorted(row.split("`")[1] for row in rows) == sorted(RULES)
    assert all(row.count(" | ") == 3 for row in rows)  # no description breaks its table
    assert "## schema / " in out
    assert "## fuzz / fuzz" in out
