"""Probes that behave like a client: log in, keep the token, use the ids the service chose.

Every test runs ``driftguard snapshot`` and ``driftguard check`` on tests.snapshots.chain_app,
in-process and over real HTTP (uvicorn on 127.0.0.1).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from driftguard.cli import main
from tests.servers import serve
from tests.snapshots import chain_app
from tests.snapshots.chain_app import PASSWORD

LOGIN = f"""
[[tool.driftguard.probes]]
name = "z-login"
method = "POST"
path = "/token"
data = {{ username = "ada", password = "{PASSWORD}" }}
capture = {{ token = "$.access_token" }}
status = 200
"""
ME = """
[[tool.driftguard.probes]]
name = "a-me"
path = "/users/me"
headers = { Authorization = "Bearer {token}" }
status = 200
"""
NOTES = """
[[tool.driftguard.probes]]
name = "create-note"
method = "POST"
path = "/notes"
json = { title = "first" }
headers = { Authorization = "Bearer {token}" }
capture = { note_id = "$.id" }
status = 201

[[tool.driftguard.probes]]
name = "read-note"
path = "/notes/{note_id}"
headers = { Authorization = "Bearer {token}" }
status = 200
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture(params=["in-process", "http"])
def target(request: pytest.FixtureRequest) -> Iterator[str]:
    """chain_app v1, as a module:attr or as the base URL of a real server."""
    if request.param == "in-process":
        yield "tests.snapshots.chain_app:chain_v1"
        return
    with serve(chain_app.chain_v1) as url:
        yield url


def configure(tmp_path: Path, *probes: str, auto: bool = False) -> Path:
    file = tmp_path / "pyproject.toml"
    head = f"[tool.driftguard]\nauto_probes = {'true' if auto else 'false'}\n"
    file.write_text(head + "".join(probes))
    return file


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def tokens() -> list[str]:
    """Every token chain_v1 issued so far (the app runs in this process either way)."""
    return list(chain_app.chain_v1.state.tokens)


def snapshot_text(tmp_path: Path) -> str:
    return "".join(p.read_text() for p in sorted((tmp_path / "snapshots").rglob("*.json")))


def test_login_then_authenticated_probes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str
) -> None:
    configure(tmp_path, LOGIN, ME, NOTES)
    code, out, err = run(capsys, "snapshot", target)
    assert (code, err) == (0, ""), out
    responses = tmp_path / "snapshots" / "responses"
    me = json.loads((responses / "a-me.json").read_text())
    assert me["status"] == 200
    assert me["sample"] == {"id": 7, "username": "ada"}
    # The template is stored, never the token: it changes every run and is a credential.
    assert me["request"]["headers"] == {"Authorization": "Bearer {token}"}
    note = json.loads((responses / "read-note.json").read_text())
    assert (note["status"], note["request"]["path"]) == (200, "/notes/{note_id}")
    assert note["sample"]["title"] == "first"
    login = json.loads((responses / "z-login.json").read_text())
    assert login["request"]["capture"] == {"token": "$.access_token"}
    assert login["sample"]["access_token"] == "<redacted>"
    issued = tokens()
    assert issued
    assert not any(token in snapshot_text(tmp_path) for token in issued)

    code, out, err = run(capsys, "check", target, "--format", "json")
    assert (code, err) == (0, ""), out
    report = json.loads(out)
    assert report["findings"] == []
    assert "4 probe(s) sent" in report["run"]["notes"][0]
    assert not any(token in out for token in tokens())


def test_a_probe_left_in_the_snapshot_replays_its_template(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A probe removed from the configuration is replayed from its record: the stored
    ``Bearer {token}`` is filled from the login that is still configured."""
    target = "tests.snapshots.chain_app:chain_v1"
    configure(tmp_path, LOGIN, ME)
    assert run(capsys, "snapshot", target)[0] == 0
    configure(tmp_path, LOGIN)
    code, out, _ = run(capsys, "check", target, "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["findings"] == []
    assert "2 probe(s) sent" in report["run"]["notes"][0]


def test_probes_run_in_the_order_written_after_their_setup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str
) -> None:
    listing = """
[[tool.driftguard.probes]]
name = "b-list"
path = "/notes"
headers = { Authorization = "Bearer {token}" }
setup = ["c-create"]

[[tool.driftguard.probes]]
name = "c-create"
method = "POST"
path = "/notes"
json = { title = "n" }
headers = { Authorization = "Bearer {token}" }
status = 201

[[tool.driftguard.probes]]
name = "a-seen"
path = "/seen"
"""
    configure(tmp_path, LOGIN, ME, listing)
    code, out, _ = run(capsys, "snapshot", target)
    assert code == 0, out
    seen = json.loads((tmp_path / "snapshots/responses/a-seen.json").read_text())
    # A sample keeps the first items of a list: enough to show who came first.
    assert seen["sample"] == ["POST /token", "GET /users/me"]
    listed = json.loads((tmp_path / "snapshots/responses/b-list.json").read_text())
    assert listed["sample"]["items"][0]["title"] == "n"  # its setup ran first


def test_the_order_is_the_same_on_every_run(tmp_path: Path) -> None:
    from driftguard.snapshots.probes import Probe, order_probes

    probes = [Probe("z"), Probe("b", setup=("y",)), Probe("a"), Probe("y")]
    assert [p.name for p in order_probes(probes)] == ["z", "y", "b", "a"]


@pytest.mark.parametrize(
    ("probes", "message"),
    [
        (
            ME.replace("{token}", "{tokn}"),
            "probe a-me: header Authorization uses {tokn}, which no probe captures (captured: none",
        ),
        (
            ME + LOGIN,
            "probe a-me: header Authorization uses {token}, which no probe before it captures",
        ),
        (
            LOGIN + NOTES.replace("/notes/{note_id}", "/notes/{note}"),
            "probe read-note: path uses {note}, which no probe captures (captured: note_id, token",
        ),
        (
            LOGIN.replace('"$.access_token"', '"$.items["'),
            "[tool.driftguard] probes[0].capture.token: path '$.items[': cannot read it at '['",
        ),
        (
            LOGIN.replace("token =", "2token ="),
            "probes[0].capture.2token: a capture name is letters, digits and '_'",
        ),
    ],
)
def test_configuration_errors_name_the_file_and_the_probe(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, probes: str, message: str
) -> None:
    file = configure(tmp_path, probes)
    code, _, err = run(capsys, "snapshot", "tests.snapshots.chain_app:chain_v1")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {file}: ")
    assert message in lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "snapshots").exists()


def test_a_probe_not_sent_captures_nothing(target: str) -> None:
    from driftguard.snapshots.probes import Probe
    from driftguard.snapshots.replay import run_probes
    from driftguard.targets import resolve_target

    auth = {"Authorization": "Bearer {token}"}
    probes = [
        Probe("login", "POST", "/token", data={"username": "a"}, capture={"token": "$.nope"}),
        Probe("create", "POST", "/notes", headers=auth, json={"t": 1}, capture={"id": "$.id"}),
        Probe("read", path="/notes/{id}", headers=auth),
    ]
    records = run_probes(resolve_target(target), probes)
    assert records["login"].status == 422  # no password: FastAPI's 422, and no access_token
    assert records["create"].error == (
        "not sent: probe login: capture token: $.nope matched nothing in the 422 answer"
    )
    assert records["read"].error == "not sent: probe create: capture id: the probe was not sent"


@pytest.mark.parametrize(
    ("capture", "reason"),
    [
        ('"$.nope"', "probe z-login: capture token: $.nope matched nothing in the 200 answer"),
        ('"$..*"', "probe z-login: capture token: $..* matched 2 values in the 200 answer"),
    ],
)
def test_a_capture_that_does_not_match_one_value_stops_the_snapshot(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str, capture: str, reason: str
) -> None:
    configure(tmp_path, LOGIN.replace('"$.access_token"', capture), ME)
    code, _, err = run(capsys, "snapshot", target)
    assert code == 2
    assert err.startswith("error: probe a-me (GET ")
    assert reason in err
    assert "nothing was written" in err
    assert not (tmp_path / "snapshots").exists()


def status_change(out: str) -> dict[str, Any]:
    report = json.loads(out)
    (found,) = [f for f in report["findings"] if f["id"] == "response-status-changed"]
    return dict(found)


@pytest.mark.parametrize("over", ["in-process", "http"])
def test_a_422_says_what_the_service_wanted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, over: str
) -> None:
    configure(tmp_path, LOGIN, ME)
    assert run(capsys, "snapshot", "tests.snapshots.chain_app:chain_v1")[0] == 0
    with contextlib.ExitStack() as stack:
        if over == "http":
            target = stack.enter_context(serve(chain_app.chain_v2))
        else:
            target = "tests.snapshots.chain_app:chain_v2"
        code, out, _ = run(capsys, "check", target, "--format", "json")
        text = run(capsys, "check", target)[1]
    assert code == 1
    found = status_change(out)
    assert (found["details"]["old"], found["details"]["new"]) == (200, 422)
    assert found["details"]["reason"] == "query.fields: Field required"
    assert found["message"] == "a-me answered 422 instead of 200: query.fields: Field required"
    assert "status: 200 -> 422 in live responses: query.fields: Field required" in text


def test_an_exception_in_process_says_what_and_where(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    configure(tmp_path, LOGIN, ME)
    assert run(capsys, "snapshot", "tests.snapshots.chain_app:chain_v1")[0] == 0
    code, out, _ = run(capsys, "check", "tests.snapshots.chain_app:chain_v3", "--format", "json")
    assert code == 1
    found = status_change(out)
    exception = found["details"]["exception"]
    assert exception["type"] == "ZeroDivisionError"
    # The token the app quoted is a captured credential: shown as its placeholder.
    assert exception["message"] == "quota used up by {token}"
    source = Path(chain_app.__file__).read_text().splitlines()
    location, _, function = exception["where"].partition(" in ")
    file, _, line = location.rpartition(":")
    assert Path(file).name == "chain_app.py"
    assert function == "_crash"
    assert "raise ZeroDivisionError" in source[int(line) - 1]
    assert found["message"] == (
        "a-me answered 500 instead of 200: ZeroDivisionError: quota used up by {token} "
        f"(raised at {exception['where']})"
    )
    assert not any(token in out for token in list(chain_app.chain_v3.state.tokens))
    text = run(capsys, "check", "tests.snapshots.chain_app:chain_v3")[1]
    assert "in live responses: ZeroDivisionError: quota used up by {token} (raised at " in text
    assert not any(token in text for token in list(chain_app.chain_v3.state.tokens))


def test_the_note_counts_only_operations_no_probe_covers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, target: str
) -> None:
    configure(tmp_path, LOGIN, ME, NOTES, auto=True)
    code, out, _ = run(capsys, "snapshot", target)
    assert code == 0, out
    (note,) = [line for line in out.splitlines() if "no automatic probe" in line]
    assert note == (
        "note: no automatic probe for 2 GET operation(s): GET /notes: needs credentials; "
        "GET /reports/{report_id}: path parameter 'report_id' has no example or default"
    )


def test_an_operation_a_probe_covers_gets_no_automatic_probe() -> None:
    """``/notes/{note_id}`` filled from a capture is the operation of its automatic probe."""
    from driftguard._config import Config
    from driftguard.snapshots.probes import collect_probes

    config = Config.model_validate(
        {
            "headers": {"Authorization": "Bearer x"},  # credentials: autos for secured GETs
            "probes": [
                {"name": "new", "method": "POST", "path": "/notes", "capture": {"id": "$.id"}},
                {"name": "read", "path": "/notes/{id}"},
                {"name": "seen-by-me", "path": "/seen?me=1"},
            ],
        }
    )
    probes, notes = collect_probes(config, spec=chain_app.chain_v1.openapi())
    assert [p.name for p in probes] == ["new", "read", "seen-by-me", "get-notes", "get-users-me"]
    assert notes == [
        "no automatic probe for 1 GET operation(s): GET /reports/{report_id}: "
        "path parameter 'report_id' has no example or default"
    ]


def test_placeholders_are_filled_by_kind_of_place() -> None:
    """A path placeholder is one URL-encoded segment (a value cannot leave the target); a
    body value that is only a placeholder keeps the captured type; ${ENV} stays the
    environment's."""
    from driftguard.snapshots.chaining import Captured
    from driftguard.snapshots.probes import Probe

    captured = Captured()
    login = Probe("login", capture={"id": "$.id", "name": "$.who.name"})
    captured.take(login, 200, {"id": 42, "who": {"name": "//evil.example/a b"}}, has_body=True)
    probe = Probe(
        "use",
        path="/notes/{name}/{id}",
        params={"owner": "{id}", "q": "by {name}"},
        headers={"X-Owner": "{id}", "Authorization": "Bearer ${TOKEN}"},
        json={"owner": "{id}", "label": "note {id}", "tags": ["{name}"]},
    )
    filled = captured.fill(probe, headers={"X-Owner": "{id}"})
    assert filled["path"] == "/notes/%2F%2Fevil.example%2Fa%20b/42"
    assert filled["params"] == {"owner": 42, "q": "by //evil.example/a b"}
    assert filled["headers"] == {"X-Owner": "42"}
    assert filled["json"] == {"owner": 42, "label": "note 42", "tags": ["//evil.example/a b"]}
    assert probe.request_record()["headers"] == {
        "X-Owner": "{id}",
        "Authorization": "<redacted>",
    }


def test_a_probes_file_with_an_unknown_placeholder_names_the_file(tmp_path: Path) -> None:
    from driftguard import ConfigError
    from driftguard._config import Config
    from driftguard.snapshots.probes import collect_probes

    file = tmp_path / "probes.toml"
    file.write_text('[[probes]]\nname = "me"\npath = "/users/me"\nheaders = { X-Id = "{id}" }\n')
    with pytest.raises(ConfigError) as caught:
        collect_probes(Config(), probes_file=file)
    assert str(caught.value) == (
        f"{file}: probe me: header X-Id uses {{id}}, which no probe before it captures "
        '(captured: none; capture it with capture = { id = "$.field" } on a setup probe)'
    )


def test_a_corrupt_capture_in_a_snapshot_is_a_snapshot_error() -> None:
    from driftguard import SnapshotError
    from driftguard.snapshots.probes import Probe

    with pytest.raises(SnapshotError, match="probe p: corrupt snapshot: 'capture' must map"):
        Probe.from_record("p", {"method": "GET", "path": "/", "capture": {"t": 3}})


def test_a_value_sent_in_a_header_is_a_credential_wherever_it_shows() -> None:
    from driftguard.snapshots.chaining import Captured
    from driftguard.snapshots.probes import Probe
    from driftguard.snapshots.record import ResponseRecord

    capturing = Probe("p", capture={"ref": "$.ref", "note": "$.note"})
    captured = Captured([capturing, Probe("use", headers={"X-Ref": "{ref}"})])
    captured.take(capturing, 200, {"ref": "abcdef123", "note": "n-12345"}, has_body=True)
    echoed = ResponseRecord.from_json({"echo": "abcdef123", "note": "n-12345"})
    scrubbed = captured.scrub(echoed)
    assert scrubbed.sample == {"echo": "{ref}", "note": "n-12345"}  # an id is no secret
    assert scrubbed.shape is not None
    assert scrubbed.shape.fields["echo"].example is None
    assert scrubbed.shape.fields["note"].example == "n-12345"
