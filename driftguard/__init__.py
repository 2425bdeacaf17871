"""driftguard: catch API contract drift before users do.

The public API, one name per thing a user does: ``diff_specs`` (schema drift), ``snapshot``
and ``check`` (response drift against a snapshot directory), ``fuzz`` (validation gaps),
``DriftRecorder`` (drift in the services an app depends on), ``DriftMonitor`` (drift in an
app's own live responses, sampled by a middleware), and the ``Report`` /
``Finding`` model they all return. Everything here is importable without pytest or
schemathesis; each engine is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftguard._errors import (
    ConfigError,
    DriftguardError,
    LoadError,
    RefError,
    SnapshotError,
    TargetError,
    UsageError,
)
from driftguard._version import __version__
from driftguard.findings import Finding, Severity
from driftguard.report import Report

if TYPE_CHECKING:
    from driftguard._config import Config, load_config
    from driftguard.fuzzing.run import fuzz
    from driftguard.monitoring.middleware import DriftMonitor
    from driftguard.openapi.compare import diff_specs
    from driftguard.openapi.sources import load_spec
    from driftguard.shapes import Shape, compare_response, compare_shapes, infer_shape
    from driftguard.snapshots.downstream import DownstreamDriftError, DriftRecorder
    from driftguard.snapshots.gate import SnapshotResult, check, snapshot
    from driftguard.snapshots.record import ResponseRecord

__all__ = [
    "Config",
    "ConfigError",
    "DownstreamDriftError",
    "DriftMonitor",
    "DriftRecorder",
    "DriftguardError",
    "Finding",
    "LoadError",
    "RefError",
    "Report",
    "ResponseRecord",
    "Severity",
    "Shape",
    "SnapshotError",
    "SnapshotResult",
    "TargetError",
    "UsageError",
    "__version__",
    "check",
    "compare_response",
    "compare_shapes",
    "diff_specs",
    "fuzz",
    "infer_shape",
    "load_config",
    "load_spec",
    "snapshot",
]

# name -> module that defines it; imported on first attribute access.
_LAZY = {
    "Config": "driftguard._config",
    "load_config": "driftguard._config",
    "load_spec": "driftguard.openapi.sources",
    "check": "driftguard.snapshots.gate",
    "snapshot": "driftguard.snapshots.gate",
    "SnapshotResult": "driftguard.snapshots.gate",
    "diff_specs": "driftguard.openapi.compare",
    "DownstreamDriftError": "driftguard.snapshots.downstream",
    "DriftRecorder": "driftguard.snapshots.downstream",
    "DriftMonitor": "driftguard.monitoring.middleware",
    "ResponseRecord": "driftguard.snapshots.record",
    "Shape": "driftguard.shapes",
    "compare_response": "driftguard.shapes",
    "compare_shapes": "driftguard.shapes",
    "infer_shape": "driftguard.shapes",
    "fuzz": "driftguard.fuzzing.run",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'driftguard' has no attribute {name!r}")
    import importlib

    if name == "fuzz":  # the fuzz extra: a missing schemathesis is said plainly
        from driftguard._extras import require_fuzz

        require_fuzz()
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
