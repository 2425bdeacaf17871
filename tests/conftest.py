"""Shared test helpers: the location of the real specifications, a free-port finder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT.parent / "shared" / "specs"


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    """The real Stripe, Discord and Twilio specifications in ../shared/specs (never copied)."""
    if not SPECS.is_dir():
        pytest.fail(f"the real specifications are expected in {SPECS}")
    return SPECS
