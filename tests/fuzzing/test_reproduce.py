"""Reproductions: a curl line and details.request, from the bytes that were sent, redacted."""

from __future__ import annotations

import shlex
import subprocess

from driftguard._redact import Redactor
from driftguard.fuzzing.reproduce import curl_command, redactor_for, request_details
from driftguard.fuzzing.transport import Request


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
