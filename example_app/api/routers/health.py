"""Liveness for load balancers (not rate limited)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    return HealthOut()
