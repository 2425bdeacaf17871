"""Reproductions: a curl line and details.request, from the bytes that were sent, redacted."""

from __future__ import annotations

import shlex
import subprocess

from driftguard._redact import Redactor
from driftguard.fuzzing.reproduce import chain_command, curl_command, redactor_for, request_details
from driftguard.fuzzing.transport import Exchange, Request


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
        "X-Tenant": "${X_TENANT}",
        "Cookie": "<redacted>",
        "X-Api-Key": "Bearer driftguard-invalid-credential",
    }
    assert details["query"] == {"api_key": "<redacted>", "page": "2"}
    command = curl_command(request, redactor)
    assert "real-token" not in command
    assert "acme-corp" not in command
    assert "abc" not in command


BASE = "http://127.0.0.1:8000"


def _answered(method: str, path: str, status: int = 200, body: bytes = b"") -> Exchange:
    return Exchange(Request(method, BASE + path), status, content=body)


def test_a_chain_reads_the_created_id_from_the_answer_not_from_the_run() -> None:
    # "name" is a segment of the read too ("items"), and the own path's: not the id
    create = _answered("POST", "/items", 201, b'{"name": "items", "owner_id": 3, "id": "x-9"}')
    read = _answered("GET", "/items/x-9/owners/3", 500)
    first, second = chain_command([create, read], Redactor()).split(" && ")
    assert first == (
        "CREATED_ID=$(curl -q -sS -X POST http://127.0.0.1:8000/items | python3 -c "
        """'import json,sys; print(json.load(sys.stdin)["id"])')"""
    )
    # one id per answer: "id" before "*_id" fields; the owner is sent as the run sent it
    assert second == 'curl "http://127.0.0.1:8000/items/${CREATED_ID}/owners/3"'


def test_an_id_the_shell_would_spoil_in_a_url_stays_as_the_run_saw_it() -> None:
    create = _answered("POST", "/items", 201, b'{"id": "a b"}')
    read = _answered("GET", "/items/a%20b", 500)
    assert chain_command([create, read], Redactor()) == (
        "curl -X POST http://127.0.0.1:8000/items && curl http://127.0.0.1:8000/items/a%20b"
    )


def test_a_chain_without_ids_or_with_a_failed_create_is_the_plain_commands() -> None:
    listing = _answered("GET", "/items")
    write = _answered("POST", "/items", 201, b'{"id": 7}')
    assert chain_command([write, listing], Redactor()) == (
        "curl -X POST http://127.0.0.1:8000/items && curl http://127.0.0.1:8000/items"
    )
    refused = _answered("POST", "/items", 422, b'{"id": 7}')
    assert chain_command([refused, _answered("GET", "/items/7")], Redactor()) == (
        "curl -X POST http://127.0.0.1:8000/items && curl http://127.0.0.1:8000/items/7"
    )
