"""The public API changes only on purpose: this list is the contract of `import driftguard`."""

from __future__ import annotations

import subprocess
import sys

import driftguard

PUBLIC = [
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


def test_all_is_sorted_and_exactly_the_public_api() -> None:
    assert driftguard.__all__ == sorted(driftguard.__all__)
    assert driftguard.__all__ == PUBLIC


def test_every_public_name_resolves() -> None:
    for name in driftguard.__all__:
        assert getattr(driftguard, name) is not None, name


def test_contract_section_7_names_are_callables_or_types() -> None:
    for name in (
        "load_spec",
        "diff_specs",
        "check",
        "snapshot",
        "infer_shape",
        "compare_shapes",
        "fuzz",
    ):
        assert callable(getattr(driftguard, name)), name
    report = driftguard.Report("diff")
    assert (report.findings, report.summary) == ([], {"breaking": 0, "warning": 0, "info": 0})
    assert report.to_json().startswith("{")


def test_errors_form_one_tree() -> None:
    for name in (
        "ConfigError",
        "LoadError",
        "RefError",
        "SnapshotError",
        "TargetError",
        "UsageError",
    ):
        assert issubclass(getattr(driftguard, name), driftguard.DriftguardError), name


def test_lazy_names_do_not_load_heavy_modules_until_used() -> None:
    code = (
        "import sys, driftguard; driftguard.diff_specs; driftguard.infer_shape; "
        "print(sorted(m for m in ('pytest', 'schemathesis', 'hypothesis') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
