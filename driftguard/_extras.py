"""The optional parts of driftguard and what a user without them is told.

``pip install driftguard`` brings diff, snapshot/check, the pytest fixture, DriftRecorder and
DriftMonitor; fuzzing needs the ``fuzz`` extra (schemathesis and hypothesis). Whatever would
import them asks :func:`require_fuzz` first, so a missing or unsupported schemathesis is one
``error:`` line (exit 2) instead of an ImportError deep in the engine.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from driftguard._errors import UsageError

__all__ = ["FUZZ_HINT", "SCHEMATHESIS_NEWEST", "SCHEMATHESIS_OLDEST", "require_fuzz", "unsupported"]

FUZZ_HINT = "driftguard fuzz needs the fuzz extra: pip install 'driftguard[fuzz]'"
# The supported schemathesis releases, as pyproject.toml's fuzz extra states them (a test
# holds the two together) and as `make test-compat` tests them.
SCHEMATHESIS_OLDEST = (4, 30, 1)
SCHEMATHESIS_BELOW = (4, 33)
SCHEMATHESIS_NEWEST = "4.32.5"


def _release(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit()) if part else ""
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def require_fuzz() -> None:
    """Raise a :class:`UsageError` unless a supported schemathesis and hypothesis are installed."""
    try:
        installed = version("schemathesis")
        version("hypothesis")
    except PackageNotFoundError:
        raise UsageError(FUZZ_HINT) from None
    problem = unsupported(installed)
    if problem is not None:
        raise UsageError(problem)


def unsupported(installed: str) -> str | None:
    """What is wrong with schemathesis ``installed`` (a version string), or None."""
    if SCHEMATHESIS_OLDEST <= _release(installed) < SCHEMATHESIS_BELOW:
        return None
    oldest = ".".join(map(str, SCHEMATHESIS_OLDEST))
    below = ".".join(map(str, SCHEMATHESIS_BELOW))
    return (
        f"driftguard fuzz supports schemathesis >={oldest},<{below}, not {installed}: "
        "pip install 'driftguard[fuzz]'"
    )
