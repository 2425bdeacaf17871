"""Shared test helpers: where the real specifications are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _find_specs() -> Path:
    """``$DRIFTGUARD_SPECS``, else ``shared/specs`` beside the project (or an ancestor of it)."""
    configured = os.environ.get("DRIFTGUARD_SPECS")
    if configured:
        return Path(configured)
    for directory in ROOT.parents:
        candidate = directory / "shared" / "specs"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "specs"


SPECS = _find_specs()


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    """The real Stripe, Discord and Twilio specifications in ../shared/specs (never copied)."""
    if not SPECS.is_dir():
        pytest.fail(f"the real specifications are expected in {SPECS} (or set DRIFTGUARD_SPECS)")
    return SPECS
