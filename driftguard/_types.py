"""Type aliases shared by every stage: JSON data and the closed sets of words a report uses."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

__all__ = ["Direction", "Json", "Source", "TargetKind"]

Json: TypeAlias = Any
"""Parsed JSON: dicts with string keys, lists, strings, numbers, booleans and None."""

Source = Literal["schema", "response", "fuzz"]
"""Where a finding comes from: the OpenAPI diff, a live response against its snapshot, fuzzing."""

Direction = Literal["request", "response", "none"]
"""Which side of an exchange a rule is about (a request must stay valid, a response acceptable)."""

TargetKind = Literal["app", "url", "file", "snapshot", "revision"]
"""What a TARGET is (CONTRACT section 1); ``revision`` is ``REV:PATH``, a document or a
snapshot directory at a git revision."""
