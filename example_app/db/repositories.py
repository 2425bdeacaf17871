"""Queries, named after what the services need; the only place that writes SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from example_app.db.models import Order, User

__all__ = ["OrderRepository", "UserRepository"]


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(User.email == email)).one_or_none()

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    def page(self, *, limit: int, offset: int) -> tuple[Sequence[User], int]:
        """Users in id order, and how many there are in all."""
        users = self.session.scalars(select(User).order_by(User.id).limit(limit).offset(offset))
        total = self.session.scalar(select(func.count()).select_from(User)) or 0
        return users.all(), total


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, order_id: int) -> Order | None:
        return self.session.get(Order, order_id)

    def add(self, order: Order) -> Order:
        self.session.add(order)
        self.session.flush()
        return order
