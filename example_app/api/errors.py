"""The one mapping from business errors to HTTP statuses."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from example_app.errors import (
    AppError,
    AuthenticationError,
    ConflictError,
    DownstreamError,
    DownstreamUnavailableError,
    NotFoundError,
    PermissionDeniedError,
)

__all__ = ["install_error_handlers"]

# Most specific first: DownstreamUnavailableError is a DownstreamError.
_STATUS: list[tuple[type[AppError], int]] = [
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (DownstreamUnavailableError, 503),
    (DownstreamError, 502),
]


def status_for(error: AppError) -> int:
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 400


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    status = status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)


async def _invalid_request(request: Request, exc: Exception) -> Response:
    """FastAPI's 422 body, encoded so that any input it echoes can be sent.

    The default handler encodes with ``ensure_ascii=False``, so a lone surrogate that a
    client sent as ``"\\udfff"`` (valid JSON, invalid text) makes the 422 itself crash
    with a 500. Escaping non-ASCII keeps the same JSON document and cannot fail.
    """
    assert isinstance(exc, RequestValidationError)
    content: Any = {"detail": jsonable_encoder(exc.errors())}
    body = json.dumps(content, ensure_ascii=True, separators=(",", ":"))
    return Response(body, status_code=422, media_type="application/json")


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's answer, with a truthful ``Allow`` on 405.

    When one path has several routes (``GET /users/`` and ``POST /users/``), the 405
    lists only the methods of the route that was tried; clients and fuzzers read
    ``Allow`` as the full list, so it is taken from the published document instead.
    """
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        allowed = _documented_methods(request.app, request.scope["path"])
        if allowed:
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
    return await http_exception_handler(request, exc)


def _documented_methods(app: FastAPI, path: str) -> set[str]:
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        pattern, _, _ = compile_path(template)
        if pattern.match(path):
            methods |= {method.upper() for method in operations}
    return methods


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
