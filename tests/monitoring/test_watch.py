"""`driftguard watch --once` against a live service that changes between runs.

example_app runs under uvicorn; then the careless release (``example_app.dev.drifted``) is
deployed on the same port, then nothing answers for a moment, then example_app is back. The
watcher must open exactly one incident per new cause and alert once for it (a real webhook
receiver on 127.0.0.1 counts the POSTs), stay quiet while the causes persist, treat the
moment nobody answers as an incident of its own without resolving the drift, and resolve
everything once the service is fixed; the history shows it, with SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from driftguard.cli import main
from tests.monitoring.conftest import APP, DRIFTED
from tests.monitoring.postgres import PASSWORD
from tests.monitoring.services import Service, Webhook


def watch(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(
            [
                "watch",
                "--once",
                "--config",
                str(project / "driftguard.toml"),
                "--retries",
                "1",
                "--retry-delay",
                "0.2",
                *args,
            ]
        )
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def history(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["history", "--config", str(project / "driftguard.toml"), *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, project: Path, tmp_path: Path) -> list[str]:
    """The ``--history`` arguments: the default SQLite file (removed first), or a fresh
    PostgreSQL database."""
    if request.param == "sqlite":
        default = project / ".driftguard" / "history.db"
        for leftover in default.parent.glob("history.db*"):
            leftover.unlink()
        return []
    url: str = request.getfixturevalue("postgres_url")
    return ["--history", url]


def opened_and_resolved(receiver: Webhook) -> tuple[list[str], list[str]]:
    events = receiver.events()
    assert {kind for kind, _ in events} <= {"incident-opened", "incident-resolved"}
    return (
        [cause for kind, cause in events if kind == "incident-opened"],
        [cause for kind, cause in events if kind == "incident-resolved"],
    )


def test_one_incident_per_new_cause_alerted_once_and_resolved_when_fixed(
    redeployed: Service,
    project: Path,
    receiver: Webhook,
    history_url: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    service = redeployed
    hook = ["--webhook", receiver.url, *history_url]
    assert service.module == APP
    code, out, err = watch(project, capsys, *hook)
    assert (code, receiver.events()) == (0, []), err
    assert "no drift; 0 incident(s) opened, 0 resolved" in out

    service.deploy(DRIFTED)
    code, out, err = watch(project, capsys, *hook)
    assert code == 1, err
    opened, resolved = opened_and_resolved(receiver)
    assert resolved == []
    assert len(opened) == len(set(opened)) == 2  # the rename, and seat_price as a number
    rules = sorted(b["rule"] for b in receiver.bodies)
    assert rules == ["response-field-type-changed", "response-property-renamed"]
    for body in receiver.bodies:
        assert body["severity"] == "breaking"
        assert body["target"] == service.url
        assert body["first_seen"].endswith("Z")
        assert body["message"] in body["text"]
        assert "http" not in body["text"].replace(service.url, "")  # link-free but the target
    assert err.count("incident opened on") == 2
    assert "2 incident(s) opened, 0 resolved" in out

    # The causes persist: recorded, not announced again.
    code, out, err = watch(project, capsys, *hook)
    assert code == 1
    assert len(receiver.events()) == 2
    assert "incident" not in err
    assert "0 incident(s) opened, 0 resolved" in out

    # The release is rolled back: for a moment nothing answers. That is an incident of its
    # own (after the retry), and says nothing about the drift, which stays open.
    service.stop()
    code, out, err = watch(project, capsys, *hook)
    assert code == 2
    assert "retrying in 0.2s" in err
    assert receiver.events()[2:] == [("incident-opened", "unreachable")]
    assert receiver.bodies[2]["kind"] == "unreachable"

    service.deploy(APP)
    code, out, err = watch(project, capsys, *hook)
    assert code == 0, err
    after_opened, after_resolved = opened_and_resolved(receiver)
    assert after_opened == [*opened, "unreachable"]
    assert sorted(after_resolved) == sorted([*opened, "unreachable"])
    assert err.count("incident resolved on") == 3

    data = json.loads(history(project, capsys, *history_url, "--format", "json"))
    outcomes = [run["outcome"] for run in data["runs"]]
    assert outcomes == ["clean", "drift", "drift", "unreachable", "clean"]
    assert [run["exit_code"] for run in data["runs"]] == [0, 1, 1, 2, 0]
    assert data["runs"][1]["causes_by_severity"]["breaking"] == 2
    incidents: dict[str, Any] = {i["cause"]: i for i in data["incidents"]}
    assert set(incidents) == {*opened, "unreachable"}
    assert all(not i["open"] and i["resolved"] for i in incidents.values())
    assert [incidents[c]["runs"] for c in opened] == [2, 2]  # kept open while unreachable
    text = history(project, capsys, *history_url)
    assert "0 open incident(s)" in text
    assert "3 resolved incident(s)" in text
    assert "response property 'name' was renamed to 'full_name'" in text
    page = history(project, capsys, *history_url, "--format", "html")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('<tr class="drift">') == 2
    shown_all = (out, err, text, json.dumps(data), page, *(r.decode() for r in receiver.raw))
    for shown in shown_all:
        assert PASSWORD not in shown


def test_an_unreachable_target_opens_once_after_retries_and_stays_quiet(
    project: Path, receiver: Webhook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "down.db"
    nobody = "http://127.0.0.1:9"
    args = [nobody, "--history", f"sqlite:///{db}", "--webhook", receiver.url]
    for _ in range(2):
        code, _, err = watch(project, capsys, *args)
        assert code == 2
        assert "Traceback" not in err
        assert err.count("retrying in 0.2s") == 1
    assert receiver.events() == [("incident-opened", "unreachable")]
    assert receiver.bodies[0]["message"].startswith(f"{nobody}/openapi.json: cannot reach")


def test_a_failing_webhook_is_retried_and_never_stops_the_run(
    project: Path, receiver: Webhook, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nobody = "http://127.0.0.1:9"
    receiver.fail_next = 2  # two 503s, then the body is taken
    code, _, err = watch(
        project, capsys, nobody, "--history", str(tmp_path / "a.db"), "--webhook", receiver.url
    )
    assert code == 2
    assert receiver.events() == [("incident-opened", "unreachable")]
    assert "webhook" not in err

    receiver.fail_next = 5  # more than the attempts: the alert is lost, the run is not
    code, _, err = watch(
        project, capsys, nobody, "--history", str(tmp_path / "b.db"), "--webhook", receiver.url
    )
    assert code == 2
    assert len(receiver.events()) == 1
    assert "webhook http://127.0.0.1:" in err
    assert "answered 503 after 3 attempt(s); the incident stays recorded" in err
    assert "s3cr3tpath" not in err  # a webhook URL is a credential: only its host is named
    data = json.loads(
        history(project, capsys, "--history", str(tmp_path / "b.db"), "--format", "json")
    )
    assert [i["cause"] for i in data["incidents"] if i["open"]] == ["unreachable"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--history", "mysql://u:hunter2hunter2@db/x"], "unsupported database 'mysql'"),
        (["--history", "sqlite://"], "sqlite:///relative/file.db"),
        (["--webhook", "ftp://example.com/x"], "is not an http:// or https:// URL"),
        (["--every", "soon"], "'soon' is not a duration"),
        (["--dir", "no-such-dir"], "no-such-dir"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_code_2(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = watch(project, capsys, *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "hunter2hunter2" not in err


def test_a_wrong_postgres_password_is_an_error_that_does_not_show_it(
    project: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = postgres_url.replace(PASSWORD, "not-the-Pa55word")
    code, out, err = watch(project, capsys, "--history", wrong)
    assert code == 2
    assert err.startswith("error: history postgresql://driftguard:<redacted>@127.0.0.1:")
    assert "password authentication failed" in err
    assert "not-the-Pa55word" not in out + err


def test_the_configuration_says_where_the_history_and_the_alerts_go(
    project: Path,
    receiver: Webhook,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A team's watch job: no flags but --once. The history path is relative to the
    # configuration file, not to where the job starts; the webhook is read from the
    # environment, as the configuration must write it.
    root = tmp_path / "repo"
    root.mkdir()
    config = root / "driftguard.toml"
    config.write_text(
        'target = "http://127.0.0.1:9"\n'
        f'snapshots = "{project / "snapshots"}"\n'
        "[watch]\n"
        'history = "state/watch.db"\n'
        'webhook = "${DG_TEST_WEBHOOK}"\n'
        "retries = 0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DG_TEST_WEBHOOK", receiver.url)
    monkeypatch.chdir(tmp_path)
    code = main(["watch", "--once", "--config", str(config)])
    _, err = capsys.readouterr()
    assert code == 2, err
    assert "retrying" not in err  # retries = 0
    assert receiver.events() == [("incident-opened", "unreachable")]
    assert (root / "state" / "watch.db").is_file()
    assert not (tmp_path / "state").exists()
    code = main(["history", "--config", str(config), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [i["cause"] for i in json.loads(out)["incidents"]] == ["unreachable"]

    monkeypatch.delenv("DG_TEST_WEBHOOK")
    code = main(["watch", "--once", "--config", str(config)])
    _, err = capsys.readouterr()
    assert (code, err) == (
        2,
        f"error: {config}: watch.webhook: environment variable DG_TEST_WEBHOOK is not set\n",
    )
