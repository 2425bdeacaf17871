"""Apps whose defects a real server shows, or that only a login shows, each beside a control.

Like :mod:`tests.fuzzing.apps`: factories give fresh state, and the module-level instances
are the ``module:attr`` targets that ``--serve`` hands to uvicorn
(``tests.fuzzing.server_apps:headers``).
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Response, Security
from fastapi.responses import JSONResponse
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
)
from pydantic import BaseModel, ConfigDict, Field

Responses = dict[int | str, dict[str, Any]]

VERSION_FILE_TEXT = "1.4.2\n"  # as read from a VERSION file, newline and all


def bad_headers() -> FastAPI:
    """Two responses that are not valid HTTP, fine in-process, dropped by uvicorn.

    GET /report sends ``Retry After`` (a space where the dash belongs: not a header name);
    GET /version sends the version file's text, newline included, as a header value.
    GET /status is the control.
    """
    app = FastAPI(title="bad headers")

    @app.get("/report")
    def report() -> JSONResponse:
        return JSONResponse({"state": "pending"}, headers={"Retry After": "120"})  # the defect

    @app.get("/version")
    def version() -> JSONResponse:
        # the defect: the file's trailing newline goes into the header value
        return JSONResponse({"version": "1.4.2"}, headers={"X-Version": VERSION_FILE_TEXT})

    @app.get("/status")
    def status() -> JSONResponse:
        return JSONResponse({"state": "ok"}, headers={"Retry-After": "120", "X-Version": "1.4.2"})

    return app


# A password with what a form body encodes (& = + % and a space): its reproduction must
# send it as it was, not as the shell expands it into the body.
USERNAME, PASSWORD = "ada", "analytical & engine=+%20"
SCOPES = {"me": "Read your profile", "items": "Read items"}
_BAD_LOGIN: Responses = {400: {"description": "Incorrect username or password, or scope"}}
_NO_TOKEN: Responses = {401: {"description": "Missing or invalid token"}}


def _jwt(claims: dict[str, Any]) -> str:
    """An unsigned-looking HS256 JWT: the probe reads its payload without verifying it."""
    import base64
    import hashlib
    import hmac
    import json

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = part(json.dumps(claims).encode())
    signature = hmac.new(b"server-apps-key", f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{part(signature)}"


def _claims(token: str) -> dict[str, Any]:
    import base64
    import json

    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        raise HTTPException(401, "invalid token") from exc
    return data if isinstance(data, dict) else {}


def token_scopes() -> FastAPI:
    """Two OAuth2 password flows, as in FastAPI's "OAuth2 scopes" documentation.

    ``Lenient`` (POST /token) issues a token with ``scope: form_data.scopes``, whatever was
    asked for: the defect. ``Strict`` (POST /strict-token, the control) refuses a scope it
    does not declare with 400. GET /users/me and GET /items need their tokens.
    """
    app = FastAPI(title="token scopes")
    lenient = OAuth2PasswordBearer(tokenUrl="token", scopes=SCOPES, scheme_name="Lenient")
    strict = OAuth2PasswordBearer(tokenUrl="strict-token", scopes=SCOPES, scheme_name="Strict")
    Form = Annotated[OAuth2PasswordRequestForm, Depends()]

    def check(form: OAuth2PasswordRequestForm) -> None:
        if form.username != USERNAME or form.password != PASSWORD:
            raise HTTPException(400, "Incorrect username or password")

    @app.post("/token", responses=_BAD_LOGIN)
    def login(form: Form) -> dict[str, str]:
        check(form)
        # the defect: the scopes are whatever the client asked for
        claims = {"sub": form.username, "scope": " ".join(form.scopes)}
        return {"access_token": _jwt(claims), "token_type": "bearer"}

    @app.post("/strict-token", responses=_BAD_LOGIN)
    def strict_login(form: Form) -> dict[str, str]:
        check(form)
        unknown = [scope for scope in form.scopes if scope not in SCOPES]
        if unknown:
            raise HTTPException(400, f"invalid scope: {unknown[0]}")
        scope = " ".join(form.scopes)
        claims = {"sub": form.username, "scope": scope}
        return {"access_token": _jwt(claims), "token_type": "bearer", "scope": scope}

    def needs(scope: str, token: str) -> dict[str, Any]:
        claims = _claims(token)
        if scope not in str(claims.get("scope", "")).split():
            raise HTTPException(401, "not enough permissions")
        return claims

    @app.get("/users/me", responses=_NO_TOKEN)
    def me(token: Annotated[str, Security(lenient, scopes=["me"])]) -> dict[str, str]:
        return {"username": str(needs("me", token).get("sub"))}

    @app.get("/items", responses=_NO_TOKEN)
    def items(token: Annotated[str, Security(strict, scopes=["items"])]) -> list[str]:
        needs("items", token)
        return ["kettle"]

    @app.get("/scopes")
    def scopes() -> dict[str, str]:
        return SCOPES

    return app


class Pot(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")
    name: str = Field(pattern=r"^[a-z]{1,12}$")  # the pot's id: "assam", "sencha"
    cups: int = Field(ge=1, le=12)


class Brewed(BaseModel):
    id: str
    cups: int


KETTLE_TOKEN = "kettle-owner-token"
_INVALID: Responses = {422: {"description": "Validation error"}}


class _Shelf:
    """Brewed pots (or cups) by name, and the names poured away; brewing one again refills it."""

    def __init__(self, poured: int) -> None:
        self.stored: dict[str, int] = {}
        self.gone: set[str] = set()
        self.poured = poured  # the status a poured-away name is answered with

    def brew(self, pot: Pot) -> Brewed:
        self.stored[pot.name] = pot.cups
        self.gone.discard(pot.name)
        return Brewed(id=pot.name, cups=pot.cups)

    def get(self, key: str) -> Brewed:
        if key in self.gone:
            raise HTTPException(self.poured, "poured away")
        if key not in self.stored:
            raise HTTPException(404, "no such pot")
        return Brewed(id=key, cups=self.stored[key])

    def pour(self, key: str) -> Response:
        self.get(key)
        del self.stored[key]
        self.gone.add(key)
        return Response(status_code=204)


def _shelf_routes(app: FastAPI, prefix: str, shelf: _Shelf, missing: Responses) -> None:
    """POST ``prefix``, GET and DELETE ``prefix/{name}`` over one shelf."""

    @app.post(prefix, status_code=201, responses=_INVALID, name=f"brew {prefix}")
    def brew(pot: Pot) -> Brewed:
        return shelf.brew(pot)

    @app.get(prefix + "/{name}", responses=missing, name=f"get {prefix}")
    def get(name: str) -> Brewed:
        return shelf.get(name)

    @app.delete(prefix + "/{name}", status_code=204, responses=missing, name=f"pour {prefix}")
    def pour(name: str) -> Response:
        return shelf.pour(name)


def teapot() -> FastAPI:
    """Undocumented 418s that only the scenarios' requests meet.

    GET /pots/{name} answers 418 for a pot that was poured away (deleted), where only 200
    and 404 are documented; GET /kettle answers 418 to a bearer token it does not know, where
    401 is documented. The cups (/cups..., GET /mug) are the control: 404 and 401, documented.
    """
    app = FastAPI(title="teapot")
    missing: Responses = {404: {"description": "No such pot"}, **_INVALID}
    denied: Responses = {401: {"description": "Missing or unknown token"}}
    pots, cups = _Shelf(poured=418), _Shelf(poured=404)  # the defect: 418 for a poured pot
    bearer = HTTPBearer(auto_error=False)
    Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]

    _shelf_routes(app, "/pots", pots, missing)
    _shelf_routes(app, "/cups", cups, missing)

    def owner(credentials: HTTPAuthorizationCredentials | None, unknown: int) -> dict[str, str]:
        if credentials is None:
            raise HTTPException(401, "missing token", headers={"WWW-Authenticate": "Bearer"})
        if credentials.credentials != KETTLE_TOKEN:
            raise HTTPException(unknown, "not my kettle")
        return {"owner": "ada"}

    @app.get("/kettle", responses=denied)
    def kettle(credentials: Credentials) -> dict[str, str]:
        return owner(credentials, unknown=418)  # the defect: 418 for an unknown token

    @app.get("/mug", responses=denied)
    def mug(credentials: Credentials) -> dict[str, str]:
        return owner(credentials, unknown=401)

    return app


def unstartable() -> FastAPI:
    """Imports fine and has a document; its start-up fails, so uvicorn never serves it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        raise RuntimeError("the database at db.internal:5432 is not reachable")
        yield

    app = FastAPI(title="unstartable", lifespan=lifespan)

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"pong": True}

    return app


def fragile() -> FastAPI:
    """POST /reload ends its own process: served, the server is then down for real."""
    app = FastAPI(title="fragile")

    @app.post("/reload")
    def reload() -> dict[str, bool]:
        os._exit(3)  # the process goes, whatever a handler was meant to do

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"pong": True}

    return app


headers = bad_headers()
scopes = token_scopes()
pots = teapot()
down = unstartable()
dies = fragile()
