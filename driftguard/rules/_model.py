"""A rule of the catalogue: one finding id, with everything about it that is not a check."""

from __future__ import annotations

from dataclasses import dataclass

from driftguard._types import Direction, Source
from driftguard.findings import Severity

__all__ = ["Rule"]


@dataclass(frozen=True)
class Rule:
    """An id with its default severity, source, direction, area and message templates.

    ``message`` reads on its own in a report; ``brief``, where given, is the short form a
    path-by-path drift report uses (``$.full_name -> fullName (renamed)``). Both are filled
    from a finding's details when it is made, so a check never spells a message itself.
    """

    id: str
    severity: Severity
    source: Source
    message: str
    direction: Direction = "none"
    area: str = ""
    tier: int = 1
    brief: str | None = None
