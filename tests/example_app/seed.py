"""A production-like database: thousands of rows written over two years, a few admins.

Built through the app's own tables (so it is what a deployed instance would hold), with
the awkward data real databases have: accounts without names, non-ASCII names, orders
of several lines, timestamps spread over time.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from example_app.db.engine import Database
from example_app.db.models import Order, OrderLine, User
from example_app.services.passwords import hash_password
from example_app.services.pricing import Plan, calculate_plan_price, seat_price

__all__ = ["SEEDED_PASSWORD", "SeededDatabase", "seed_database"]

SEEDED_PASSWORD = "seeded password 1"
USERS = 2_000
ORDERS = 5_000
ADMINS = ("ops@shop.example", "cto@shop.example")
NAMES = ("Zoë Ångström", "李雷", "José Müller", "O'Brien", "Ann Lee", None, None)


@dataclass(frozen=True)
class SeededDatabase:
    path: Path
    users: int
    orders: int
    admins: tuple[str, ...]
    customer: str  # an ordinary account that has orders
    customer_order: int  # one of its orders
    customer_order_total: Decimal
    other_order: int  # an order placed by someone else

    def copy_to(self, path: Path) -> SeededDatabase:
        shutil.copyfile(self.path, path)
        return replace(self, path=path)


def seed_database(path: Path) -> SeededDatabase:
    rng = random.Random(20250102)
    password_hash = hash_password(SEEDED_PASSWORD)  # one hash: scrypt is slow on purpose
    start = datetime(2023, 1, 1, tzinfo=UTC)
    database = Database(path)
    try:
        database.create_tables()
        users = [
            {
                "id": number,
                "email": ADMINS[number - 1]
                if number <= len(ADMINS)
                else f"user{number}@mail.example",
                "name": rng.choice(NAMES),
                "password_hash": password_hash,
                "is_admin": number <= len(ADMINS),
                "created_at": start + timedelta(minutes=number * 7),
            }
            for number in range(1, USERS + 1)
        ]
        orders, lines = [], []
        for number in range(1, ORDERS + 1):
            order_lines = []
            for position in range(rng.randint(1, 3)):
                plan, seats = rng.choice(list(Plan)), rng.choice([1, 2, 5, 9, 10, 25, 120])
                order_lines.append(
                    {
                        "order_id": number,
                        "position": position,
                        "plan": plan.value,
                        "seats": seats,
                        "unit_price": seat_price(seats, plan),
                        "amount": calculate_plan_price(seats, plan),
                    }
                )
            lines.extend(order_lines)
            orders.append(
                {
                    "id": number,
                    "user_id": rng.randint(len(ADMINS) + 1, USERS),
                    "currency": "EUR",
                    "total": sum((line["amount"] for line in order_lines), Decimal("0.00")),
                    "created_at": start + timedelta(minutes=number * 13, seconds=number % 60),
                }
            )
        with database.writer() as session:
            session.execute(insert(User), users)
            session.execute(insert(Order), orders)
            session.execute(insert(OrderLine), lines)
            session.commit()
    finally:
        database.close()  # checkpoints the WAL into the file, so the file alone is complete
    mine = orders[-1]
    other = next(order for order in orders if order["user_id"] != mine["user_id"])
    return SeededDatabase(
        path=path,
        users=USERS,
        orders=ORDERS,
        admins=ADMINS,
        customer=users[mine["user_id"] - 1]["email"],
        customer_order=mine["id"],
        customer_order_total=mine["total"],
        other_order=other["id"],
    )
