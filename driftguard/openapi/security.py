"""Whether an operation requires authentication, and with which schemes.

Probes skip an operation that needs credentials nobody configured; the fuzzer reports one
that answers without them. Both read the rule here: an operation's own ``security`` wins
over the document's, and a requirement list holding ``{}`` lets anonymous requests in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["required_schemes", "requires_auth"]


def _requirements(document: Mapping[str, Any], operation: Mapping[str, Any]) -> list[Any]:
    requirements = operation.get("security", document.get("security"))
    return requirements if isinstance(requirements, list) else []


def requires_auth(document: Mapping[str, Any], operation: Mapping[str, Any]) -> bool:
    """Whether every request to ``operation`` must carry credentials."""
    requirements = _requirements(document, operation)
    return bool(requirements) and not any(
        isinstance(requirement, Mapping) and not requirement for requirement in requirements
    )


def required_schemes(document: Mapping[str, Any], operation: Mapping[str, Any]) -> list[str]:
    """The names of the security schemes ``operation`` accepts, when it requires any; the
    schemes of every alternative requirement, in the order written."""
    if not requires_auth(document, operation):
        return []
    names: dict[str, None] = {}
    for requirement in _requirements(document, operation):
        if isinstance(requirement, Mapping):
            names.update(dict.fromkeys(str(name) for name in requirement))
    return list(names)
