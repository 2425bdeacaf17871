"""`driftguard snapshot` and `driftguard check` end to end, in-process and over real HTTP.

The Pydantic 1 / Pydantic 2 pair of tests.snapshots.apps must give exactly one finding per
serialisation change, and nothing for the ids, timestamps and tokens that change per call.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from driftguard.cli import main
from tests.servers import serve
from tests.snapshots.apps import create_app

V1 = "tests.snapshots.apps:v1_app"
V2 = "tests.snapshots.apps:v2_app"

# The findings of issue 4's Pydantic behaviours, for the order probe (in its two shapes).
EXPECTED_ORDER = {
    ("response-field-renamed", "$.customer_name"),
    ("response-field-type-changed", "$.total"),
    ("response-field-type-changed", "$.lines[*].unit_price"),
    ("response-field-type-changed", "$.processing_time"),
    ("response-field-format-changed", "$.created_at"),
    ("response-field-format-changed", "$.homepage"),
}
EXPECTED_LIST = {(rule, path.replace("$.", "$.items[*].", 1)) for rule, path in EXPECTED_ORDER}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No configuration but the test's own, and no CI unless the test sets it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def response_findings(out: str) -> dict[str, set[tuple[str, str]]]:
    report = json.loads(out)
    assert report["command"] == "check"
    found: dict[str, set[tuple[str, str]]] = {}
    for f in report["findings"]:
        if f["source"] == "response":
            found.setdefault(f["details"]["probe"], set()).add((f["id"], f["details"]["path"]))
    return found


def test_pydantic_upgrade_drift_in_process(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "snapshot", V1, "--dir", "snaps")
    assert code == 0
    assert "4 probe(s) new" in out
    code, out, err = run(capsys, "check", V2, "--dir", "snaps", "--format", "json")
    assert code == 1, err
    found = response_findings(out)
    assert found == {"get-orders-order_id": EXPECTED_ORDER, "get-orders": EXPECTED_LIST}
    report = json.loads(out)
    rename = next(f for f in report["findings"] if f["id"] == "response-field-renamed")
    assert rename["details"]["from"] == "customer_name"
    assert rename["details"]["to"] == "customerName"
    assert rename["severity"] == "breaking"
    assert rename["operation"] in ("GET /orders/{order_id}", "GET /orders")
    # The same run compared the OpenAPI documents, through the diff engine.
    schema = {(f["id"], f["location"]) for f in report["findings"] if f["source"] == "schema"}
    assert (
        "response-property-renamed",
        "response 200 application/json /customer_name",
    ) in schema


def test_volatile_values_are_not_drift(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "snapshot", V1, "--dir", "snaps")[0] == 0
    for _ in range(2):
        code, out, err = run(capsys, "check", V1, "--dir", "snaps", "--format", "json")
        assert code == 0, out + err
        assert json.loads(out)["findings"] == []


def test_pydantic_upgrade_drift_over_http(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(create_app("v1")) as old_url, serve(create_app("v2")) as new_url:
        code, _, err = run(capsys, "snapshot", old_url, "--dir", "snaps")
        assert code == 0, err
        code, out, err = run(capsys, "check", old_url, "--dir", "snaps", "--format", "json")
        assert (code, response_findings(out)) == (0, {}), err
        code, out, err = run(capsys, "check", new_url, "--dir", "snaps", "--format", "json")
    assert code == 1, err
    assert response_findings(out) == {
        "get-orders-order_id": EXPECTED_ORDER,
        "get-orders": EXPECTED_LIST,
    }


def test_snapshot_files_are_canonical_and_hold_no_secret(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    files = sorted((tmp_path / "snaps").rglob("*.json"))
    assert [f.relative_to(tmp_path / "snaps").as_posix() for f in files] == [
        "openapi.json",
        "responses/get-health.json",
        "responses/get-missing.json",
        "responses/get-orders-order_id.json",
        "responses/get-orders.json",
    ]
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert (
            text
            == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )
    order = json.loads((tmp_path / "snaps/responses/get-orders-order_id.json").read_text())
    assert order["sample"]["token"] == "<redacted>"
    assert "example" not in order["shape"]["properties"]["token"]
    assert order["status"] == 200
    assert order["media_type"] == "application/json"


def test_snapshot_says_what_it_replaced_and_refuses_under_ci(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "snaps" / "responses").mkdir(parents=True)
    (tmp_path / "snaps" / "responses" / "old-probe.json").write_text(
        '{"status": 200, "media_type": null, "shape": null}\n'
    )
    code, out, _ = run(capsys, "snapshot", V1, "--dir", "snaps")
    assert code == 0
    assert "removed (no longer probed): old-probe" in out
    code, out, _ = run(capsys, "snapshot", V1, "--dir", "snaps")
    assert "openapi.json: unchanged" in out
    assert "nothing rewritten (4 probe(s) unchanged)" in out
    monkeypatch.setenv("CI", "true")
    before = (tmp_path / "snaps" / "openapi.json").read_bytes()
    code, _, err = run(capsys, "snapshot", V2, "--dir", "snaps")
    assert code == 2
    assert err.startswith("error: ")
    assert "CI is set" in err
    assert "--force" in err
    assert (tmp_path / "snaps" / "openapi.json").read_bytes() == before
    code, out, _ = run(capsys, "snapshot", V2, "--dir", "snaps", "--force")
    assert code == 0
    assert "replaced (shape, status or request changed)" in out


def test_update_is_refused_under_ci_unless_forced(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    files = {p: p.read_bytes() for p in (tmp_path / "snaps").rglob("*.json")}
    monkeypatch.setenv("CI", "1")
    code, out, err = run(capsys, "check", V2, "--dir", "snaps", "--update")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "--update is refused while CI is set" in err
    assert {p: p.read_bytes() for p in files} == files
    code, out, err = run(capsys, "check", V2, "--dir", "snaps", "--update", "--force")
    assert code == 0, err
    assert "snapshot updated" in out
    monkeypatch.setenv("CI", "false")
    code, out, err = run(capsys, "check", V2, "--dir", "snaps", "--format", "json")
    assert response_findings(out) == {}


def test_update_outside_ci_rewrites_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    code, out, _ = run(capsys, "check", V2, "--dir", "snaps", "--update")
    assert code == 0
    assert "customer_name' was renamed to 'customerName'" in out  # what changed is still shown
    assert "2 probe(s) replaced" in out
    code, out, err = run(capsys, "check", V2, "--dir", "snaps", "--format", "json")
    assert (code, json.loads(out)["findings"]) == (0, []), err  # the new baseline is clean


@pytest.mark.parametrize("update", [False, True])
def test_a_corrupt_snapshot_is_exit_2_and_left_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, update: bool
) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    corrupt = tmp_path / "snaps" / "responses" / "get-health.json"
    corrupt.write_bytes(b'{"status": 200, "shape": {"type": "obj')
    before = {p: p.read_bytes() for p in (tmp_path / "snaps").rglob("*") if p.is_file()}
    code, out, err = run(capsys, "check", V1, "--dir", "snaps", *(["--update"] if update else []))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert "get-health.json: corrupt snapshot" in err
    assert {p: p.read_bytes() for p in before} == before
    code, _, err = run(capsys, "snapshot", V1, "--dir", "snaps")
    assert code == 2
    assert "--force" in err
    assert corrupt.read_bytes() == before[corrupt]


def test_a_missing_snapshot_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", V1, "--dir", "nowhere")
    assert code == 2
    assert "nowhere: no snapshot here (run 'driftguard snapshot'" in err


def test_a_url_target_that_is_down(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    with serve(create_app("v1")) as url:
        pass
    code, out, err = run(capsys, "check", url, "--dir", "snaps")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {url}/openapi.json: cannot reach the service")


def test_probes_with_setup_and_env_headers_from_config(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ACCOUNTS_TOKEN", "tok-do-not-store-1234")
    monkeypatch.setenv("ACCOUNTS_SERVER_TOKEN", "tok-do-not-store-1234")
    (tmp_path / "driftguard.toml").write_text(
        'target = "tests.snapshots.apps:accounts_app"\n'
        'snapshots = "snaps"\n'
        'ignore = ["$..created_at"]\n'
        "[[probes]]\n"
        'name = "create-account"\nmethod = "POST"\npath = "/accounts"\nstatus = 201\n'
        'json = {name = "Ada", password = "hunter2-do-not-store"}\n'
        "[[probes]]\n"
        'name = "get-account"\npath = "/accounts/1"\nstatus = 200\nsetup = ["create-account"]\n'
        'headers = {Authorization = "Bearer ${ACCOUNTS_TOKEN}"}\n'
    )
    code, out, err = run(capsys, "snapshot")
    assert code == 0, err
    stored = "".join(p.read_text() for p in (tmp_path / "snaps").rglob("*.json"))
    assert "tok-do-not-store" not in stored
    assert "hunter2-do-not-store" not in stored
    get_account = json.loads((tmp_path / "snaps/responses/get-account.json").read_text())
    assert set(get_account["shape"]["properties"]) == {"id", "name"}  # created_at ignored
    code, out, err = run(capsys, "check", "--format", "json")
    assert code == 0, out + err
    monkeypatch.setenv("ACCOUNTS_TOKEN", "a-wrong-token")
    code, out, err = run(capsys, "snapshot", "--force")
    assert code == 2
    assert "probe get-account (GET /accounts/1) answered 401, expected 200" in err
    code, out, err = run(capsys, "check", "--format", "json")
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert (finding["id"], finding["operation"]) == (
        "response-status-changed",
        "GET /accounts/{account_id}",
    )
    monkeypatch.delenv("ACCOUNTS_TOKEN")
    code, _, err = run(capsys, "check")
    assert code == 2
    assert "environment variable ACCOUNTS_TOKEN is not set" in err


def test_a_new_probe_without_snapshot_is_a_note_not_a_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    probes = tmp_path / "extra.toml"
    probes.write_text('[[probes]]\nname = "extra"\npath = "/health"\n')
    code, out, _ = run(capsys, "check", V1, "--dir", "snaps", "--probes", str(probes))
    assert code == 0
    assert "new probe extra (GET /health) has no snapshot yet" in out


def test_a_spec_file_target_compares_only_the_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    code, out, err = run(
        capsys, "check", str(tmp_path / "snaps" / "openapi.json"), "--dir", "snaps"
    )
    assert code == 0, err
    assert "not a live service: no probe was replayed" in out


def test_the_cli_as_a_process_prints_one_error_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "snaps").mkdir()
    (tmp_path / "snaps" / "openapi.json").write_text("{")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run(
        [sys.executable, "-m", "driftguard.cli", "check", V1, "--dir", "snaps"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "openapi.json: corrupt snapshot" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit", "github", "html"])
def test_every_format_shows_response_drift(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    code, out, _ = run(
        capsys, "check", V2, "--dir", "snaps", "--format", fmt, "--output", "report.out"
    )
    assert (code, out) == (1, "")
    text = (tmp_path / "report.out").read_text()
    assert "customerName" in text
    assert "processing_time" in text


def test_fail_on_levels(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    assert run(capsys, "check", V2, "--dir", "snaps", "--fail-on", "never")[0] == 0
    assert run(capsys, "check", V1, "--dir", "snaps", "--fail-on", "info")[0] == 0
