"""The one mapping from business errors to HTTP statuses."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

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


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
