"""[tool.driftguard] / driftguard.toml: discovery, validation, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftguard import ConfigError, Finding, Severity, UsageError
from driftguard._config import expand_env, find_config_file, load_config


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    config = load_config(start=tmp_path)
    assert config.target is None
    assert config.snapshot_dir == tmp_path / "snapshots"
    assert str(config.fail_on_level) == "breaking"
    assert config.probes == []


def test_reads_tool_driftguard_from_pyproject(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[project]
name = "svc"

[tool.driftguard]
target = "app.main:app"
snapshots = "contract"
fail_on = "WARN"
ignore = ["$..created_at"]

[[tool.driftguard.probes]]
name = "get-user"
path = "/users/1"
setup = ["create-user"]

[[tool.driftguard.probes]]
name = "create-user"
method = "post"
path = "/users/"
json = {email = "a@example.com"}
status = 201

[tool.driftguard.severity]
response-optional-property-removed = "breaking"
""",
    )
    config = load_config(start=tmp_path)
    assert config.target == "app.main:app"
    assert config.snapshot_dir == tmp_path / "contract"
    assert config.fail_on_level.threshold is Severity.WARNING
    assert config.ignore == ["$..created_at"]
    get_user, create_user = config.probes
    assert get_user.method == "GET"
    assert get_user.setup == ["create-user"]
    assert create_user.method == "POST"
    assert create_user.json_body == {"email": "a@example.com"}
    assert config.severity == {"response-optional-property-removed": Severity.BREAKING}


def test_nearest_file_wins_and_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "driftguard.toml", 'target = "outer:app"\n')
    inner = tmp_path / "pkg" / "sub"
    inner.mkdir(parents=True)
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config_file(inner) == tmp_path / "driftguard.toml"
    assert load_config(start=inner).target == "outer:app"


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    file = write(tmp_path / "pyproject.toml", '[tool.driftguard]\ntarget = "a:b"\nfial_on = "x"\n')
    with pytest.raises(ConfigError) as error:
        load_config(file)
    assert str(error.value) == (
        f"{file}: [tool.driftguard] fial_on: unknown key (did you mean fail_on?)"
    )
    write(file, "[tool.driftguard]\nwhatever = 1\n")  # nothing close: no guess
    with pytest.raises(ConfigError) as error:
        load_config(file)
    assert str(error.value) == f"{file}: [tool.driftguard] whatever: unknown key"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[probes]]\nname = "a"\npath = "/a"\n[[probes]]\nname = "b"\npth = "/b"\n',
         "probes[1].pth: unknown key (did you mean path?) (+1 more)"),
        ('[[probes]]\nname = "a"\npath = "/a"\njsn = {}\n',
         "probes[0].jsn: unknown key (did you mean json?)"),
        ("[fuzz]\nmax_example = 3\n", "fuzz.max_example: unknown key (did you mean max_examples?)"),
        ('ignore_findings = [{ id = "server-error", resaon = "x" }]\n',
         "ignore_findings[0].resaon: unknown key (did you mean reason?)"),
        ('snapshot = "x"\n', "snapshot: unknown key (did you mean snapshots?)"),
    ],
)  # fmt: skip
def test_a_typo_in_a_key_names_the_typo_and_the_key_it_meant(
    tmp_path: Path, text: str, message: str
) -> None:
    file = write(tmp_path / "driftguard.toml", text)
    with pytest.raises(ConfigError) as error:
        load_config(file)
    assert str(error.value) == f"{file}: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('severity = { response-field-renamd = "info" }\n',
         "severity.response-field-renamd: unknown check id 'response-field-renamd' "
         "(did you mean response-field-renamed?)"),
        ('ignore_findings = ["server-eror"]\n',
         "ignore_findings[0]: unknown check id 'server-eror' (did you mean server-error?)"),
        ('ignore_findings = ["0123456789abcdef", { id = "endpoint-addd" }]\n',
         "ignore_findings[1].id: unknown check id 'endpoint-addd' (did you mean endpoint-added?)"),
        ('ignore_findings = ["nothing-like-it-at-all"]\n',
         "ignore_findings[0]: unknown check id 'nothing-like-it-at-all' "
         "(`driftguard checks` lists them)"),
    ],
)  # fmt: skip
def test_ids_in_severity_and_ignore_findings_are_checked_against_the_catalogue(
    tmp_path: Path, text: str, message: str
) -> None:
    file = write(tmp_path / "driftguard.toml", text)
    with pytest.raises(ConfigError) as error:
        load_config(file)
    assert str(error.value) == f"{file}: {message}"


def test_known_ids_and_fingerprints_are_accepted(tmp_path: Path) -> None:
    file = write(
        tmp_path / "driftguard.toml",
        'severity = { response-field-renamed = "info" }\n'
        'ignore_findings = ["server-error", "0123456789abcdef", { id = "endpoint-added" }]\n',
    )
    assert load_config(file).severity == {"response-field-renamed": Severity.INFO}


def test_wrong_type_names_file_key_and_value(tmp_path: Path) -> None:
    file = write(tmp_path / "driftguard.toml", '[fuzz]\nmax_examples = "ten"\n')
    with pytest.raises(ConfigError) as error:
        load_config(file)
    message = str(error.value)
    assert message.startswith(f"{file}: fuzz.max_examples: ")
    assert "'ten'" in message


def test_nested_probe_error_names_the_probe_index(tmp_path: Path) -> None:
    file = write(
        tmp_path / "pyproject.toml",
        '[tool.driftguard]\n[[tool.driftguard.probes]]\nname = "ok"\npath = "/a"\n'
        '[[tool.driftguard.probes]]\nname = "bad name!"\npath = "/b"\n',
    )
    with pytest.raises(ConfigError, match=r"\[tool.driftguard\] probes\[1\]\.name: must be a"):
        load_config(file)


def test_probe_path_and_method_are_checked(tmp_path: Path) -> None:
    file = write(tmp_path / "driftguard.toml", '[[probes]]\nname = "p"\npath = "users"\n')
    with pytest.raises(
        ConfigError, match=r"probes\[0\]\.path: must be a path on the target, starting with one '/'"
    ):
        load_config(file)
    write(file, '[[probes]]\nname = "p"\npath = "/u"\nmethod = "FETCH"\n')
    with pytest.raises(ConfigError, match=r"probes\[0\]\.method: must be one of"):
        load_config(file)


def test_duplicate_probe_names_are_refused(tmp_path: Path) -> None:
    file = write(
        tmp_path / "driftguard.toml",
        '[[probes]]\nname = "p"\npath = "/a"\n[[probes]]\nname = "p"\npath = "/b"\n',
    )
    with pytest.raises(ConfigError, match="probe name 'p' is used twice"):
        load_config(file)


def test_invalid_toml_and_bad_fail_on_are_config_errors(tmp_path: Path) -> None:
    file = write(tmp_path / "driftguard.toml", "target = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(file)
    write(file, 'fail_on = "sometimes"\n')
    with pytest.raises(ConfigError, match=r"fail_on: unknown severity 'sometimes'"):
        load_config(file)


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml")


def test_ignore_findings_by_id_operation_and_fingerprint(tmp_path: Path) -> None:
    finding = Finding("endpoint-added", Severity.INFO, "schema", "GET /a", "", "added")
    other = Finding("endpoint-added", Severity.INFO, "schema", "GET /b", "", "added")
    file = write(
        tmp_path / "driftguard.toml",
        f'ignore_findings = ["{other.fingerprint}", {{id = "endpoint-added", operation = "GET /a"}}]\n',
    )
    config = load_config(file)
    assert config.is_ignored(finding)
    assert config.is_ignored(other)
    assert not config.is_ignored(
        Finding("endpoint-added", Severity.INFO, "schema", "GET /c", "", "")
    )


def test_expand_env_substitutes_and_names_missing_variables() -> None:
    assert expand_env("Bearer ${TOKEN}", where="x", environ={"TOKEN": "abc"}) == "Bearer abc"
    with pytest.raises(ConfigError, match="probe get-user: environment variable TOKEN is not set"):
        expand_env("Bearer ${TOKEN}", where="probe get-user", environ={})


def test_headers_merge_by_layer_case_insensitively_and_expand() -> None:
    from driftguard._config import merge_headers

    merged = merge_headers(
        ("config", {"Authorization": "Bearer ${T}", "X-A": "1"}),
        ("--header", [("authorization", "Basic x"), ("X-B", "${B}")]),
        environ={"T": "tok", "B": "bee"},
    )
    assert merged.values == {"X-A": "1", "authorization": "Basic x", "X-B": "bee"}
    assert merged.templates == {"X-B": "${B}"}  # the Authorization template was overridden
    with pytest.raises(UsageError, match="config: 'Bad Name' is not a valid HTTP header name"):
        merge_headers(("config", {"Bad Name": "x"}))
    with pytest.raises(UsageError, match="config X: a header value must be one line"):
        merge_headers(("config", {"X": "a\r\nInjected: 1"}))
    with pytest.raises(ConfigError, match="config X: environment variable NOPE is not set"):
        merge_headers(("config", {"X": "${NOPE}"}), environ={})


def test_config_request_headers_name_the_file(tmp_path: Path) -> None:
    file = tmp_path / "driftguard.toml"
    file.write_text('headers = { X-Token = "${DG_UNSET_FOR_TEST}" }\n')
    config = load_config(file)
    with pytest.raises(ConfigError, match=r"driftguard.toml: \[tool.driftguard\] headers X-Token"):
        config.request_headers()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("probes.toml", '[[probes]]\nname = "a"\npth = "/a"\n',
         "probes[0].pth: unknown key (did you mean path?) (+1 more)"),
        ("probes.json", '[{"name": "a", "path": "/a", "jsn": {}}]',
         "probes[0].jsn: unknown key (did you mean json?)"),
        ("probes.toml", '[[probes]]\nname = "a"\n', "probes[0].path: required key is missing"),
    ],
)  # fmt: skip
def test_a_probes_file_is_described_as_the_configuration_is(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    from driftguard.snapshots.probes import load_probes_file

    file = write(tmp_path / name, text)
    with pytest.raises(ConfigError) as error:
        load_probes_file(file)
    assert str(error.value) == f"{file}: {message}"


def test_watch_settings_read_durations_and_keep_credentials_out_of_the_file(
    tmp_path: Path,
) -> None:
    file = write(
        tmp_path / "driftguard.toml",
        '[watch]\nevery = "90s"\nretry_delay = 3\nretries = 0\n'
        'history = "postgresql://app:${PGPASS}@db:5432/shop"\nwebhook = "${SLACK_WEBHOOK}"\n',
    )
    watch = load_config(file).watch
    assert (watch.every, watch.retry_delay, watch.retries) == (90.0, 3.0, 0)
    assert watch.history == "postgresql://app:${PGPASS}@db:5432/shop"  # expanded when used
    assert watch.webhook == "${SLACK_WEBHOOK}"
    assert load_config(write(file, "")).watch.every == 300.0


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (
            'webhook = "https://hooks.slack.com/services/T0/B0/s3cr3tpath"',
            "watch.webhook: a webhook URL is a credential (anyone who has it can post): "
            "write it as ${NAME} and set NAME in the environment",
        ),
        (
            'history = "postgresql://app:hunter2hunter2@db/shop"',
            "watch.history: the history URL holds a password: write it as ${NAME}",
        ),
        ('every = "soon"', "watch.every: 'soon' is not a duration (write 30s, 5m, 2h or 7d)"),
        ("retries = -1", "watch.retries: "),
        ('webhok = "${HOOK}"', "watch.webhok: unknown key (did you mean webhook?)"),
    ],
)
def test_a_bad_watch_setting_names_the_key_and_never_shows_a_secret(
    tmp_path: Path, line: str, said: str
) -> None:
    file = write(tmp_path / "driftguard.toml", f"[watch]\n{line}\n")
    with pytest.raises(ConfigError) as error:
        load_config(file)
    message = str(error.value)
    assert message.startswith(f"{file}: {said}"), message
    assert "s3cr3tpath" not in message
    assert "hunter2hunter2" not in message
