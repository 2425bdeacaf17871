"""The data layer, for real: a fresh SQLite file per test, and a production-like one.

Never a mock: these run the repositories and services on the same kind of file the
service uses, created by the app's own start-up.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from example_app.db.engine import Database
from example_app.db.models import Order, OrderLine, User
from example_app.errors import AuthenticationError, ConflictError, NotFoundError
from example_app.services import orders, users
from example_app.services.pricing import Plan
from example_app.settings import Settings
from tests.example_app.conftest import PASSWORD, log_in
from tests.example_app.running import in_process_client
from tests.example_app.seed import SEEDED_PASSWORD, SeededDatabase

pytestmark = pytest.mark.anyio


@pytest.fixture
def database(database_path: Path) -> Iterator[Database]:
    database = Database(database_path)
    database.create_tables()
    yield database
    database.close()


# --- the file the app creates ------------------------------------------------------------


async def test_start_up_creates_the_database_file(app: FastAPI, settings: Settings) -> None:
    assert not settings.database_path.exists()
    async with in_process_client(app):
        assert settings.database_path.is_file()
    with sqlite3.connect(settings.database_path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
    assert {"users", "orders", "order_lines"} <= tables
    assert mode == "wal"


async def test_data_survives_a_restart(app: FastAPI) -> None:
    async with in_process_client(app) as client:
        created = await client.post(
            "/users/", json={"email": "a@example.com", "password": PASSWORD}
        )
    async with in_process_client(app) as client:
        assert (await client.get(f"/users/{created.json()['id']}")).json() == created.json()


def test_each_test_has_its_own_file(database_path: Path, tmp_path: Path) -> None:
    assert database_path.parent == tmp_path


# --- services on a real session ------------------------------------------------------------


def test_register_and_find_a_user(database: Database) -> None:
    with database.writer() as session:
        user = users.register_user(session, email=" Ann@Example.COM ", password=PASSWORD, name=None)
    with database.reader() as session:
        found = users.get_user(session, user.id)
        assert found.email == "ann@example.com"
        assert found.password_hash != PASSWORD
        assert found.created_at.tzinfo is UTC


def test_register_twice_is_a_conflict(database: Database) -> None:
    with database.writer() as session:
        users.register_user(session, email="a@example.com", password=PASSWORD, name=None)
    with database.writer() as session, pytest.raises(ConflictError):
        users.register_user(session, email="A@example.com", password=PASSWORD, name="x")


def test_missing_user_is_not_found(database: Database) -> None:
    with database.reader() as session, pytest.raises(NotFoundError, match="user 7 not found"):
        users.get_user(session, 7)


def test_list_users_pages(database: Database) -> None:
    with database.writer() as session:
        for n in range(3):
            users.register_user(session, email=f"u{n}@example.com", password=PASSWORD, name=None)
    with database.reader() as session:
        page = users.list_users(session, limit=2, offset=1)
    assert [u.email for u in page.items] == ["u1@example.com", "u2@example.com"]
    assert (page.total, page.limit, page.offset) == (3, 2, 1)


def test_authenticate(database: Database) -> None:
    with database.writer() as session:
        users.register_user(session, email="a@example.com", password=PASSWORD, name=None)
    with database.reader() as session:
        assert users.authenticate(session, email="A@example.com", password=PASSWORD).id == 1
        with pytest.raises(AuthenticationError):
            users.authenticate(session, email="a@example.com", password="wrong")
        with pytest.raises(AuthenticationError):
            users.authenticate(session, email="b@example.com", password=PASSWORD)


def test_log_in_and_user_for_token(database: Database) -> None:
    secret = "k" * 32
    with database.writer() as session:
        user = users.register_user(session, email="a@example.com", password=PASSWORD, name=None)
    with database.reader() as session:
        token = users.log_in(
            session, email="a@example.com", password=PASSWORD, secret=secret, ttl_seconds=60
        )
        assert users.user_for_token(session, token.token, secret=secret).id == user.id
        with pytest.raises(AuthenticationError, match="token invalid"):
            users.user_for_token(session, token.token, secret="o" * 32)


def test_promote_to_admin(database: Database) -> None:
    with database.writer() as session:
        users.register_user(session, email="a@example.com", password=PASSWORD, name=None)
    with database.writer() as session:
        assert users.promote_to_admin(session, "A@example.com").is_admin
    with database.writer() as session, pytest.raises(NotFoundError):
        users.promote_to_admin(session, "nobody@example.com")


def test_place_and_get_an_order(database: Database) -> None:
    with database.writer() as session:
        buyer = users.register_user(session, email="a@example.com", password=PASSWORD, name=None)
        other = users.register_user(session, email="b@example.com", password=PASSWORD, name=None)
    lines = [orders.LineRequest(Plan.PRO, 10), orders.LineRequest(Plan.STARTER, 1)]
    with database.writer() as session:
        placed = orders.place_order(session, customer=buyer, lines=lines)
    with database.reader() as session:
        order = orders.get_order(session, placed.id, viewer=buyer)
        assert order.total == Decimal("940.00")
        assert [(line.plan, line.unit_price) for line in order.lines] == [
            ("pro", Decimal("89.10")),
            ("starter", Decimal("49.00")),
        ]
        assert order.created_at.tzinfo is UTC
        with pytest.raises(NotFoundError):
            orders.get_order(session, placed.id, viewer=other)
    job = orders.fulfillment_job(order, customer_email="a@example.com")
    assert (job.order_id, [line.seats for line in job.lines]) == (placed.id, [10, 1])


def test_an_order_needs_lines(database: Database) -> None:
    with database.writer() as session:
        buyer = users.register_user(session, email="a@example.com", password=PASSWORD, name=None)
        with pytest.raises(ValueError, match="at least one line"):
            orders.place_order(session, customer=buyer, lines=[])


def test_money_is_stored_as_exact_cents(database: Database) -> None:
    with database.writer() as session:
        buyer = users.register_user(session, email="a@example.com", password=PASSWORD, name=None)
        orders.place_order(session, customer=buyer, lines=[orders.LineRequest(Plan.PRO, 11)])
    with database.reader() as session:
        stored = session.execute(text("SELECT total FROM orders")).scalar_one()
    assert stored == 98010  # 980.10 EUR, an integer: no float rounding anywhere


def test_money_refuses_fractions_of_a_cent(database: Database) -> None:
    with database.writer() as session:
        buyer = users.register_user(session, email="a@example.com", password=PASSWORD, name=None)
        order = Order(user_id=buyer.id, currency="EUR", total=Decimal("1.001"))
        session.add(order)
        with pytest.raises(StatementError, match="fractions of a cent"):
            session.flush()


def test_naive_datetimes_are_refused(database: Database) -> None:
    with database.writer() as session:
        session.add(User(email="x@example.com", password_hash="h", created_at=datetime(2025, 1, 1)))
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()


def test_order_lines_need_their_order(database: Database) -> None:
    """Foreign keys are enforced (SQLite leaves them off unless asked)."""
    with database.writer() as session:
        session.add(
            OrderLine(
                order_id=99,
                position=0,
                plan="pro",
                seats=1,
                unit_price=Decimal(1),
                amount=Decimal(1),
            )
        )
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            session.flush()


# --- a production-like database ----------------------------------------------------------


async def test_starts_on_a_production_like_database(app: FastAPI, seeded: SeededDatabase) -> None:
    async with in_process_client(app) as client:
        page = (await client.get("/users/", params={"limit": 100, "offset": 1950})).json()
        assert page["total"] == seeded.users
        assert len(page["items"]) == 50
        assert page["items"][-1]["id"] == seeded.users

        # existing password hashes still verify; existing roles still hold
        customer = await log_in(client, seeded.customer, password=SEEDED_PASSWORD)
        admin = await log_in(client, seeded.admins[0], password=SEEDED_PASSWORD)
        assert (await client.get("/admin/users", headers=customer)).status_code == 403
        assert (await client.get("/admin/users", headers=admin)).json()["total"] == seeded.users

        # existing orders read back exactly, and stay private
        mine = await client.get(f"/orders/{seeded.customer_order}", headers=customer)
        assert mine.status_code == 200
        assert mine.json()["total"] == str(seeded.customer_order_total)
        assert (
            await client.get(f"/orders/{seeded.other_order}", headers=customer)
        ).status_code == 404

        # new rows continue after the existing ones
        new = await client.post(
            "/orders/", json={"lines": [{"plan": "pro", "seats": 2}]}, headers=customer
        )
        assert new.json()["id"] == seeded.orders + 1
        signed_up = await client.post(
            "/users/", json={"email": "new@example.com", "password": PASSWORD}
        )
        assert signed_up.json()["id"] == seeded.users + 1
        taken = await client.post("/users/", json={"email": seeded.customer, "password": PASSWORD})
        assert taken.status_code == 409


async def test_start_up_keeps_existing_data(app: FastAPI, seeded: SeededDatabase) -> None:
    async with in_process_client(app):
        pass
    with sqlite3.connect(seeded.path) as connection:
        (count,) = connection.execute("SELECT count(*) FROM orders").fetchone()
        (names,) = connection.execute("SELECT count(*) FROM users WHERE name = '李雷'").fetchone()
    assert count == seeded.orders
    assert names > 0
