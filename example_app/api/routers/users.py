"""Sign-up, one user, the user list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, status

from example_app.api.dependencies import ReadSession, WriteSession, get_email_provider
from example_app.api.responses import BAD_BODY, CONFLICT, NOT_FOUND, RATE_LIMITED
from example_app.clients.email import EmailProvider
from example_app.schemas.common import MAX_ID, Page
from example_app.schemas.users import UserCreate, UserOut
from example_app.services import users
from example_app.services.notifications import send_welcome_email

router = APIRouter(prefix="/users", tags=["users"], responses=RATE_LIMITED)

MAX_PAGE = 100
MAX_OFFSET = 1_000_000


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses={**BAD_BODY, **CONFLICT},
)
def create_user(
    body: UserCreate,
    session: WriteSession,
    background: BackgroundTasks,
    email: Annotated[EmailProvider, Depends(get_email_provider)],
) -> UserOut:
    """Sign up. The welcome e-mail is sent after the response."""
    user = users.register_user(session, email=body.email, password=body.password, name=body.name)
    background.add_task(send_welcome_email, email, email=user.email, name=user.name)
    return UserOut.model_validate(user)


@router.get("/", response_model=Page[UserOut])
def list_users(
    session: ReadSession,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="users to skip")] = 0,
) -> Page[UserOut]:
    page = users.list_users(session, limit=limit, offset=offset)
    return Page[UserOut].model_validate(page)


@router.get("/{user_id}", response_model=UserOut, responses=NOT_FOUND)
def get_user(
    session: ReadSession,
    user_id: Annotated[
        int, Path(ge=1, le=MAX_ID, examples=[1], openapi_examples={"first": {"value": 1}})
    ],
) -> UserOut:
    return UserOut.model_validate(users.get_user(session, user_id))
