"""Apps whose defects a real server shows, or that only a login shows, each beside a control.

Like :mod:`tests.fuzzing.apps`: factories give fresh state, and the module-level instances
are the ``module:attr`` targets that ``--serve`` hands to uvicorn
(``tests.fuzzing.server_apps:headers``).
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm

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


USERNAME, PASSWORD = "ada", "analytical engine"
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


headers = bad_headers()
scopes = token_scopes()
