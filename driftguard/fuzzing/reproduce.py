"""What a fuzz finding shows of its request: ``details.request`` and a curl command line.

Both are built from the bytes that were sent (:class:`~driftguard.fuzzing.transport.Request`),
so the reproduction is the request that failed, not a re-rendering of generated data.

Secrets never reach a report. Credentials the user supplied (``--header``, configured headers)
are replaced wherever they appear: by their ``${ENV}`` reference when the configuration wrote
one, so that the curl line still runs in a shell that has the variable, and by ``<redacted>``
otherwise. Headers and query parameters named like a credential (``Authorization``, ``Cookie``,
``X-Api-Key``, ``*token*``, ``*password*``, ``*secret*``) are redacted whatever their value,
except the obviously fake credentials driftguard itself sends to test authentication.

For an in-process app the curl command targets ``http://127.0.0.1:8000``, where
``uvicorn module:attr`` serves the app by default; ``details.serve`` says so.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import (
    parse_qsl,
    quote_plus,
    unquote,
    unquote_plus,
    urlencode,
    urlsplit,
    urlunsplit,
)

from driftguard._redact import Redactor
from driftguard._settings import env_references, is_env_reference
from driftguard.fuzzing.transport import Exchange, Request

if TYPE_CHECKING:
    from driftguard.fuzzing.options import Login

__all__ = [
    "FAKE_BASIC",
    "FAKE_BEARER",
    "FAKE_CREDENTIAL",
    "IN_PROCESS_REPLAY_URL",
    "chain_command",
    "curl_command",
    "redactor_for",
    "request_details",
]

# What driftguard sends when it tests that invalid credentials are refused: never a secret.
FAKE_CREDENTIAL = "driftguard-invalid-credential"
FAKE_BASIC = "Basic " + base64.b64encode(f"driftguard:{FAKE_CREDENTIAL}".encode()).decode()
FAKE_BEARER = f"Bearer {FAKE_CREDENTIAL}"
IN_PROCESS_REPLAY_URL = "http://127.0.0.1:8000"


def redactor_for(
    headers: Mapping[str, str], templates: Mapping[str, str], login: Login | None = None
) -> Redactor:
    """The redactor of a run given ``headers`` (written as ``templates`` where they used
    ``${ENV}``); driftguard's own fake credentials are shown as they are.

    A ``login``'s password and client secret are secrets too, as sent in a form body
    (URL-encoded) or not: shown as the ``${ENV}`` the configuration wrote, else as
    ``${DRIFTGUARD_PASSWORD}`` (``${DRIFTGUARD_CLIENT_SECRET}``), which ``exports`` lists.
    """
    redactor = Redactor.for_headers(
        headers, templates, harmless=frozenset({FAKE_CREDENTIAL, FAKE_BASIC})
    )
    for key, value in (login.secrets if login is not None else {}).items():
        template = login.templates.get(key) if login is not None else None
        if not template or "${" not in template:
            variable = f"DRIFTGUARD_{key.upper()}"
            template = f"${{{variable}}}"
            redactor.exports[variable] = f"login {key.replace('_', ' ')}"
        redactor.secrets[value] = template
        redactor.secrets.setdefault(quote_plus(value), template)
    return redactor


# An id a chain reads from an answer goes into the next URL unencoded: unreserved text only
# (an id with a space or a slash stays written as the run saw it).
_URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")

# Headers the HTTP client adds or computes; they say nothing about the failure.
_NOISE_HEADERS = frozenset(
    {"content-length", "connection", "accept-encoding", "user-agent", "host", "accept"}
)


def _meaningful_headers(request: Request) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.headers if k.lower() not in _NOISE_HEADERS]


def _body_value(request: Request) -> Any:
    """The body as JSON when it is JSON, as text when it is text, else escaped text."""
    if not request.body:
        return None
    content_type = (request.header("content-type") or "").lower()
    if "json" in content_type:
        try:
            value = json.loads(request.body)
            json.dumps(value, ensure_ascii=False).encode("utf-8")
            return value
        except ValueError:  # not JSON, or a lone surrogate: no text, shown as sent
            pass
    return request.body.decode("utf-8", errors="backslashreplace")


def request_details(request: Request, redactor: Redactor) -> dict[str, Any]:
    """``details.request``: method, path, query, headers and body, secrets redacted."""
    query: dict[str, Any] = {}
    for name, value in request.query:
        shown = redactor.field(name, value)
        if name in query:
            previous = query[name]
            query[name] = [*previous, shown] if isinstance(previous, list) else [previous, shown]
        else:
            query[name] = shown
    return {
        "method": request.method,
        "path": request.path,
        "query": query,
        "headers": {k: redactor.field(k, v) for k, v in _meaningful_headers(request)},
        "body": redactor.data(_body_value(request)),
    }


def _redacted_url(url: str, redactor: Redactor, replay_base: str | None) -> str:
    parts = urlsplit(url)
    if replay_base is not None:
        base = urlsplit(replay_base)
        parts = parts._replace(scheme=base.scheme, netloc=base.netloc)
    if parts.query:
        original = parse_qsl(parts.query, keep_blank_values=True)
        shown = [(k, redactor.field(k, v)) for k, v in original]
        if shown != original:
            parts = parts._replace(query=urlencode(shown, safe="<>${}"))
    return redactor.text(urlunsplit(parts))


def _printable(text: str) -> bool:
    return all(ch.isprintable() or ch in "\n\t" for ch in text)


def chain_command(
    steps: Sequence[Exchange], redactor: Redactor, *, replay_base: str | None = None
) -> str:
    """The curl commands of requests sent one after the other, joined by ``&&``.

    A later request whose path holds the id an earlier answer created (``POST /tickets``
    answered ``{"id": "9f2c"}``, then ``GET /tickets/9f2c``) reads it from that answer when
    the chain runs: ``CREATED_ID=$(curl -q ... | python3 -c ...) && curl ".../${CREATED_ID}"``.
    So the reproduction runs on any instance of the service, a fresh one included, not only
    on the one fuzzed, where that id happened to exist.
    """
    captured: dict[str, str] = {}  # id text -> the shell reference that holds it
    commands = []
    for index, step in enumerate(steps):
        created = _created_id(step, steps[index + 1 :])
        if created is not None and created[1] in captured:
            created = None  # read from an earlier answer already
        command = curl_command(
            step.request,
            redactor,
            replay_base=replay_base,
            ids=captured,
            capture=created is not None,
        )
        if created is not None:
            key, value = created
            name = "CREATED_ID" if not captured else f"CREATED_ID{len(captured) + 1}"
            read = f"import json,sys; print(json.load(sys.stdin)[{json.dumps(key)}])"
            command = f"{name}=$({command} | python3 -c {shlex.quote(read)})"
            captured[value] = f"${{{name}}}"
        commands.append(command)
    return " && ".join(commands)


def _created_id(step: Exchange, later: Sequence[Exchange]) -> tuple[str, str] | None:
    """The top-level key and value of ``step``'s JSON answer that a later request's path
    names as a whole segment (an id): ``("id", "9f2c")``; None if none does.

    ``id`` is looked at first, then ``*_id``/``*Id`` fields, then the others; a segment of
    the step's own path (``tickets`` of ``POST /tickets``) is no id it created, and only
    URL-safe text is taken (:data:`_URL_SAFE`).
    """
    if not later or not step.succeeded:
        return None
    body = step.json()
    if not isinstance(body, Mapping):
        return None
    own = {unquote(s) for s in step.request.path.split("/")}
    segments = {unquote(s) for e in later for s in e.request.path.split("/")} - own - {""}
    candidates = [
        (key, str(value))
        for key, value in body.items()
        if isinstance(key, str)
        and isinstance(value, str | int)
        and not isinstance(value, bool)
        and _URL_SAFE.fullmatch(str(value))  # what the shell puts in the URL, as it is
    ]
    candidates.sort(key=lambda kv: (kv[0] != "id", not kv[0].endswith(("_id", "Id"))))
    for key, value in candidates:
        if value in segments:
            return key, value
    return None


def _with_ids(url: str, ids: Mapping[str, str]) -> str:
    """``url`` with every path segment that is a captured id replaced by its reference."""
    if not ids:
        return url
    parts = urlsplit(url)
    segments = [ids.get(unquote(s), s) if s else s for s in parts.path.split("/")]
    return urlunsplit(parts._replace(path="/".join(segments)))


def curl_command(
    request: Request,
    redactor: Redactor,
    *,
    replay_base: str | None = None,
    ids: Mapping[str, str] | None = None,
    capture: bool = False,
) -> str:
    """A curl command line that sends ``request`` again (to ``replay_base`` when given).

    Bodies that are printable text go in ``--data-raw``; anything else (NUL bytes, invalid
    UTF-8, control characters) is piped in through ``printf`` so that every byte survives.
    ``ids`` maps ids an earlier command captured to the shell references that hold them;
    ``capture`` writes the answer's body alone, for the next command to read an id from
    (:func:`chain_command`): ``-q`` reads no .curlrc (its write-out would join the body),
    ``-sS`` shows errors only.
    """
    parts: list[str] = ["curl", "-q", "-sS"] if capture else ["curl"]
    if request.method == "HEAD" and not request.body:
        parts.append("--head")  # -X HEAD would wait for a body that never comes
    elif request.method != "GET" or request.body:
        parts += ["-X", request.method]
    quote = _quoter(redactor.placeholders | frozenset((ids or {}).values()))
    url = _redacted_url(request.url, redactor, replay_base)
    if any(ch in url for ch in "[]{}"):
        parts.append("--globoff")  # else curl reads [1] and {a,b} as URL patterns
    parts.append(quote(_with_ids(url, ids or {})))
    for name, value in _meaningful_headers(request):
        parts += ["-H", quote(f"{name}: {redactor.field(name, value)}")]
    prefix = ""
    if request.body:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and _printable(text):
            parts += _data_arguments(request, text, redactor, quote)
        else:
            prefix = f"printf {shlex.quote(_printf_escape(request.body))} | "
            parts += ["--data-binary", "@-"]
    return prefix + " ".join(parts)


def _data_arguments(
    request: Request, text: str, redactor: Redactor, quote: Callable[[str], str]
) -> list[str]:
    """``--data-raw`` with the body, secrets replaced by their references.

    A URL-encoded form whose field holds a secret is written a field at a time, the secret's
    as ``--data-urlencode "password=${DRIFTGUARD_PASSWORD}"``: the shell puts the raw value
    there, and curl encodes it, so a password with ``&``, ``=``, ``+`` or ``%`` is sent as it
    was. Every other field goes as it was sent, byte for byte (curl joins them with ``&``).
    """
    shown = redactor.text(text)
    form = "application/x-www-form-urlencoded" in (request.header("content-type") or "").lower()
    if shown == text or not form:
        return ["--data-raw", quote(shown)]
    arguments: list[str] = []
    for field in text.split("&"):
        name, equals, value = field.partition("=")
        secret = redactor.secrets.get(unquote_plus(value)) if equals else None
        if secret is not None and is_env_reference(secret):
            arguments += ["--data-urlencode", quote(f"{name}={secret}")]
        else:
            arguments += ["--data-raw", quote(redactor.text(field))]
    return arguments


def _quoter(placeholders: frozenset[str]) -> Callable[[str], str]:
    """Shell quoting in which the ``${NAME}`` references of supplied secrets expand.

    Single quotes keep everything literal; an argument holding a reference is written in
    double quotes instead, with every other ``$``, backtick, backslash and quote escaped,
    so that only the references are read from the environment.
    """

    references = {ref for text in placeholders for ref in env_references(text)}

    def quote(arg: str) -> str:
        present = [ref for ref in references if ref in arg]
        if not present:
            return shlex.quote(arg)
        escaped = re.sub(r'([\\"`$])', r"\\\1", arg)
        for ref in present:
            escaped = escaped.replace("\\" + ref, ref)
        return f'"{escaped}"'

    return quote


def _printf_escape(data: bytes) -> str:
    """A printf format that writes ``data`` byte for byte in bash and in dash (``sh``).

    Only three-digit octal escapes are used (dash's printf has no ``\\x``), and a leading
    ``-`` is escaped too: multipart bodies start ``--boundary``, which printf would read as an
    option (``printf --`` is not portable either).
    """
    out = []
    for index, byte in enumerate(data):
        char = chr(byte)
        if char == "%":
            out.append("%%")
        elif char == "\\":
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F and not (index == 0 and char == "-"):
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "".join(out)
