"""The pytest11 entry point: the ``driftguard`` option group and fixture (CONTRACT section 6)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("driftguard", "driftguard: response and schema snapshots")
    group.addoption(
        "--driftguard-dir",
        dest="driftguard_dir",
        default=None,
        metavar="DIR",
        help="snapshot directory (default: [tool.driftguard] snapshots, else snapshots/)",
    )
