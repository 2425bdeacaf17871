"""A real project for the tests that run driftguard from a subdirectory: pyproject.toml
with [tool.driftguard], a package with a FastAPI app, and an empty tests/ to run from."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CONFIG", "project"]

APP = """\
from fastapi import FastAPI

from {package}.items import ITEMS

app = FastAPI(title="items")


@app.get("/items/{{item_id}}")
def item(item_id: int) -> dict[str, object]:
    return {{"id": item_id, "name": ITEMS.get(item_id, "?")}}
"""

CONFIG = """\
[tool.driftguard]
target = "{package}.main:app"
{extra}
[[tool.driftguard.probes]]
name = "get-item"
path = "/items/1"
"""


def project(root: Path, *, package: str = "myapp", src: str = "", extra: str = "") -> Path:
    """A project: pyproject.toml with [tool.driftguard], the package under ``src``, and an
    empty tests/ directory to run from."""
    code = root / src / package if src else root / package
    code.mkdir(parents=True)
    (code / "__init__.py").write_text("")
    (code / "items.py").write_text("ITEMS = {1: 'lamp'}\n")
    (code / "main.py").write_text(APP.format(package=package))
    (root / "pyproject.toml").write_text(CONFIG.format(package=package, extra=extra))
    (root / "tests").mkdir()
    return root / "tests"
