"""Accounts: sign-up, look-up, listing, log-in and the admin role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from example_app.db.models import User
from example_app.db.repositories import UserRepository
from example_app.errors import AuthenticationError, ConflictError, NotFoundError
from example_app.services.passwords import hash_password, verify_password
from example_app.services.tokens import AccessToken, InvalidTokenError, issue_token, read_token

__all__ = [
    "UserPage",
    "authenticate",
    "get_user",
    "list_users",
    "log_in",
    "promote_to_admin",
    "register_user",
    "user_for_token",
]

# Verifying against this when the e-mail is unknown makes a failed log-in take as long
# whether or not the account exists, so timing does not reveal which e-mails are users.
_DECOY_HASH = hash_password("no such user")


@dataclass(frozen=True)
class UserPage:
    items: Sequence[User]
    total: int
    limit: int
    offset: int


def normalize_email(email: str) -> str:
    return email.strip().lower()


def register_user(session: Session, *, email: str, password: str, name: str | None) -> User:
    """Create an account; ConflictError if the e-mail address is taken. Commits."""
    users = UserRepository(session)
    email = normalize_email(email)
    if users.by_email(email) is not None:
        raise ConflictError("a user with this e-mail address already exists")
    user = User(email=email, name=name, password_hash=hash_password(password))
    try:
        users.add(user)
        session.commit()
    except IntegrityError:  # taken between our check and our insert, by another writer
        session.rollback()
        raise ConflictError("a user with this e-mail address already exists") from None
    return user


def get_user(session: Session, user_id: int) -> User:
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} not found")
    return user


def list_users(session: Session, *, limit: int, offset: int) -> UserPage:
    items, total = UserRepository(session).page(limit=limit, offset=offset)
    return UserPage(items=items, total=total, limit=limit, offset=offset)


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The user these credentials belong to; AuthenticationError, the same, for any mismatch."""
    user = UserRepository(session).by_email(normalize_email(email))
    if user is None:
        verify_password(password, _DECOY_HASH)
        raise AuthenticationError("incorrect e-mail address or password")
    if not verify_password(password, user.password_hash):
        raise AuthenticationError("incorrect e-mail address or password")
    return user


def log_in(
    session: Session, *, email: str, password: str, secret: str, ttl_seconds: int
) -> AccessToken:
    user = authenticate(session, email=email, password=password)
    return issue_token(user.id, secret=secret, ttl_seconds=ttl_seconds)


def user_for_token(session: Session, token: str, *, secret: str) -> User:
    """The user a valid token names; AuthenticationError if the token or the user is gone."""
    try:
        user_id = read_token(token, secret=secret)
    except InvalidTokenError as exc:
        raise AuthenticationError(f"could not validate credentials: {exc}") from None
    user = UserRepository(session).get(user_id)
    if user is None:
        raise AuthenticationError("could not validate credentials: user no longer exists")
    return user


def promote_to_admin(session: Session, email: str) -> User:
    """Give an existing account the admin role (an operator action, not an API). Commits."""
    user = UserRepository(session).by_email(normalize_email(email))
    if user is None:
        raise NotFoundError(f"no user with e-mail address {normalize_email(email)}")
    user.is_admin = True
    session.commit()
    return user
