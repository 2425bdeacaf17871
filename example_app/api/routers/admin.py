"""What only admins may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from example_app.api.dependencies import AdminUser, ReadSession
from example_app.api.responses import FORBIDDEN, RATE_LIMITED, UNAUTHORIZED
from example_app.api.routers.users import MAX_OFFSET, MAX_PAGE
from example_app.schemas.common import Page
from example_app.schemas.users import AccountOut
from example_app.services import users

router = APIRouter(prefix="/admin", tags=["admin"], responses=RATE_LIMITED)


@router.get("/users", response_model=Page[AccountOut], responses={**UNAUTHORIZED, **FORBIDDEN})
def list_all_users(
    admin: AdminUser,
    session: ReadSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Page[AccountOut]:
    """Every account with its role."""
    page = users.list_users(session, limit=limit, offset=offset)
    return Page[AccountOut].model_validate(page)
