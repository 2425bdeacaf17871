"""Which credentials an operation declares, and requests that leave them out or spoil them.

``auth-not-enforced`` needs two requests per secured operation that must both be refused:
one with no credentials at all and one with credentials that cannot be valid. Where the
credentials go (the ``Authorization`` header, an API-key header, query parameter or cookie)
comes from the operation's ``security`` requirement and the document's ``securitySchemes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from driftguard.fuzzing.reproduce import FAKE_BASIC, FAKE_BEARER, FAKE_CREDENTIAL
from driftguard.fuzzing.transport import Request
from driftguard.openapi.refs import resolve
from driftguard.openapi.security import required_schemes

__all__ = ["FAKE_VALUES", "Slot", "has_credentials", "security_slots", "with_credentials"]

Where = Literal["header", "query", "cookie"]

FAKE_VALUES = frozenset({FAKE_BASIC, FAKE_BEARER, FAKE_CREDENTIAL})


@dataclass(frozen=True)
class Slot:
    """One place a credential goes: ``header Authorization``, ``query api_key``..."""

    where: Where
    name: str
    fake: str

    def __str__(self) -> str:
        return f"{self.where} {self.name}"


def security_slots(spec: Mapping[str, Any], path: str, method: str) -> list[Slot]:
    """The credential slots of an operation that requires authentication; empty otherwise.

    An operation whose requirements include ``{}`` accepts anonymous requests, so it does not
    require authentication and is never reported for answering without credentials.
    """
    operation = spec.get("paths", {}).get(path, {}).get(method.lower(), {})
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    slots: dict[tuple[str, str], Slot] = {}
    for name in required_schemes(spec, operation):
        slot = _slot(resolve(spec, schemes.get(name)))
        if slot is not None:
            slots.setdefault((slot.where, slot.name.lower()), slot)
    return list(slots.values())


def _slot(scheme: Any) -> Slot | None:
    if not isinstance(scheme, Mapping):
        return None
    kind = str(scheme.get("type", "")).lower()
    if kind == "http":
        basic = str(scheme.get("scheme", "")).lower() == "basic"
        return Slot("header", "Authorization", FAKE_BASIC if basic else FAKE_BEARER)
    if kind in ("oauth2", "openidconnect"):
        return Slot("header", "Authorization", FAKE_BEARER)
    if kind == "apikey":
        where = str(scheme.get("in", "")).lower()
        name = scheme.get("name")
        if where in ("header", "query", "cookie") and isinstance(name, str) and name:
            return Slot(where, name, FAKE_CREDENTIAL)  # type: ignore[arg-type]
    return None


def _cookies(request: Request) -> dict[str, str]:
    raw = request.header("cookie")
    if not raw:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a generated cookie header the parser refuses
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def has_credentials(request: Request, slots: list[Slot]) -> bool:
    query = {name for name, _ in request.query}
    cookies = _cookies(request)
    for slot in slots:
        if slot.where == "header" and request.header(slot.name) is not None:
            return True
        if slot.where == "query" and slot.name in query:
            return True
        if slot.where == "cookie" and slot.name in cookies:
            return True
    return False


def with_credentials(request: Request, slots: list[Slot], *, fake: bool) -> Request:
    """``request`` without any of the operation's credentials, or with fake ones in every slot."""
    headers = [s for s in slots if s.where == "header"]
    query_slots = {s.name: s for s in slots if s.where == "query"}
    cookie_slots = {s.name: s for s in slots if s.where == "cookie"}
    result = request.with_headers(
        drop=[s.name for s in headers], put={s.name: s.fake for s in headers} if fake else None
    )
    if query_slots:
        parts = urlsplit(result.url)
        pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        pairs = [(k, v) for k, v in pairs if k not in query_slots]
        if fake:
            pairs += [(name, slot.fake) for name, slot in query_slots.items()]
        result = result.with_url(urlunsplit(parts._replace(query=urlencode(pairs))))
    if cookie_slots:
        cookies = {k: v for k, v in _cookies(result).items() if k not in cookie_slots}
        if fake:
            cookies.update({name: slot.fake for name, slot in cookie_slots.items()})
        header = "; ".join(f"{k}={v}" for k, v in cookies.items())
        result = result.with_headers(drop=["Cookie"], put={"Cookie": header} if header else None)
    return result
