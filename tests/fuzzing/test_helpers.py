"""The schemathesis-free pieces of the fuzzer, on plain data."""

from __future__ import annotations

import shlex
import subprocess
from typing import Any

import pytest

from driftguard import ConfigError, UsageError
from driftguard._config import Config
from driftguard._redact import Redactor
from driftguard.fuzzing.auth import has_credentials, security_slots, with_credentials
from driftguard.fuzzing.causes import exception_cause
from driftguard.fuzzing.evidence import COERCED, Cause, Collector, Evidence
from driftguard.fuzzing.options import resolve_options
from driftguard.fuzzing.progress import FuzzProgress, render
from driftguard.fuzzing.reproduce import curl_command, redactor_for, request_details
from driftguard.fuzzing.scenarios import resource_id
from driftguard.fuzzing.schema import field_pointer, lax_coerce
from driftguard.fuzzing.transport import Exchange, NoAnswer, Request

ROOT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "count": {"type": "integer", "minimum": 0},
        "price": {"anyOf": [{"type": "number"}, {"type": "null"}]},
        "active": {"type": "boolean"},
        "name": {"type": "string"},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
        "tags": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
    "$defs": {"Line": {"type": "object", "properties": {"qty": {"type": "integer"}}}},
}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"count": "2"}, {"count": 2}),
        ({"count": " 3 "}, {"count": 3}),
        ({"count": "2.0"}, {"count": 2}),
        ({"count": True}, {"count": 1}),
        ({"count": "2.5"}, {"count": "2.5"}),  # not an integer in any reading
        ({"price": "1.5"}, {"price": 1.5}),
        ({"price": "nan"}, {"price": "nan"}),
        ({"active": "yes"}, {"active": True}),
        ({"active": 0}, {"active": False}),
        ({"name": 5}, {"name": 5}),  # Pydantic 2 never turns a number into a string
        ({"lines": [{"qty": "4"}]}, {"lines": [{"qty": 4}]}),
        ({"tags": {"x": "7"}}, {"tags": {"x": 7}}),
        ({"unknown": "1"}, {"unknown": "1"}),
    ],
)
def test_lax_coercion_reads_like_pydantic(body: dict[str, Any], expected: dict[str, Any]) -> None:
    assert lax_coerce(body, ROOT_SCHEMA, ROOT_SCHEMA) == expected


def test_field_pointer_names_fields_not_generated_values() -> None:
    assert field_pointer(["lines", 3, "qty"], ROOT_SCHEMA, ROOT_SCHEMA) == "/lines/*/qty"
    assert field_pointer(["tags", "random-key"], ROOT_SCHEMA, ROOT_SCHEMA) == "/tags/*"
    assert field_pointer([], ROOT_SCHEMA, ROOT_SCHEMA) == "/"
    assert field_pointer(["a/b"], {"properties": {"a/b": {}}}, {}) == "/a~1b"


def test_curl_reproduces_text_bodies_and_quotes_them() -> None:
    request = Request(
        "POST",
        "http://testserver/items?q=a%20b",
        (("Content-Type", "application/json"), ("User-Agent", "x"), ("X-Note", "it's")),
        b'{"name": "O\'Brien"}',
    )
    command = curl_command(request, Redactor(), replay_base="http://127.0.0.1:8000")
    words = shlex.split(command)
    assert words[:4] == ["curl", "-X", "POST", "http://127.0.0.1:8000/items?q=a%20b"]
    assert "User-Agent: x" not in words  # the client's own headers are noise
    assert words[words.index("--data-raw") + 1] == '{"name": "O\'Brien"}'
    assert "X-Note: it's" in words


def test_curl_pipes_binary_bodies_through_printf_byte_for_byte() -> None:
    body = b"\x00\xff%s\\n\x1b[0m \x80'\""
    command = curl_command(Request("POST", "http://h/x", (), body), Redactor())
    printf, _, rest = command.partition(" | ")
    assert rest.endswith("--data-binary @-")
    sent = subprocess.run(["bash", "-c", printf], capture_output=True, check=True).stdout
    assert sent == body


def test_redaction_by_value_by_name_and_fake_credentials_kept() -> None:
    redactor = redactor_for(
        {"Authorization": "Bearer real-token", "X-Tenant": "acme-corp"},
        {"Authorization": "Bearer ${TOKEN}"},
    )
    request = Request(
        "GET",
        "http://h/x?api_key=abc&page=2",
        (
            ("Authorization", "Bearer real-token"),
            ("X-Tenant", "acme-corp"),
            ("Cookie", "session=1"),
            ("X-Api-Key", "Bearer driftguard-invalid-credential"),
        ),
    )
    details = request_details(request, redactor)
    assert details["headers"] == {
        "Authorization": "Bearer ${TOKEN}",
        "X-Tenant": "<redacted>",
        "Cookie": "<redacted>",
        "X-Api-Key": "Bearer driftguard-invalid-credential",
    }
    assert details["query"] == {"api_key": "<redacted>", "page": "2"}
    command = curl_command(request, redactor)
    assert "real-token" not in command
    assert "acme-corp" not in command
    assert "abc" not in command


def test_issued_credentials_in_responses_are_redacted() -> None:
    collector = Collector()
    exchange = Exchange(
        Request("POST", "http://h/token"),
        422,
        content=b'{"access_token": "abc", "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}',
    )
    collector.add("POST /token", Evidence(Cause("rejected-valid-input", "response 422"), exchange))
    (finding,) = collector.findings(Redactor())
    # by name and, as in snapshots, by value: the JWT sits under a name that says nothing
    assert finding.details["response"]["body"] == (
        '{"access_token": "<redacted>", "jwt": "<redacted>"}'
    )


def test_options_layer_config_then_arguments_and_expand_variables() -> None:
    config = Config.model_validate(
        {
            "headers": {"X-Tenant": "acme", "Authorization": "Bearer ${DG_OPT_TOKEN}"},
            "fuzz": {"max_examples": 7, "headers": {"x-tenant": "beta"}},
        }
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DG_OPT_TOKEN", "t0ken")
        options = resolve_options(
            config, concurrency=3, headers=[("X-Extra", "1")], operations=["post /a"]
        )
    assert options.max_examples == 7
    assert options.concurrency == 3
    assert options.headers == {"Authorization": "Bearer t0ken", "x-tenant": "beta", "X-Extra": "1"}
    assert options.templates == {"Authorization": "Bearer ${DG_OPT_TOKEN}"}
    assert options.operations == ("POST /a",)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"headers": {"Bad Name": "x"}}, UsageError, "not a valid HTTP header name"),
        ({"headers": {"X": "a\nb"}}, UsageError, "one line"),
        ({"operations": ["users"]}, UsageError, "not an operation"),
        ({"max_examples": 0}, UsageError, "at least 1"),
        ({"headers": {"X": "${DG_SURELY_UNSET}"}}, ConfigError, "DG_SURELY_UNSET is not set"),
    ],
)
def test_bad_options_are_one_line_errors(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        resolve_options(None, **kwargs)


SECURED: dict[str, Any] = {
    "components": {
        "securitySchemes": {
            "basic": {"type": "http", "scheme": "basic"},
            "key": {"type": "apiKey", "in": "query", "name": "api_key"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "sid"},
        }
    },
    "security": [{"basic": []}],
    "paths": {
        "/a": {"get": {}},
        "/b": {"get": {"security": [{"key": []}, {"cookie": []}]}},
        "/open": {"get": {"security": [{}, {"basic": []}]}},
    },
}


def test_security_slots_follow_operation_then_document_requirements() -> None:
    assert [str(s) for s in security_slots(SECURED, "/a", "GET")] == ["header Authorization"]
    assert [str(s) for s in security_slots(SECURED, "/b", "GET")] == ["query api_key", "cookie sid"]
    assert security_slots(SECURED, "/open", "GET") == []  # anonymous access is allowed


def test_credentials_are_removed_or_spoiled_in_every_slot() -> None:
    slots = security_slots(SECURED, "/b", "GET")
    request = Request("GET", "http://h/b?api_key=real&x=1", (("Cookie", "sid=real; theme=dark"),))
    assert has_credentials(request, slots)
    bare = with_credentials(request, slots, fake=False)
    assert not has_credentials(bare, slots)
    assert bare.query == [("x", "1")]
    assert bare.header("cookie") == "theme=dark"
    fake = with_credentials(request, slots, fake=True)
    assert ("api_key", "driftguard-invalid-credential") in fake.query
    assert "sid=driftguard-invalid-credential" in (fake.header("cookie") or "")


def test_the_collector_keeps_the_smallest_request_per_cause_and_drops_subsumed_coercions() -> None:
    collector = Collector()
    cause = Cause("accepted-invalid-input", "request body /n", {"cause": "x"})
    big = Exchange(Request("POST", "http://h/a", (), b'{"n": "long value"}'), 200)
    small = Exchange(Request("POST", "http://h/a", (), b'{"n": 1.5}'), 200)
    assert collector.add("POST /a", Evidence(cause, big)) is True
    assert collector.add("POST /a", Evidence(cause, small)) is False
    coerced = Cause("accepted-invalid-input", "request body /n" + COERCED)
    collector.add("POST /a", Evidence(coerced, small))
    (finding,) = collector.findings(Redactor())
    assert finding.details["request"]["body"] == '{"n": 1.5}'
    assert finding.details["generation"] == "fuzzing"


def test_an_exception_cause_names_type_and_function_not_line() -> None:
    def handler() -> None:
        raise KeyError("missing")

    try:
        handler()
    except KeyError as exc:
        cause = exception_cause(exc)
    assert cause.location == "exception KeyError in handler"
    assert cause.details["exception"]["message"] == "'missing'"
    assert exception_cause(NoAnswer("no answer within 1s")).location == "no answer"


def test_resource_id_prefers_the_named_field() -> None:
    assert resource_id({"note_id": 4, "id": 9}, "note_id") == "4"
    assert resource_id({"id": "abc"}) == "abc"
    assert resource_id({"order_id": 3, "name": "x"}) == "3"
    assert resource_id({"a_id": 1, "b_id": 2}) is None
    assert resource_id([1, 2]) is None


def test_progress_line_fits_the_terminal() -> None:
    progress = FuzzProgress(3, 8, "POST /items", 412, 2, 1.94)
    line = render(progress, 200)
    assert line == "fuzz [#######.............] 3/8 POST /items  412 requests  2 findings  1.9s"
    assert len(render(progress, 30)) == 29
