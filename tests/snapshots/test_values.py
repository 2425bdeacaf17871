"""Values compared as well as shapes: ``values = true | [...]`` and the 4xx default.

A small catalogue service in two versions (``old_app``, ``new_app``): the same shapes, but
prices changed, a host lowercased, whitespace no longer stripped, a validation constraint
written ``gt=0`` instead of ``ge=1`` (so a 422's error code changes), and the values a real
service makes per call (ids, clocks, tokens) differing on every response.
"""

from __future__ import annotations

import json
import re
import secrets
import shlex
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import Field, create_model

import driftguard
from driftguard.causes import group
from driftguard.cli import main
from driftguard.shapes import PathMatcher
from driftguard.shapes.values import ValueRule, compare_values, select_values
from driftguard.snapshots.record import ResponseRecord
from tests.core.test_readme import README, _matches
from tests.servers import serve

OLD, NEW = "tests.snapshots.test_values:old_app", "tests.snapshots.test_values:new_app"
TOKENS: list[str] = []


def create_app(version: int) -> FastAPI:
    app = FastAPI(title="catalogue", version="1.0.0")

    @app.get("/plans")
    def plans() -> dict[str, Any]:
        prices = (4.99, 9.99) if version == 1 else (4.99, 10.99)
        return {
            "plans": [{"name": "basic", "price": prices[0]}, {"name": "pro", "price": prices[1]}],
            "generated_at": datetime.now(UTC).isoformat(),
            "request_id": str(uuid.uuid4()),
        }

    @app.get("/profile")
    def profile() -> dict[str, Any]:
        token = secrets.token_urlsafe(24)
        TOKENS.append(token)
        return {
            "id": secrets.randbelow(10**6),
            "plan_id": "pro" if version == 1 else "pro-2024",
            "name": "Ada Lovelace" if version == 1 else "Ada Lovelace ",
            "homepage": "https://ada.example/" if version == 1 else "https://ada.example/home",
            "shop": "https://Shop.Example/ada" if version == 1 else "https://shop.example/ada",
            "session_token": token,
            "created_at": datetime.now(UTC).isoformat(),
            "uuid": str(uuid.uuid4()),
        }

    @app.get("/tags")
    def tags() -> dict[str, Any]:
        return {"tags": ["a", "b", "c"] if version == 1 else ["c", "a", "b"]}

    @app.get("/rate")
    def rate() -> dict[str, float]:
        return {"rate": 1.2345 if version == 1 else 1.2346}

    # The same model and handler in both versions but for the constraint: gt=0 is the same
    # rule for integers as ge=1, with another error code.
    bound = {"ge": 1} if version == 1 else {"gt": 0}
    item_model = create_model("Item", quantity=(int, Field(**bound)))

    def add(item: Any) -> dict[str, int]:
        return {"quantity": item.quantity}

    add.__annotations__["item"] = item_model  # a class made at run time, not a name
    app.post("/items", status_code=201)(add)
    return app


old_app, new_app = create_app(1), create_app(2)

PROBES = """
[[probes]]
name = "plans"
path = "/plans"
values = ["$.plans[*].price"]

[[probes]]
name = "profile"
path = "/profile"
values = true

[[probes]]
name = "profile-named"
path = "/profile"
values = ["$.session_token", "$.shop", "plan_id"]

[[probes]]
name = "tags"
path = "/tags"
values = true

[[probes]]
name = "tags-any-order"
path = "/tags"
values = true
ignore_order = true

[[probes]]
name = "rate"
path = "/rate"
values = ["$.rate"]

[[probes]]
name = "rate-close-enough"
path = "/rate"
values = ["$.rate"]
tolerance = 0.001

[[probes]]
name = "item-zero"
method = "POST"
path = "/items"
json = {quantity = 0}
status = 422

[[probes]]
name = "item-negative"
method = "POST"
path = "/items"
json = {quantity = -1}
status = 422
"""


@pytest.fixture(autouse=True)
def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    (tmp_path / "driftguard.toml").write_text(
        'auto_probes = false\nignore = ["$..homepage"]\n' + PROBES, encoding="utf-8"
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def value_findings(report: dict[str, Any]) -> dict[tuple[str, str], tuple[Any, Any]]:
    return {
        (f["details"]["probe"], f["details"]["path"]): (f["details"]["old"], f["details"]["new"])
        for f in report["findings"]
        if f["id"] == "response-value-changed"
    }


EXPECTED = {
    ("plans", "$.plans[1].price"): (9.99, 10.99),
    ("profile", "$.name"): ("Ada Lovelace", "Ada Lovelace "),
    ("profile", "$.shop"): ("https://Shop.Example/ada", "https://shop.example/ada"),
    ("profile-named", "$.shop"): ("https://Shop.Example/ada", "https://shop.example/ada"),
    ("profile-named", "$.plan_id"): ("pro", "pro-2024"),
    ("tags", "$.tags[0]"): (None, "c"),  # "c" moved to the front: added there...
    ("tags", "$.tags[2]"): ("c", None),  # ...and gone from the end
    ("rate", "$.rate"): (1.2345, 1.2346),
    ("item-zero", "$.detail[0].type"): ("greater_than_equal", "greater_than"),
    ("item-negative", "$.detail[0].type"): ("greater_than_equal", "greater_than"),
}


def check_against(capsys: pytest.CaptureFixture[str], old: str, new: str) -> dict[str, Any]:
    code, out, err = run(capsys, "snapshot", old)
    assert code == 0, err
    code, out, err = run(capsys, "check", old, "--format", "json")
    assert (code, value_findings(json.loads(out))) == (0, {}), out + err
    code, out, err = run(capsys, "check", new, "--format", "json")
    assert code == 1, err
    report: dict[str, Any] = json.loads(out)
    return report


def test_values_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    report = check_against(capsys, OLD, NEW)
    assert value_findings(report) == EXPECTED
    [price] = [f for f in report["findings"] if f["details"].get("path") == "$.plans[1].price"]
    assert (price["severity"], price["operation"]) == ("breaking", "GET /plans")
    assert price["location"] == "plans $.plans[1].price"
    assert price["message"] == "$.plans[1].price: 9.99 -> 10.99 in the response of plans"


def test_values_over_http(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(create_app(1)) as old_url, serve(create_app(2)) as new_url:
        report = check_against(capsys, old_url, new_url)
    assert value_findings(report) == EXPECTED


def test_the_library_check_compares_values() -> None:
    driftguard.snapshot(OLD, config=driftguard.load_config())
    report = driftguard.check(NEW, config=driftguard.load_config())
    found = {
        (f.details["probe"], f.details["path"]): (f.details["old"], f.details["new"])
        for f in report.findings
        if f.id == "response-value-changed"
    }
    assert found == EXPECTED


def test_error_codes_of_a_4xx_are_compared_by_default(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """No ``values`` on the 422 probes: their ``detail[*].type`` and ``loc`` are recorded,
    and the message text (``msg``) is not."""
    report = check_against(capsys, OLD, NEW)
    record = json.loads((tmp_path / "snapshots/responses/item-zero.json").read_text())
    assert record["values"] == {
        "detail": [{"loc": ["body", "quantity"], "type": "greater_than_equal"}]
    }
    assert "values" not in record["request"]
    paths = {
        f["details"]["path"] for f in report["findings"] if f["details"].get("probe") == "item-zero"
    }
    assert "$.detail[0].msg" not in paths
    # a 2xx without values, and a 4xx body that is not FastAPI's validation error, record none
    assert ResponseRecord.from_json({"detail": [{"type": "x"}]}, status=200).values is None
    assert ResponseRecord.from_json({"detail": "not found"}, status=404).values is None
    assert "values" not in ResponseRecord.from_json({"detail": "gone"}, status=410).to_dict()


def test_one_value_change_in_several_probes_is_one_cause(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = check_against(capsys, OLD, NEW)
    codes = [
        c
        for c in report["causes"]
        if c["id"] == "response-value-changed" and "greater_than" in c["message"]
    ]
    assert len(codes) == 1
    assert len(codes[0]["findings"]) == 2
    assert (
        codes[0]["message"]
        == 'type: "greater_than_equal" -> "greater_than" (value) in live responses'
    )


def test_volatile_values_are_not_recorded_or_compared(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = check_against(capsys, OLD, NEW)
    record = json.loads((tmp_path / "snapshots/responses/profile.json").read_text())
    # ids, uuid, created_at, the token and the ignored homepage are left out of values = true
    assert record["values"] == {"name": "Ada Lovelace", "shop": "https://Shop.Example/ada"}
    assert record["request"]["values"] == {"paths": True}
    assert ("profile", "$.plan_id") not in value_findings(report)
    # ...unless named: the named plan_id is compared, and a named token is kept redacted
    named = json.loads((tmp_path / "snapshots/responses/profile-named.json").read_text())
    assert named["values"] == {
        "plan_id": "pro",
        "session_token": "<redacted>",
        "shop": "https://Shop.Example/ada",
    }
    assert value_findings(report)[("profile-named", "$.plan_id")] == ("pro", "pro-2024")


def test_a_secret_is_never_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    TOKENS.clear()
    assert run(capsys, "snapshot", OLD)[0] == 0
    assert TOKENS
    written = "".join(p.read_text() for p in (tmp_path / "snapshots").rglob("*.json"))
    assert not [token for token in TOKENS if token in written]


def test_order_and_tolerance_options(capsys: pytest.CaptureFixture[str]) -> None:
    found = value_findings(check_against(capsys, OLD, NEW))
    assert not {key for key in found if key[0] in ("tags-any-order", "rate-close-enough")}
    assert ("tags", "$.tags[0]") in found
    assert ("rate", "$.rate") in found


def test_compare_values_options_directly() -> None:
    def paths(old: Any, new: Any, rule: ValueRule) -> set[str]:
        return {f.details["path"] for f in compare_values(old, new, rule, probe="p")}

    assert paths([1, 2, 3], [3, 1, 2], ValueRule()) == {"$[0]", "$[2]"}  # 3 moved to the front
    assert paths([1, 2, 3], [3, 1, 2], ValueRule(ignore_order=True)) == set()
    assert paths([1, 2], [1, 2, 9], ValueRule(ignore_order=True)) == {"$[2]"}
    assert paths({"p": 10.0}, {"p": 10.004}, ValueRule(tolerance=0.01)) == set()
    assert paths({"p": 10.0}, {"p": 10.02}, ValueRule(tolerance=0.01)) == {"$.p"}
    assert paths({"a b": 1}, {"a b": 2}, ValueRule()) == {"$['a b']"}
    assert compare_values(None, {"a": 1}, None, probe="p") == []  # recorded before values


def test_selection_by_pattern() -> None:
    body = {"items": [{"code": "A", "price": 1}, {"code": "B", "price": 2}], "meta": {"code": "Z"}}
    assert select_values(body, ValueRule(("code",))) == {
        "items": [{"code": "A"}, {"code": "B"}],
        "meta": {"code": "Z"},
    }
    assert select_values(body, ValueRule(("$.missing",))) is None
    assert select_values(body, ValueRule(None), ignore=PathMatcher(["$..code"])) == {
        "items": [{"price": 1}, {"price": 2}]
    }


def test_the_record_counts_values_as_contract() -> None:
    old = ResponseRecord.from_json({"code": "a"}, status=200, values=ValueRule(("code",)))
    same = ResponseRecord.from_json({"code": "a"}, status=200, values=ValueRule(("code",)))
    new = ResponseRecord.from_json({"code": "b"}, status=200, values=ValueRule(("code",)))
    assert old.same_contract(same)
    assert not old.same_contract(new)
    again = ResponseRecord.from_dict(json.loads(json.dumps(old.to_dict())), where="x")
    assert again.values == {"code": "a"}


@pytest.mark.parametrize(
    ("probe", "key", "what"),
    [
        ('values = "yes"', "probes[0].values", "got 'yes'"),
        ('values = ["$.a[["]', "probes[0].values", "values path '$.a[['"),
        ("tolerance = 0.1", "probes[0]", "ignore_order and tolerance say how values are compared"),
        ("values = true\ntolerance = -1", "probes[0].tolerance", "greater than or equal to 0"),
    ],
)
def test_invalid_values_config_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, probe: str, key: str, what: str
) -> None:
    config = tmp_path / "driftguard.toml"
    config.write_text(f'[[probes]]\nname = "p"\npath = "/plans"\n{probe}\n', encoding="utf-8")
    code, _, err = run(capsys, "snapshot", OLD)
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: {config}: {key}: "), line
    assert what in line


@pytest.mark.parametrize("corrupt", [{"paths": "everything"}, "everything", {"paths": ["$["]}])
def test_a_corrupt_values_entry_in_a_snapshot_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, corrupt: Any
) -> None:
    assert run(capsys, "snapshot", OLD)[0] == 0
    file = tmp_path / "snapshots/responses/profile.json"
    record = json.loads(file.read_text())
    record["request"]["values"] = corrupt
    file.write_text(json.dumps(record))
    (tmp_path / "driftguard.toml").write_text("auto_probes = false\n", encoding="utf-8")
    code, _, err = run(capsys, "check", OLD)
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith("error: "), line
    assert "profile" in line
    assert "values" in line


def test_checks_lists_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "checks", "--format", "json")
    assert code == 0
    rules = json.loads(out)
    rows = rules if isinstance(rules, list) else rules.get("checks", rules.get("rules", []))
    [rule] = [r for r in rows if r["id"] == "response-value-changed"]
    assert rule["severity"] == "breaking"
    assert "values" in rule["description"]


def test_value_changes_of_one_field_are_one_cause() -> None:
    """Every 422's error code, every price of a table: one field's values, one cause."""
    one = compare_values({"c": "a"}, {"c": "b"}, None, probe="x", operation="GET /x")
    two = compare_values({"c": "q"}, {"c": "r"}, None, probe="y", operation="GET /y")
    other = compare_values({"d": "a"}, {"d": "b"}, None, probe="z", operation="GET /z")
    causes = group([*one, *two, *other])
    assert sorted(len(c.findings) for c in causes) == [1, 2]


def test_a_value_joins_the_cause_of_its_field_s_shape_change() -> None:
    """9 -> 9.99 where the field went from integer to number is one change, not two."""
    from driftguard.shapes import compare_shapes, infer_shape

    shape = compare_shapes(infer_shape([{"p": 9}]), [{"p": 9.99}], probe="plans").findings
    values = compare_values([{"p": 9}], [{"p": 9.99}], None, probe="plans")
    assert [f.id for f in shape] == ["response-field-format-changed"]
    [cause] = group([*shape, *values])
    assert cause.id == "response-value-changed"


def test_the_readme_example_is_a_real_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(
        r"<!-- values-example -->\n```toml\n(.*?)```\n\n"
        r"<!-- readme-example: tested-by=tests/snapshots/test_values.py -->\n```console\n(.*?)\n```",
        text,
        re.S,
    )
    assert found is not None
    (tmp_path / "driftguard.toml").write_text(found.group(1), encoding="utf-8")
    for chunk in re.split(r"^\$ ", found.group(2), flags=re.M)[1:]:
        command, *expected = chunk.rstrip("\n").split("\n")
        code, out, err = run(capsys, *shlex.split(command)[1:])
        assert code in (0, 1), err
        assert _matches(expected, out.rstrip("\n").split("\n")), out


PLUGIN_TEST = """
import httpx

def test_plans(driftguard):
    body = {"plans": [{"name": "pro", "price": PRICE}], "generated_at": "2024-01-01T00:00:00Z"}
    driftguard.check(httpx.Response(200, json=body), values=["$.plans[*].price"])
"""


def test_the_pytest_fixture_compares_named_values(pytester: pytest.Pytester) -> None:
    lean = ("-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio")
    pytester.makepyfile(test_plans=PLUGIN_TEST.replace("PRICE", "9.99"))
    pytester.runpytest(*lean, "--driftguard-update").assert_outcomes(passed=1)
    pytester.runpytest(*lean).assert_outcomes(passed=1)
    pytester.makepyfile(test_plans=PLUGIN_TEST.replace("PRICE", "10.99"))
    result = pytester.runpytest(*lean)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*$.plans[[]0].price: 9.99 -> 10.99 (value)  [[]breaking]"])
