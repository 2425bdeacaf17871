"""What differs between the schemathesis releases driftguard supports, bridged in one place.

pyproject.toml states the range (``[project.optional-dependencies] fuzz``) and ``make
test-compat`` runs the fuzz tests at both of its ends. Code that needs something one end has
and the other does not asks this module; a release that moves a name is one edit here.

Found by running tests/fuzzing against each release (4.30 to 4.32.5): 4.32.4 is the oldest
that works with this shim; 4.32.3 and older build coverage cases without an ``Override``
(``CoverageGenerator(as_strategy_kwargs=...)``), 4.31 and older lack
``ContentDeserializationError`` and ``specs.openapi.utils.parameter_types``, 4.28 and older
``generation.meta.REQUEST_SHAPE_PROBES``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["is_negative_at"]


def is_negative_at(meta: Any, location: Any) -> bool:
    """Whether a case's component at ``location`` was generated in negative mode
    (``CaseMetadata.is_negative_at`` from 4.32.5 on; read from its components before)."""
    component = meta.components.get(location)
    return component is not None and bool(component.mode.is_negative)
