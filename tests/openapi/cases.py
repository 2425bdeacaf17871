"""The rule-family spec pairs of tests/data/diff, read into cases a test can run.

A case file holds ``cases``; each case gives ``old`` and ``new`` (schemas placed into one of
the documents of ``_documents.yaml`` named by ``in``, or whole documents with
``in: document``), the exact findings expected as ``[id, severity]`` or
``[id, severity, location]``, and optionally ``reverse``: what the same pair gives the other
way round. :func:`mirror` names the opposite of a change, for tests that run a pair both ways.
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
    where: str = "document"  # the template of _documents.yaml the schemas were placed into
    schemas: tuple[Any, Any] | None = None  # the old and new schema, for other placements

    def placed(self, where: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The case's two schemas placed into another template of _documents.yaml."""
        assert self.schemas is not None
        template = documents()[where]
        return place(template, self.schemas[0]), place(template, self.schemas[1])

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
            schemas = None
            if where == "document":
                old, new = raw["old"], raw["new"]
            else:
                template = documents()[where]
                old, new = place(template, raw["old"]), place(template, raw["new"])
                schemas = (raw["old"], raw["new"])
            cases.append(
                Case(
                    file=path.stem,
                    name=raw["name"],
                    old=old,
                    new=new,
                    expect=_expectations(raw["expect"]),
                    reverse=_expectations(raw["reverse"]) if "reverse" in raw else None,
                    where=where,
                    schemas=schemas,
                )
            )
    return tuple(cases)


# The opposite of a change, matched on the last words of a change name or rule id (the
# longest match wins). The two one-way entries have no id of their own the other way round,
# and a new optional request property, reversed, is a removed one.
MIRRORS = {
    "increased": "decreased",
    "decreased": "increased",
    "added": "removed",
    "removed": "added",
    "set": "unset",
    "unset": "set",
    "narrowed": "widened",
    "widened": "narrowed",
    "generalized": "specialized",
    "specialized": "generalized",
    "became-nullable": "became-not-nullable",
    "became-not-nullable": "became-nullable",
    "became-required": "became-optional",
    "became-optional": "became-required",
    "became-enum": "enum-removed",
    "enum-removed": "became-enum",
    "mapping-added": "mapping-deleted",
    "mapping-deleted": "mapping-added",
    "added-annotation-only": "removed-annotation-only",
    "removed-annotation-only": "added-annotation-only",
    "pattern-generalized": "pattern-changed",
    "wrapped-in-one-of": "one-of-removed",
    "new-optional-request-property": "request-property-removed",
    "request-property-removed": "new-optional-request-property",
}
_LONGEST_FIRST = sorted(MIRRORS, key=len, reverse=True)


def mirror(name: str) -> str:
    """The change (``max-length-decreased``) or rule id that undoes ``name``."""
    for words in _LONGEST_FIRST:
        if name == words or name.endswith(f"-{words}"):
            return name[: len(name) - len(words)] + MIRRORS[words]
    return name
