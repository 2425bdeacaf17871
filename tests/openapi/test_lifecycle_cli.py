"""The lifecycle from the command line: --deprecation-days, the configuration's
deprecation_days and today, for `diff` and `check`, and what bad values say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from driftguard.cli import main
from tests.documents import run, shop
from tests.openapi.lifecycle_cases import NEAR, TODAY, sunset

CONFIG = f"today = {TODAY.isoformat()}\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with old.yaml and new.yaml, the new one deprecating GET /items/{item_id}
    without a sunset and its query parameter with one 14 days away (the fixed today's)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(shop()))
    # YAML keeps an unquoted date a string (YAML 1.2), as JSON would
    new = yaml.safe_dump(shop(get={"deprecated": True}, q=sunset("SUNSET")))
    (tmp_path / "new.yaml").write_text(new.replace("SUNSET", NEAR))
    (tmp_path / "driftguard.toml").write_text(CONFIG)
    return tmp_path


def _found(out: str) -> dict[str, str]:
    report: dict[str, Any] = json.loads(out)
    return {f["id"]: f["severity"] for f in report["findings"]}


def test_diff_without_a_policy_reports_deprecations_as_info(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["diff", "old.yaml", "new.yaml", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    assert _found(out) == {"endpoint-deprecated": "info", "request-parameter-deprecated": "info"}


def test_diff_with_deprecation_days(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["diff", "old.yaml", "new.yaml", "--format", "json", "--deprecation-days", "30"]
    code, out, err = run(args, capsys)
    assert (code, err) == (1, "")
    assert _found(out) == {
        "api-deprecated-sunset-missing": "breaking",
        "request-parameter-sunset-date-too-small": "breaking",
    }
    code, out, _ = run([*args[:-1], "14"], capsys)  # 14 days away is 14 days' notice
    assert code == 1
    assert _found(out)["request-parameter-deprecated"] == "info"


def test_the_configuration_sets_the_policy_and_the_option_overrides_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "driftguard.toml").write_text(CONFIG + "deprecation_days = 30\n")
    code, out, _ = run(["diff", "old.yaml", "new.yaml", "--format", "json"], capsys)
    assert code == 1
    assert _found(out)["api-deprecated-sunset-missing"] == "breaking"
    args = ["diff", "old.yaml", "new.yaml", "--format", "json", "--deprecation-days", "0"]
    code, out, _ = run(args, capsys)
    assert code == 0
    assert _found(out) == {"endpoint-deprecated": "info", "request-parameter-deprecated": "info"}


def test_the_configured_today_judges_sunsets(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "driftguard.toml").write_text('today = "2026-03-20"\n')  # NEAR is past then
    code, out, _ = run(["diff", "old.yaml", "new.yaml", "--format", "json"], capsys)
    assert code == 1
    assert _found(out)["request-parameter-sunset-date-too-small"] == "breaking"


def test_check_holds_the_document_to_the_policy(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "api.yaml").write_text((project / "old.yaml").read_text())
    assert run(["snapshot", "api.yaml", "--dir", "snaps"], capsys)[0] == 0
    (project / "api.yaml").write_text((project / "new.yaml").read_text())
    (project / "driftguard.toml").write_text(CONFIG + "deprecation_days = 30\n")
    args = ["check", "api.yaml", "--dir", "snaps", "--format", "json"]
    code, out, err = run(args, capsys)
    assert (code, err) == (1, "")
    assert _found(out) == {
        "api-deprecated-sunset-missing": "breaking",
        "request-parameter-sunset-date-too-small": "breaking",
    }
    code, out, _ = run([*args, "--deprecation-days", "0"], capsys)
    assert code == 0
    assert _found(out) == {"endpoint-deprecated": "info", "request-parameter-deprecated": "info"}


@pytest.mark.parametrize(
    ("args", "config", "error"),
    [
        (
            ["--deprecation-days", "-1"],
            CONFIG,
            "error: argument --deprecation-days: '-1' must be 0 or more days "
            "(see 'driftguard diff --help')",
        ),
        (
            ["--deprecation-days", "a month"],
            CONFIG,
            "error: argument --deprecation-days: 'a month' is not a whole number "
            "(see 'driftguard diff --help')",
        ),
        (
            [],
            "deprecation_days = -3\n",
            "error: {file}: deprecation_days: Input should be greater than or equal to 0 (got -3)",
        ),
        (
            [],
            'deprecation_days_beta = "30"\n',
            "error: {file}: deprecation_days_beta: Input should be a valid integer (got '30')",
        ),
        (
            [],
            'today = "soon"\n',
            "error: {file}: today: Input should be a valid date or datetime, input is too "
            "short (got 'soon')",
        ),
    ],
)
def test_bad_policies_are_one_error_line(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    config: str,
    error: str,
) -> None:
    file = project / "driftguard.toml"
    file.write_text(config)
    try:
        code = main(["diff", "old.yaml", "new.yaml", *args])
    except SystemExit as exit_info:  # argparse's way with a bad argument
        code = int(str(exit_info.code))
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == error.format(file=file) + "\n"
