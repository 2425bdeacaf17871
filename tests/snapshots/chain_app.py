"""A service a client talks to in steps: log in with OAuth2's password flow, then act as the user.

``POST /token`` (a form: username, password) answers a fresh random bearer token; every
other route needs it. Notes are created by POST and read back by the id the service chose.
``create_chain_app(version)`` builds a release of it: ``"v2"`` wants a query parameter on
``/users/me`` (a 422 for old clients), ``"v3"`` crashes there, so that checks see why the
status changed. State lives in the lifespan, so each run starts empty.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel

__all__ = ["chain_v1", "chain_v2", "chain_v3", "create_chain_app"]

PASSWORD = "correct horse battery staple"


class NewNote(BaseModel):
    title: str


def _crash(token: str) -> dict[str, Any]:
    raise ZeroDivisionError(f"quota used up by {token}")


scheme = OAuth2PasswordBearer(tokenUrl="token")
Token = Annotated[str, Depends(scheme)]


def user(request: Request, token: Token) -> dict[str, Any]:
    found = request.app.state.tokens.get(token)
    if found is None:
        raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
    return dict(found)


User = Annotated[dict[str, Any], Depends(user)]


def create_chain_app(version: str = "v1") -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.tokens = {}
        app.state.notes = {}
        app.state.seen = []  # the order requests came in
        yield

    app = FastAPI(title="chain", version=version, lifespan=lifespan)

    @app.middleware("http")
    async def remember(request: Request, call_next: Any) -> Any:
        if request.url.path != "/openapi.json":
            request.app.state.seen.append(f"{request.method} {request.url.path}")
        return await call_next(request)

    @app.post("/token")
    def login(
        request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()]
    ) -> dict[str, str]:
        if password != PASSWORD:
            raise HTTPException(401, "wrong password")
        token = secrets.token_urlsafe(24)
        request.app.state.tokens[token] = {"id": 7, "username": username}
        return {"access_token": token, "token_type": "bearer"}

    if version == "v1":

        @app.get("/users/me")
        def me(current: User) -> dict[str, Any]:
            return current

    elif version == "v2":

        @app.get("/users/me")
        def me_v2(current: User, fields: int) -> dict[str, Any]:
            return current

    else:

        @app.get("/users/me")
        def me_v3(current: User, token: Token) -> dict[str, Any]:
            return _crash(token)

    @app.post("/notes", status_code=201)
    def create_note(body: NewNote, request: Request, current: User) -> dict[str, Any]:
        note = {"id": str(uuid.uuid4()), "title": body.title, "owner": current["id"]}
        request.app.state.notes[note["id"]] = note
        return note

    @app.get("/notes")
    def list_notes(request: Request, current: User) -> dict[str, Any]:
        return {"items": list(request.app.state.notes.values())}

    @app.get("/notes/{note_id}")
    def read_note(note_id: str, request: Request, current: User) -> dict[str, Any]:
        note = request.app.state.notes.get(note_id)
        if note is None:
            raise HTTPException(404, "no such note")
        return dict(note)

    @app.get("/reports/{report_id}")
    def report(report_id: int) -> dict[str, int]:
        return {"id": report_id}

    @app.get("/seen")
    def seen(request: Request) -> list[str]:
        return list(request.app.state.seen)

    return app


chain_v1 = create_chain_app("v1")
chain_v2 = create_chain_app("v2")
chain_v3 = create_chain_app("v3")
