"""The idioms of real API histories, applied to the real specifications: never a finding."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from driftguard import diff_specs
from driftguard.openapi.sources import load_spec
from tests.openapi.idioms import IDIOMS

SPECS = ("stripe-2022-04.json", "discord-2025-09.json", "twilio-video-2025-08.yaml")


@pytest.fixture(scope="module")
def documents(specs_dir: Path) -> dict[str, dict[str, Any]]:
    return {name: load_spec(str(specs_dir / name)) for name in SPECS}


@pytest.mark.parametrize("idiom", IDIOMS)
@pytest.mark.parametrize("name", SPECS)
def test_an_idiom_applied_to_a_real_specification_is_no_change(
    documents: dict[str, dict[str, Any]], name: str, idiom: str
) -> None:
    document = documents[name]
    rewritten = IDIOMS[idiom](document)
    assert rewritten != document or idiom in _NOT_APPLICABLE.get(name, ()), "nothing rewritten"
    for old, new in ((document, rewritten), (rewritten, document)):
        findings = diff_specs(old, new).findings
        # a component that only the rewrite has is gone the other way round (info)
        left = Counter(f.id for f in findings if f.id != "api-schema-removed")
        assert left == Counter(), json.dumps([f.to_dict() for f in findings[:5]], indent=1)


# Rewrites that find nothing to rewrite in a document (it is 3.1 already, say).
_NOT_APPLICABLE = {
    # 3.1 already; its enums are oneOf of consts
    "discord-2025-09.json": (
        "nullable as a 3.1 type list",
        "{$ref, nullable} as allOf",
        "inline enums into components",
    ),
    # servers on every path item; enums in components already
    "twilio-video-2025-08.yaml": (
        "{$ref, nullable} as allOf",
        "base path moved",
        "inline enums into components",
    ),
}
