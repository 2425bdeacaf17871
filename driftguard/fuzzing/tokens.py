"""Whether an OAuth2 password flow issues a token with a scope it does not declare.

FastAPI's "OAuth2 scopes" example issues ``scopes: form_data.scopes``: whatever the client
asked for. With the flow's ``tokenUrl`` and declared scopes from the document and the
username and password the user gave (``[tool.driftguard.fuzz] login``), the probe asks for
a scope the flow does not declare; a token that carries it (the ``scope`` of the token
response, or ``scope``/``scopes``/``scp`` in a JWT's payload, read without verifying it) is
``token-scope-not-checked``. A refusal (any non-2xx) is the right answer; then a request
with no scope at all tells whether the login itself works, and a note says when it does not.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from driftguard.fuzzing.evidence import Cause, Evidence
from driftguard.fuzzing.options import Login
from driftguard.fuzzing.transport import Exchange, Request, Sender, Unsendable
from driftguard.openapi.refs import resolve

__all__ = ["UNDECLARED_SCOPE", "PasswordFlow", "password_flows", "probe_scopes"]

# The scope asked for: no flow declares it, so no token may carry it.
UNDECLARED_SCOPE = "driftguard-undeclared-scope"


@dataclass(frozen=True)
class PasswordFlow:
    """An OAuth2 scheme's password flow: where tokens are issued, and the scopes it declares."""

    scheme: str
    token_url: str
    scopes: frozenset[str]

    def operation(self, base_path: str) -> str:
        """``POST /token``: the operation at ``tokenUrl``, under the run's base path."""
        path = urlsplit(self.token_url).path
        if not path.startswith("/"):
            path = "/" + path
        base = base_path.rstrip("/")
        if base and path.startswith(base + "/"):
            path = path[len(base) :]
        return f"POST {path}"


def password_flows(spec: Mapping[str, Any]) -> list[PasswordFlow]:
    """Every OAuth2 password flow of the document's security schemes, in their order."""
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    flows = []
    for name, scheme in schemes.items():
        scheme = resolve(spec, scheme)
        if not isinstance(scheme, Mapping) or str(scheme.get("type", "")).lower() != "oauth2":
            continue
        password = (scheme.get("flows") or {}).get("password")
        if not isinstance(password, Mapping) or not isinstance(password.get("tokenUrl"), str):
            continue
        scopes = password.get("scopes") or {}
        flows.append(PasswordFlow(str(name), password["tokenUrl"], frozenset(map(str, scopes))))
    return flows


def _token_request(url: str, login: Login, scopes: str | None) -> Request:
    form = {"grant_type": "password", "username": login.username, "password": login.password}
    if scopes is not None:
        form["scope"] = scopes
    if login.client_id is not None:
        form["client_id"] = login.client_id
    if login.client_secret is not None:
        form["client_secret"] = login.client_secret
    headers = (("Content-Type", "application/x-www-form-urlencoded"),)
    return Request("POST", url, headers, urlencode(form).encode())


def probe_scopes(
    sender: Sender, flow: PasswordFlow, login: Login, base_url: str, notes: list[str]
) -> list[Evidence]:
    """``token-scope-not-checked`` when the flow issues a token carrying an undeclared scope."""
    url = urljoin(base_url.rstrip("/") + "/", flow.token_url)
    asked = UNDECLARED_SCOPE
    while asked in flow.scopes:
        asked += "-x"
    try:
        exchange = sender.send(_token_request(url, login, asked))
        if not exchange.succeeded:
            plain = sender.send(_token_request(url, login, None))
            if not plain.succeeded:
                notes.append(
                    f"the {flow.scheme} password flow refused the configured login "
                    f"({plain.status or 'no answer'} from POST {flow.token_url}): its scopes "
                    "were not tested"
                )
            return []
    except Unsendable:
        notes.append(
            f"the {flow.scheme} password flow was not tested: its token request is a POST "
            "(pass --allow-unsafe)"
        )
        return []
    where = granted_in(exchange, asked)
    if where is None:
        return []
    declared = ", ".join(sorted(flow.scopes)) or "none"
    cause = Cause(
        "token-scope-not-checked",
        f"{flow.scheme} password flow",
        {
            "scheme": flow.scheme,
            "scope": asked,
            "declared": declared,
            "cause": f"asked for {asked!r}, it was granted ({where})",
            "status": exchange.status,
        },
    )
    return [Evidence(cause, exchange, origin="probe")]


def granted_in(exchange: Exchange, scope: str) -> str | None:
    """Where the token response says ``scope`` was granted, or None if it does not."""
    body = exchange.json()
    if not isinstance(body, Mapping):
        return None
    if scope in _scope_list(body.get("scope")):
        return "in the scope field of the answer"
    token = body.get("access_token")
    payload = _jwt_payload(token) if isinstance(token, str) else None
    if payload is not None:
        for claim in ("scope", "scopes", "scp"):
            if scope in _scope_list(payload.get(claim)):
                return f"in the {claim} claim of the access token"
    return None


def _scope_list(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield from value.split()
    elif isinstance(value, list):
        yield from (str(item) for item in value)


def _jwt_payload(token: str) -> Mapping[str, Any] | None:
    """A JWT's payload, decoded without verifying the signature (only what it claims)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    return data if isinstance(data, Mapping) else None
