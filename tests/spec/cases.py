"""The rule-family spec pairs of tests/data/diff, read into cases a test can run.

A case file holds ``cases``; each case gives ``old`` and ``new`` (schemas placed into one of
the documents of ``_documents.yaml`` named by ``in``, or whole documents with
``in: document``), the exact findings expected as ``[id, severity]`` or
``[id, severity, location]``, and optionally ``reverse``: what the same pair gives the other
way round.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent.parent / "data" / "diff"
SLOT = "$schema"


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    old: dict[str, Any]
    new: dict[str, Any]
    expect: tuple[tuple[str, ...], ...]
    reverse: tuple[tuple[str, ...], ...] | None

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


@cache
def documents() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DATA / "_documents.yaml").read_text())
    return loaded


def place(template: Any, schema: Any) -> Any:
    """``template`` with every ``$schema`` slot replaced by ``schema``."""
    if template == SLOT:
        return copy.deepcopy(schema)
    if isinstance(template, dict):
        return {k: place(v, schema) for k, v in template.items()}
    if isinstance(template, list):
        return [place(v, schema) for v in template]
    return template


def _expectations(raw: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(part) for part in entry) for entry in raw or [])


@cache
def load_cases() -> tuple[Case, ...]:
    cases = []
    for path in sorted(DATA.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        data = yaml.safe_load(path.read_text())
        default = data.get("in")
        for raw in data["cases"]:
            where = raw.get("in", default)
            if where == "document":
                old, new = raw["old"], raw["new"]
            else:
                template = documents()[where]
                old, new = place(template, raw["old"]), place(template, raw["new"])
            cases.append(
                Case(
                    file=path.stem,
                    name=raw["name"],
                    old=old,
                    new=new,
                    expect=_expectations(raw["expect"]),
                    reverse=_expectations(raw["reverse"]) if "reverse" in raw else None,
                )
            )
    return tuple(cases)
