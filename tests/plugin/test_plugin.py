"""The pytest plugin, driven through pytester: every option and behaviour, with and without xdist."""

from __future__ import annotations

import json

import pytest

# Plugins the inner runs do not need. Each would be imported again by every in-process run
# (pytester restores sys.modules in between) and by every xdist worker: seconds per run.
LEAN = ("-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*LEAN, *args)


def run_xdist(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(*LEAN, "-n", "2", *args)


USER_V1 = """
import httpx

USER = {"id": 7, "full_name": "Ada Lovelace", "price": 10, "created_at": "2024-01-01T00:00:00+00:00"}

def test_user(driftguard):
    driftguard.check(httpx.Response(200, json=USER))
"""

USER_V2 = USER_V1.replace('"full_name"', '"fullName"').replace('"price": 10', '"price": "10.50"')


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def snapshot_files(pytester: pytest.Pytester) -> list[str]:
    root = pytester.path / "snapshots"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.json"))


def test_missing_snapshot_fails_and_says_how_to_create_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*no snapshot *snapshots/tests/test_users/test_user.json yet*--driftguard-update*"]
    )
    assert snapshot_files(pytester) == []
    result.stdout.fnmatch_lines(["*driftguard: 0 passed, 0 created, 0 updated, 1 failed*"])


def test_update_creates_a_canonical_redacted_snapshot_then_it_passes(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_users=USER_V1.replace('"id": 7,', '"id": 7, "token": "abc.def.ghi",'))
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    assert snapshot_files(pytester) == ["tests/test_users/test_user.json"]
    text = (pytester.path / "snapshots/tests/test_users/test_user.json").read_text()
    assert text.endswith("}\n")
    assert "abc.def.ghi" not in text
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["status"] == 200
    assert data["media_type"] == "application/json"
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*driftguard: 1 passed, 0 created, 0 updated, 0 failed*"])


def test_drift_fails_with_a_short_readable_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1)
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    pytester.makepyfile(test_users=USER_V2)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*driftguard: the response drifted from *test_user.json",
            "*$.full_name -> fullName (renamed)*[[]breaking[]]",
            "*$.price: integer -> string*[[]breaking[]]",
            "*If this change is intended, refresh the snapshot with `pytest --driftguard-update`*",
        ]
    )
    output = result.stdout.str()
    assert "{'" not in output  # never a raw dict dump
    assert "Traceback" not in output


def test_the_configured_policy_applies_to_the_fixtures_checks(pytester: pytest.Pytester) -> None:
    """A severity override in [tool.driftguard] decides whether a test fails."""
    pytester.makepyfile(test_users=USER_V1)
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    added = USER_V1.replace('"price": 10,', '"price": 10, "nickname": "ada",')
    pytester.makepyfile(test_users=added)
    run(pytester).assert_outcomes(passed=1)  # a new field is info: it breaks no client
    pytester.makepyprojecttoml(
        '[tool.driftguard]\n[tool.driftguard.severity]\nresponse-field-added = "breaking"\n'
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*$.nickname: added*[[]breaking[]]"])
    pytester.makepyprojecttoml(
        '[tool.driftguard]\nignore_findings = [{ id = "response-field-added" }]\n'
        '[tool.driftguard.severity]\nresponse-field-added = "breaking"\n'
    )
    run(pytester).assert_outcomes(passed=1)


def test_volatile_values_never_cause_drift(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1)
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    pytester.makepyfile(
        test_users=USER_V1.replace('"id": 7', '"id": 8123')
        .replace("Ada Lovelace", "Grace Hopper")
        .replace("2024-01-01T00:00:00", "2031-12-31T23:59:58")
    )
    run(pytester).assert_outcomes(passed=1)


def test_status_and_media_type_are_part_of_the_snapshot(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1)
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    pytester.makepyfile(test_users=USER_V1.replace("httpx.Response(200", "httpx.Response(201"))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*status: 200 -> 201*"])


def test_update_refreshes_a_drifted_snapshot_and_counts_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1)
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    pytester.makepyfile(test_users=USER_V2)
    result = run(pytester, "--driftguard-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*driftguard: 0 passed, 0 created, 1 updated, 0 failed*"])
    run(pytester).assert_outcomes(passed=1)


def test_names_are_distinct_and_stable_for_checks_params_and_classes(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_names="""
        import pytest

        def test_many(driftguard):
            driftguard.check({"a": 1})
            driftguard.check({"b": 1})
            driftguard.check({"c": 1}, name="body")

        @pytest.mark.parametrize("n", [1, "x/y"])
        def test_param(driftguard, n):
            driftguard.check({"n": n})

        class TestUsers:
            def test_get(self, driftguard):
                driftguard.check([1, 2])
        """
    )
    run(pytester, "--driftguard-update").assert_outcomes(passed=4)
    expected = [
        "tests/test_names/TestUsers.test_get.json",
        "tests/test_names/test_many.2.json",
        "tests/test_names/test_many.body.json",
        "tests/test_names/test_many.json",
        "tests/test_names/test_param[1].json",
        "tests/test_names/test_param[x_y]-7f038eea75.json",  # "/" replaced: the id's hash
    ]
    assert snapshot_files(pytester) == expected
    result = run(pytester)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*driftguard: 6 passed, 0 created, 0 updated, 0 failed*"])


def test_one_name_twice_in_a_test_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_twice(driftguard):
            driftguard.check({"a": 1}, name="x")
            driftguard.check({"a": 1}, name="x")
        """
    )
    result = run(pytester, "--driftguard-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*would share the snapshot*give them distinct names*"])


def test_ignore_paths_from_the_call_and_from_configuration(pytester: pytest.Pytester) -> None:
    body = '{"meta": {"took": %s}, "items": [{"id": 1, "extra": %s}]}'
    test = """
def test_x(driftguard):
    driftguard.check(%s, ignore=["$.meta.took"])
"""
    pytester.makeini("")  # rootdir here
    pytester.makepyprojecttoml('[tool.driftguard]\nignore = ["$.items[*].extra"]\n')
    pytester.makepyfile(test_ignore=test % (body % ("1", "1")))
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    pytester.makepyfile(test_ignore=test % (body % ('"1ms"', '"x"')))
    run(pytester).assert_outcomes(passed=1)
    pytester.makepyfile(test_ignore=test % (body % ("1", "1")).replace('"id": 1', '"id": "1"'))
    run(pytester).assert_outcomes(failed=1)


def test_update_is_refused_under_ci_and_writes_nothing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_users=USER_V1)
    monkeypatch.setenv("CI", "true")
    result = run(pytester, "--driftguard-update")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--driftguard-update is refused because CI is set*--driftguard-force*"]
    )
    assert snapshot_files(pytester) == []
    run(pytester, "--driftguard-force").assert_outcomes(failed=1)  # force alone writes nothing
    assert snapshot_files(pytester) == []
    run(pytester, "--driftguard-update", "--driftguard-force").assert_outcomes(passed=1)
    assert snapshot_files(pytester) == ["tests/test_users/test_user.json"]


def test_update_is_a_flag_so_a_path_after_it_is_a_path(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1, test_other=USER_V1.replace("test_user", "test_o"))
    run(pytester, "--driftguard-update", "test_users.py").assert_outcomes(passed=1)
    assert snapshot_files(pytester) == ["tests/test_users/test_user.json"]


def test_ci_set_to_false_does_not_refuse(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_users=USER_V1)
    monkeypatch.setenv("CI", "false")
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)


def test_snapshot_dir_from_option_and_from_configuration(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1)
    run(pytester, "--driftguard-update", "--driftguard-dir", "elsewhere").assert_outcomes(passed=1)
    assert (pytester.path / "elsewhere/tests/test_users/test_user.json").is_file()
    pytester.makepyprojecttoml('[tool.driftguard]\nsnapshots = "contract"\n')
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    assert (pytester.path / "contract/tests/test_users/test_user.json").is_file()


def test_a_corrupt_snapshot_fails_clearly_and_is_left_untouched(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1)
    path = pytester.path / "snapshots/tests/test_users/test_user.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"status": 200, "shape": ')
    for args in ([], ["--driftguard-update"]):
        result = run(pytester, *args)
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*test_user.json: corrupt snapshot: not JSON*"])
        # Said once: not again under "During handling of the above exception".
        assert result.stdout.str().count("corrupt snapshot: not JSON") == 1
        assert "During handling" not in result.stdout.str()
        assert path.read_text() == '{"status": 200, "shape": '


TWO_TESTS = """
def test_a(driftguard):
    driftguard.check({"a": 1})

def test_b(driftguard):
    driftguard.check({"b": 1})
"""


def test_unused_snapshots_are_listed_and_deleted_only_on_a_full_update_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_pair=TWO_TESTS)
    run(pytester, "--driftguard-update").assert_outcomes(passed=2)
    stale = pytester.path / "snapshots/tests/test_gone/test_old.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}\n")

    result = run(pytester)
    result.stdout.fnmatch_lines(
        [
            "*1 snapshot(s) no test used (delete them with a full run of*",
            "*tests/test_gone/test_old.json",
        ]
    )
    for subset in (
        ["-k", "test_a"],
        ["test_pair.py::test_a"],
        ["--deselect", "test_pair.py::test_b"],
    ):
        run(pytester, "--driftguard-update", *subset)
        assert stale.exists(), subset

    result = run(pytester, "--driftguard-update")
    result.stdout.fnmatch_lines(["*1 unused snapshot(s) deleted:*"])
    assert not stale.exists()
    assert not stale.parent.exists()
    assert snapshot_files(pytester) == [
        "tests/test_pair/test_a.json",
        "tests/test_pair/test_b.json",
    ]


def test_fail_unused_fails_a_full_run_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_pair=TWO_TESTS)
    run(pytester, "--driftguard-update").assert_outcomes(passed=2)
    assert run(pytester, "--driftguard-fail-unused").ret == pytest.ExitCode.OK
    stale = pytester.path / "snapshots/tests/test_gone/test_old.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}\n")

    result = run(pytester, "--driftguard-fail-unused")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*1 snapshot(s) no test used*",
            "*tests/test_gone/test_old.json",
            "*the run fails: 1 unused snapshot(s) (--driftguard-fail-unused)*",
        ]
    )
    assert run(pytester).ret == pytest.ExitCode.OK  # without the flag: only reported
    for subset in (["-k", "test_a"], ["test_pair.py::test_a"]):
        assert run(pytester, "--driftguard-fail-unused", *subset).ret == pytest.ExitCode.OK
    assert stale.exists()
    # An update run deletes them instead, so nothing is left to fail on.
    result = run(pytester, "--driftguard-update", "--driftguard-fail-unused")
    assert result.ret == pytest.ExitCode.OK
    assert not stale.exists()


def test_fail_unused_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_pair=TWO_TESTS)
    run(pytester, "--driftguard-update").assert_outcomes(passed=2)
    stale = pytester.path / "snapshots/tests/test_pair/test_c.json"
    stale.write_text("{}\n")
    result = run_xdist(pytester, "--driftguard-fail-unused")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*the run fails: 1 unused snapshot(s)*"])


def test_a_check_removed_from_a_passing_test_leaves_an_unused_file_even_in_a_subset(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_pair=TWO_TESTS.replace('check({"a": 1})', 'check({"a": 1}, name="x")'))
    run(pytester, "--driftguard-update").assert_outcomes(passed=2)
    pytester.makepyfile(test_pair=TWO_TESTS)
    result = run(pytester, "--driftguard-update", "-k", "test_a")
    result.stdout.fnmatch_lines(
        ["*a subset of tests ran, so nothing is deleted*", "*test_a.x.json"]
    )
    assert (pytester.path / "snapshots/tests/test_pair/test_a.x.json").exists()


def test_snapshots_of_failing_or_skipped_tests_are_never_unused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_pair=TWO_TESTS)
    run(pytester, "--driftguard-update").assert_outcomes(passed=2)
    pytester.makepyfile(
        test_pair=TWO_TESTS.replace(
            "def test_a(driftguard):", "import pytest\n@pytest.mark.skip\ndef test_a(driftguard):"
        )
    )
    result = run(pytester, "--driftguard-update")
    result.assert_outcomes(passed=1, skipped=1)
    assert "no test used" not in result.stdout.str()
    assert "deleted" not in result.stdout.str()
    assert (pytester.path / "snapshots/tests/test_pair/test_a.json").exists()


MANY_TESTS = """
import pytest

@pytest.mark.parametrize("n", range(12))
def test_n(driftguard, n):
    driftguard.check({"n": n, "items": [{"id": n}]})
"""


def test_under_xdist_nothing_is_lost_and_the_report_covers_all_workers(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_many=MANY_TESTS)
    result = run_xdist(pytester, "--driftguard-update")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["*driftguard: 0 passed, 12 created, 0 updated, 0 failed*"])
    files = snapshot_files(pytester)
    assert files == sorted(f"tests/test_many/test_n[{n}].json" for n in range(12))
    for name in files:
        json.loads((pytester.path / "snapshots" / name).read_text())  # none corrupted

    stale = pytester.path / "snapshots/tests/test_many/test_gone.json"
    stale.write_text("{}\n")
    result = run_xdist(pytester)
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(
        ["*driftguard: 12 passed, 0 created, 0 updated, 0 failed*", "*1 snapshot(s) no test used*"]
    )
    result = run_xdist(pytester, "--driftguard-update")
    result.stdout.fnmatch_lines(["*1 unused snapshot(s) deleted:*"])
    assert not stale.exists()
    assert len(snapshot_files(pytester)) == 12


def test_under_xdist_drift_fails_in_the_worker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USER_V1)
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    pytester.makepyfile(test_users=USER_V2)
    result = run_xdist(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*full_name -> fullName (renamed)*",
            "*driftguard: 0 passed, 0 created, 0 updated, 1 failed*",
        ]
    )


def test_options_are_in_one_driftguard_group(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(
        [
            "driftguard: response and schema snapshots:",
            "*--driftguard-update*",
            "*--driftguard-force*",
            "*--driftguard-fail-unused*",
            "*--driftguard-dir*",
        ]
    )


def test_suites_that_do_not_use_the_fixture_see_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = run(pytester)
    result.assert_outcomes(passed=1)
    assert "driftguard snapshots" not in result.stdout.str()
    assert not (pytester.path / "snapshots").exists()


APP_V1 = """
from fastapi import FastAPI
from pydantic import BaseModel

class User(BaseModel):
    id: int
    name: str
    nickname: str | None = None

app = FastAPI(title="users")

@app.get("/users/{user_id}", response_model=User)
def get_user(user_id: int) -> User:
    return User(id=user_id, name="Ada")
"""

SCHEMA_TEST = """
from svc import app

def test_schema(driftguard):
    driftguard.check_schema(app)
"""


SCHEMA_FILE = "tests/test_schema/test_schema.openapi.json"


def test_check_schema_creates_then_fails_on_breaking_changes_only(
    pytester: pytest.Pytester,
) -> None:
    import fastapi  # noqa: F401  (imported once here, not again by every inner run)

    pytester.makepyfile(svc=APP_V1, test_schema=SCHEMA_TEST)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no OpenAPI snapshot *openapi.json yet*--driftguard-update*"])

    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    assert snapshot_files(pytester) == [SCHEMA_FILE]
    document = json.loads((pytester.path / "snapshots" / SCHEMA_FILE).read_text())
    assert document["info"]["title"] == "users"
    run(pytester).assert_outcomes(passed=1)

    # A new optional response property is not breaking: the test passes, the summary says so.
    pytester.makepyfile(
        svc=APP_V1.replace("    nickname:", "    email: str | None = None\n    nickname:")
    )
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 snapshot(s) still match but are outdated*", "*openapi.json"])

    pytester.makepyfile(svc=APP_V1.replace("    name: str", "    full_name: str"))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the OpenAPI document drifted from *openapi.json",
            "*response property 'name' was renamed to 'full_name'*[[]breaking[]]",
            "*response-property-renamed in 1 operation: GET /users/{user_id}",
        ]
    )


def test_check_schema_uses_the_configured_target(pytester: pytest.Pytester) -> None:
    import fastapi  # noqa: F401

    pytester.makepyfile(
        svc=APP_V1, test_schema="def test_schema(driftguard):\n    driftguard.check_schema()\n"
    )
    pytester.makepyprojecttoml('[tool.driftguard]\ntarget = "svc:app"\n')
    pytester.syspathinsert()
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    assert snapshot_files(pytester) == [SCHEMA_FILE]
    run(pytester).assert_outcomes(passed=1)


def test_check_schema_never_shares_the_cli_snapshot(pytester: pytest.Pytester) -> None:
    """``pytest --driftguard-update`` leaves the CLI's openapi.json and responses/ alone, and a
    document there is not taken for the test's own snapshot."""
    import subprocess
    import sys

    import fastapi  # noqa: F401

    pytester.makepyfile(svc=APP_V1, test_schema=SCHEMA_TEST)
    pytester.makepyprojecttoml(
        '[tool.driftguard]\ntarget = "svc:app"\n'
        '[[tool.driftguard.probes]]\nname = "get-user"\npath = "/users/1"\n'
    )
    # the CLI's snapshot of an older version of the service, made by the CLI itself
    old_service = APP_V1.replace("    nickname: str | None = None\n", "")
    (pytester.path / "svc.py").write_text(old_service)
    cli = [sys.executable, "-m", "driftguard.cli", "snapshot", "-q"]
    subprocess.run(cli, cwd=pytester.path, check=True, capture_output=True, timeout=60)
    pytester.makepyfile(svc=APP_V1)
    snapshots = pytester.path / "snapshots"
    cli_files = {p: p.read_bytes() for p in snapshots.rglob("*") if p.is_file()}
    assert snapshots / "openapi.json" in cli_files
    assert any(p.parent.name == "responses" for p in cli_files)

    result = run(pytester)
    result.assert_outcomes(failed=1)  # the CLI's document is not used in its place
    result.stdout.fnmatch_lines(
        ["*no OpenAPI snapshot *test_schema.openapi.json yet*openapi.json is the snapshot of*"]
    )
    run(pytester, "--driftguard-update").assert_outcomes(passed=1)
    assert {p: p.read_bytes() for p in cli_files} == cli_files
    assert sorted(p.relative_to(snapshots).as_posix() for p in snapshots.rglob("*.json")) == sorted(
        [SCHEMA_FILE, *(p.relative_to(snapshots).as_posix() for p in cli_files)]
    )
    mine = json.loads((snapshots / SCHEMA_FILE).read_text())
    assert "nickname" in json.dumps(mine)  # the service as the test saw it, not the CLI's


def test_requests_and_httpx_responses_over_real_http(pytester: pytest.Pytester) -> None:
    """Responses from a real server on 127.0.0.1, read with requests and with httpx."""
    from fastapi import FastAPI

    from tests.servers import serve

    app = FastAPI()

    @app.get("/user")
    def user() -> dict[str, object]:
        return {"id": 1, "name": "Ada", "tags": ["a"]}

    with serve(app) as url:
        pytester.makepyfile(
            test_http=f"""
            import httpx, requests

            def test_requests(driftguard):
                driftguard.check(requests.get("{url}/user", timeout=5))

            def test_httpx(driftguard):
                driftguard.check(httpx.get("{url}/user"))
            """
        )
        run(pytester, "--driftguard-update").assert_outcomes(passed=2)
        record = json.loads(
            (pytester.path / "snapshots/tests/test_http/test_requests.json").read_text()
        )
        assert (record["status"], record["media_type"]) == (200, "application/json")
        assert record["shape"]["properties"]["tags"]["items"]["type"] == "string"
        run(pytester).assert_outcomes(passed=2)


def test_last_failed_runs_are_a_subset_and_delete_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_pair=TWO_TESTS)
    run(pytester, "--driftguard-update").assert_outcomes(passed=2)
    stale = pytester.path / "snapshots/tests/test_gone/test_old.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}\n")
    pytester.makepyfile(test_pair=TWO_TESTS.replace('check({"b": 1})', "check({'b': 1}); 1 / 0"))
    run(pytester, "-p", "cacheprovider").assert_outcomes(passed=1, failed=1)
    pytester.makepyfile(test_pair=TWO_TESTS)
    result = run(pytester, "-p", "cacheprovider", "--lf", "--driftguard-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*rerun previous 1 failure*"])
    assert stale.exists()


def test_a_project_without_driftguard_configuration_does_not_pay_for_pydantic(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import sys

        def test_plain():
            assert "pydantic" not in sys.modules
        """
    )
    pytester.runpytest_subprocess(*LEAN).assert_outcomes(passed=1)
