"""Response shapes: infer them from JSON, merge them over samples, compare them for drift.

The pytest fixture, ``driftguard check`` and the downstream-drift recorder all rest on these
few names; the snapshot file format around a shape lives in :mod:`driftguard.snapshots`.
"""

from __future__ import annotations

from driftguard.shapes._paths import PathMatcher, parse_path, render_path
from driftguard.shapes.compare import (
    RecordedResponse,
    compare_response,
    compare_shapes,
)
from driftguard.shapes.infer import Shape, infer_shape

__all__ = [
    "PathMatcher",
    "RecordedResponse",
    "Shape",
    "compare_response",
    "compare_shapes",
    "infer_shape",
    "parse_path",
    "render_path",
]
