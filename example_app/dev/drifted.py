"""example_app after a careless release: the drift driftguard exists to catch.

``make demo`` points driftguard at this app next to the committed snapshot of the real one.
It is the same service (same handlers, database and settings) with what a hurried
refactor and a serialisation change typically do to a contract:

- ``UserOut.name`` is sent as ``full_name`` (a ``serialization_alias``): clients reading
  ``name`` break. The OpenAPI document shows it, so ``driftguard diff`` names the rename.
- ``created_at`` is written ``+00:00`` instead of ``Z``, and a plan's ``seat_price`` as a
  JSON number instead of a string: the OpenAPI document does not change at all, only the
  responses do, so only ``driftguard check`` (response shapes) sees them.
- a new ``GET /pricing/per-seat`` documents ``seats`` between 1 and 1000 but enforces
  neither bound, and divides by it: ``driftguard fuzz`` finds the gap and the crash.

Run it as ``example_app.dev.drifted:app``, with the same environment as the real app.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, field_serializer

from example_app.api.routers import pricing, users
from example_app.app import create_app
from example_app.schemas.common import Page
from example_app.schemas.pricing import PlanOut
from example_app.schemas.users import UserOut

__all__ = ["app", "create_drifted_app"]


class DriftedUserOut(UserOut):
    name: str | None = Field(serialization_alias="full_name", examples=["Ann Lee"])

    @field_serializer("created_at", when_used="json")
    def _offset_style(self, value: datetime):  # type: ignore[no-untyped-def]
        # Unannotated on purpose: the schema keeps saying date-time; only the spelling moves.
        return value.isoformat()


class DriftedPlanOut(PlanOut):
    @field_serializer("seat_price", when_used="json")
    def _as_number(self, value: Decimal):  # type: ignore[no-untyped-def]
        return float(value)


class PerSeatOut(BaseModel):
    per_seat: Decimal


def per_seat_price(
    total: Annotated[Decimal, Query(examples=["490.00"])],
    # The bounds are documented but not enforced: the classic "docs say, code doesn't".
    seats: Annotated[int, Query(json_schema_extra={"minimum": 1, "maximum": 1000})],
) -> PerSeatOut:
    return PerSeatOut(per_seat=(total / seats).quantize(Decimal("0.01")))


def _retyped(original: APIRouter, models: dict[str, Any]) -> APIRouter:
    """A copy of ``original`` whose routes named in ``models`` answer with another model."""
    router = APIRouter()
    for route in original.routes:
        assert isinstance(route, APIRoute)
        router.add_api_route(
            route.path,
            route.endpoint,
            methods=sorted(route.methods or ()),
            response_model=models.get(route.name, route.response_model),
            status_code=route.status_code,
            tags=route.tags,
            responses=route.responses,
            name=route.name,
            description=route.description,
        )
    return router


@contextmanager
def _routers(replacements: dict[Any, APIRouter]) -> Iterator[None]:
    """Let create_app include other routers for its modules, for the duration of one call."""
    saved = {module: module.router for module in replacements}
    try:
        for module, router in replacements.items():
            module.router = router
        yield
    finally:
        for module, router in saved.items():
            module.router = router


def create_drifted_app() -> FastAPI:
    drifted_users = _retyped(
        users.router,
        {
            "create_user": DriftedUserOut,
            "get_user": DriftedUserOut,
            "list_users": Page[DriftedUserOut],
        },
    )
    drifted_pricing = _retyped(pricing.router, {"list_plans": list[DriftedPlanOut]})
    drifted_pricing.add_api_route(
        "/pricing/per-seat",
        per_seat_price,
        methods=["GET"],
        response_model=PerSeatOut,
        tags=["pricing"],
        name="per_seat_price",
    )
    with _routers({users: drifted_users, pricing: drifted_pricing}):
        return create_app()


app = create_drifted_app()
