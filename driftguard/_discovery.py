"""Finding the configuration file, without importing pydantic.

The pytest plugin runs in every test session of a project that has driftguard installed;
it only needs to know whether the project configures driftguard at all before it pays for
validating the configuration (:mod:`driftguard._config`).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["find_config_file"]


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest driftguard.toml, or pyproject.toml holding ``[tool.driftguard]``."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "driftguard.toml"
        if candidate.is_file():
            return candidate
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_driftguard_table(candidate):
            return candidate
    return None


def _has_driftguard_table(path: Path) -> bool:
    try:
        return b"[tool.driftguard" in path.read_bytes()
    except OSError:
        return False
