"""A small bookshop whose one source runs under FastAPI 0.99 + Pydantic 1 and under today's
FastAPI + Pydantic 2, so that the upgrade's effect on a real API can be watched over HTTP.

Nothing here changes between the two runs; what the two serve differently is what the
upgrade does by itself: a ``Decimal`` price becomes a string, a UTC datetime ends in ``Z``
instead of ``+00:00``, a ``timedelta`` becomes an ISO 8601 duration, a bare-host ``HttpUrl``
gains a trailing slash, an ``Optional`` field without a default becomes required, an alias
declared in ``Config.fields`` (gone in Pydantic 2) is dropped, a number no longer passes
for a string, and every validation error gains ``input`` and renames its ``ctx`` keys.
Values change too, where clients read them: every validation error's ``type`` code
(``value_error.number.not_ge`` -> ``greater_than_equal``), a plan's ``int | float`` price
(Pydantic 1 tried ``int`` first and cut 9.99 to 9), a publisher's name that
``anystr_strip_whitespace`` (renamed in Pydantic 2, so no longer applied) stripped, and an
``HttpUrl``'s host, which Pydantic 2 lowercases.
The aliases declared with ``Field(alias=...)`` and URLs with a path are the controls: they
must come out the same.

The data is fixed (ids, dates) except what a real service makes per call: new ids, the
time of a new review or order, the health check's clock and uptime, and the tokens.
"""

import itertools
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import pydantic
from fastapi import Depends, FastAPI, HTTPException, Query, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import AnyUrl, BaseModel, Field, HttpUrl

PYDANTIC2 = pydantic.VERSION.startswith("2.")
STARTED = time.monotonic()


class Model(BaseModel):
    """Every model may be built from field names as well as aliases, in either Pydantic."""

    if PYDANTIC2:
        model_config = {"populate_by_name": True}
    else:

        class Config:
            allow_population_by_field_name = True


class Genre(StrEnum):
    FICTION = "fiction"
    SCIENCE = "science"
    HISTORY = "history"
    POETRY = "poetry"


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"


class Author(Model):
    """Embedded in every book: a change to it shows on every operation that returns books."""

    id: int
    name: str = Field(..., max_length=80)
    born: date | None = None
    website: HttpUrl | None = None  # a bare host: Pydantic 2 appends "/"


class Book(Model):
    id: int
    isbn: str = Field(..., min_length=10, max_length=17)
    title: str = Field(..., max_length=200)
    author: Author
    genre: Genre
    price: Decimal = Field(..., ge=0)  # a JSON number under Pydantic 1, a string under 2
    page_count: int = Field(..., ge=1)
    reading_time: timedelta  # seconds under Pydantic 1, "PT9H20M" under 2
    published: date
    added_at: datetime  # "+00:00" under Pydantic 1, "Z" under 2
    in_stock: bool

    # Written for Pydantic 1, where aliases could be declared here. Pydantic 2 removed
    # ``Config.fields`` with only a warning: the field is then sent as ``page_count``.
    class Config:
        fields = {"page_count": {"alias": "pageCount"}}  # noqa: RUF012


class ReviewIn(Model):
    rating: int = Field(..., ge=1, le=5)
    title: str = Field(..., max_length=80)
    # No default: optional under Pydantic 1, required (though nullable) under Pydantic 2.
    comment: str | None
    reviewer: str = Field(..., alias="reviewerName", max_length=40)  # same in both


class Review(ReviewIn):
    id: int
    book_id: int
    posted_at: datetime


class Address(Model):
    name: str = Field(..., max_length=80)
    street: str
    city: str
    postcode: str = Field(..., max_length=10)  # Pydantic 1 also took the number 10115
    country: str = Field("DE", min_length=2, max_length=2)


class OrderLineIn(Model):
    book_id: int
    quantity: int = Field(..., ge=1, le=10)


class OrderIn(Model):
    lines: list[OrderLineIn]
    ship_to: Address
    coupon: str | None = None


class OrderLine(Model):
    book_id: int
    title: str
    unit_price: Decimal
    quantity: int


class Order(Model):
    id: int
    status: OrderStatus
    lines: list[OrderLine]
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    placed_at: datetime
    delivery_estimate: timedelta
    ship_to: Address
    tracking_url: AnyUrl | None = None  # has a path: the same under both


class Plan(Model):
    """A membership plan of the fixed catalogue: its price is the contract."""

    name: str
    # Pydantic 1 tries int first and truncates 9.99 to 9; Pydantic 2 keeps the float.
    monthly: int | float


class Publisher(Model):
    id: int
    name: str
    website: HttpUrl  # with a path: the host is lowercased under Pydantic 2, kept under 1

    # Pydantic 2 renamed the key to str_strip_whitespace (warning only): no longer stripped.
    class Config:
        anystr_strip_whitespace = True


class User(Model):
    username: str
    full_name: str
    email: str
    member_since: datetime
    loyalty_points: int = Field(..., ge=0)
    discount: Decimal


class Token(Model):
    access_token: str
    token_type: str
    expires_in: int


class Health(Model):
    status: str
    checked_at: datetime
    uptime: timedelta


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2024, 3, day, hour, 30, tzinfo=UTC)


AUTHORS = {
    1: Author(
        id=1, name="Ursula K. Le Guin", born=date(1929, 10, 21), website="https://ursula.example"
    ),
    2: Author(id=2, name="Carl Sagan", born=date(1934, 11, 9), website="https://sagan.example"),
    3: Author(id=3, name="Mary Beard", born=date(1955, 1, 1)),
}


def _book(
    id: int, isbn: str, title: str, author: int, genre: Genre, price: str, pages: int, day: int
) -> Book:
    return Book(
        id=id,
        isbn=isbn,
        title=title,
        author=AUTHORS[author],
        genre=genre,
        price=Decimal(price),
        page_count=pages,
        reading_time=timedelta(minutes=pages * 7 // 4),
        published=date(1960 + id * 7, 1 + id, 1),
        added_at=at(day),
        in_stock=id != 3,
    )


BOOKS = {
    1: _book(1, "978-0441478125", "The Left Hand of Darkness", 1, Genre.FICTION, "12.50", 320, 1),
    2: _book(2, "978-0345331359", "Cosmos", 2, Genre.SCIENCE, "18.00", 396, 2),
    3: _book(3, "978-1631492228", "SPQR", 3, Genre.HISTORY, "21.99", 608, 3),
    4: _book(4, "978-0060512750", "The Dispossessed", 1, Genre.FICTION, "13.25", 387, 4),
}

REVIEWS: dict[int, Review] = {
    1: Review(
        id=1,
        book_id=1,
        rating=5,
        title="A classic",
        comment="Still startling.",
        reviewerName="Octavia",
        posted_at=at(5),
    ),
    2: Review(
        id=2,
        book_id=1,
        rating=4,
        title="Slow start",
        comment=None,
        reviewerName="Iain",
        posted_at=at(6),
    ),
}

USERS = {
    "ada": {
        "password": "analytical-engine-1843",
        "profile": User(
            username="ada",
            full_name="Ada Lovelace",
            email="ada@example.com",
            member_since=at(1, 8),
            loyalty_points=120,
            discount=Decimal("0.10"),
        ),
    }
}
# Read from the shop's price table as they are written there.
PLANS = [
    Plan(name="reader", monthly=5),
    Plan(name="bookworm", monthly=9.99),
    Plan(name="library", monthly=24.5),
]
# Names as an import from the publishers' feed has them, padded.
PUBLISHERS = [
    Publisher(id=1, name=" Gollancz ", website="https://Gollancz.Example/books"),
    Publisher(id=2, name="Simon & Schuster", website="https://www.SimonAndSchuster.example/c/1"),
]
SHIPPING = Decimal("3.90")
TOKENS: dict[str, str] = {}
ORDERS: dict[int, Order] = {}
_ids = itertools.count(1002)
_review_ids = itertools.count(3)


def _order(id: int, body: OrderIn, placed_at: datetime) -> Order:
    lines = []
    for line in body.lines:
        book = BOOKS.get(line.book_id)
        if book is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"book {line.book_id} not found")
        lines.append(
            OrderLine(
                book_id=book.id, title=book.title, unit_price=book.price, quantity=line.quantity
            )
        )
    subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal("0.00"))
    return Order(
        id=id,
        status=OrderStatus.PENDING,
        lines=lines,
        subtotal=subtotal,
        shipping=SHIPPING,
        total=subtotal + SHIPPING,
        placed_at=placed_at,
        delivery_estimate=timedelta(days=2, hours=12),
        ship_to=body.ship_to,
        tracking_url=f"https://parcels.example/track/BK-{id}",
    )


ORDERS[1001] = _order(
    1001,
    OrderIn(
        lines=[OrderLineIn(book_id=1, quantity=2), OrderLineIn(book_id=2, quantity=1)],
        ship_to=Address(
            name="Ada Lovelace",
            street="12 St James's Square",
            city="London",
            postcode="SW1Y 4JH",
            country="GB",
        ),
    ),
    at(7),
)

app = FastAPI(title="bookshop", version="1.0.0")
oauth2 = OAuth2PasswordBearer(tokenUrl="token")


def current_user(token: Annotated[str, Depends(oauth2)]) -> User:
    username = TOKENS.get(token)
    if username is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid or expired token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    profile: User = USERS[username]["profile"]  # type: ignore[assignment]
    return profile


@app.get("/health", response_model=Health)
def health() -> Health:
    uptime = timedelta(seconds=round(time.monotonic() - STARTED, 3))
    return Health(status="ok", checked_at=datetime.now(UTC), uptime=uptime)


@app.post("/token", response_model=Token)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    user = USERS.get(form.username)
    if user is None or not secrets.compare_digest(str(user["password"]), form.password):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = secrets.token_urlsafe(24)
    TOKENS[token] = form.username
    return Token(access_token=token, token_type="bearer", expires_in=3600)


@app.get("/me", response_model=User)
def me(user: Annotated[User, Depends(current_user)]) -> User:
    return user


@app.get("/authors", response_model=list[Author])
def list_authors() -> list[Author]:
    return list(AUTHORS.values())


@app.get("/authors/{author_id}", response_model=Author)
def get_author(author_id: int) -> Author:
    if author_id not in AUTHORS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "author not found")
    return AUTHORS[author_id]


@app.get("/plans", response_model=list[Plan])
def list_plans() -> list[Plan]:
    return PLANS


@app.get("/publishers", response_model=list[Publisher])
def list_publishers() -> list[Publisher]:
    return PUBLISHERS


@app.get("/books", response_model=list[Book])
def list_books(genre: Genre | None = None, limit: int = Query(20, ge=1, le=100)) -> list[Book]:
    found = [b for b in BOOKS.values() if genre is None or b.genre == genre]
    return found[:limit]


@app.get("/books/{book_id}", response_model=Book)
def get_book(book_id: int) -> Book:
    if book_id not in BOOKS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "book not found")
    return BOOKS[book_id]


@app.get("/books/{book_id}/reviews", response_model=list[Review])
def list_reviews(book_id: int) -> list[Review]:
    get_book(book_id)
    return [r for r in REVIEWS.values() if r.book_id == book_id]


@app.post("/books/{book_id}/reviews", response_model=Review, status_code=201)
def post_review(book_id: int, review: ReviewIn) -> Review:
    get_book(book_id)
    fields: dict[str, Any] = {
        "rating": review.rating,
        "title": review.title,
        "comment": review.comment,
        "reviewer": review.reviewer,
    }
    created = Review(id=next(_review_ids), book_id=book_id, posted_at=datetime.now(UTC), **fields)
    REVIEWS[created.id] = created
    return created


@app.post("/orders", response_model=Order, status_code=201)
def create_order(body: OrderIn, user: Annotated[User, Depends(current_user)]) -> Order:
    order = _order(next(_ids), body, datetime.now(UTC))
    ORDERS[order.id] = order
    return order


@app.get("/orders/{order_id}", response_model=Order)
def get_order(order_id: int, user: Annotated[User, Depends(current_user)]) -> Order:
    if order_id not in ORDERS:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "order not found")
    return ORDERS[order_id]
