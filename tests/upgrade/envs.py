"""The two interpreters of the upgrade pair: FastAPI 0.99 + Pydantic 1, and today's stack.

The Pydantic 1 side is a virtual environment of its own, ``.venv-upgrade/pydantic1`` at the
repository root, built once from PyPI and kept: it is rebuilt only when its requirements
or the Python it is made from change (a hash of both is stamped into it). Builds are
serialised with a file lock, so that pytest-xdist workers that need it at the same moment
build it once. The Pydantic 2 side is the interpreter running this code (the project's own
``.venv``), which has the current FastAPI and Pydantic.

A build that fails (no network, no ``venv`` module) raises :class:`EnvironmentUnavailable`
and is remembered for a few minutes, so that a test session without network skips at once
instead of waiting for pip again in every worker.

Run it to build (or check) the environment and see what each side runs::

    python tests/upgrade/envs.py
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "PYDANTIC1_REQUIREMENTS",
    "ROOT",
    "EnvironmentUnavailable",
    "pydantic1_python",
    "pydantic2_python",
]

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / ".venv-upgrade"
PYDANTIC1 = HOME / "pydantic1"

# The whole environment, pinned exactly: the pair must show the same drift wherever and
# whenever it is built. All of the summer of FastAPI 0.99 (2023), but for the last
# Pydantic 1.10 with wheels for this Python; python-multipart reads the /token form.
PYDANTIC1_REQUIREMENTS = (
    "fastapi==0.99.1",
    "pydantic==1.10.26",
    "starlette==0.27.0",
    "anyio==3.7.1",
    "sniffio==1.3.1",
    "idna==3.10",
    "typing_extensions==4.12.2",
    "uvicorn==0.23.2",
    "h11==0.14.0",
    "click==8.1.7",
    "python-multipart==0.0.6",
)
STAMP = "driftguard-upgrade.json"
FAILURE = HOME / "pydantic1.failed"
FAILURE_REMEMBERED = 600.0  # seconds
PIP_TIMEOUT = 900.0  # seconds, for the whole install


class EnvironmentUnavailable(RuntimeError):
    """The Pydantic 1 environment cannot be built here (typically: no network for pip)."""


def _key() -> dict[str, object]:
    """What the environment is made of: a change to any of it means a rebuild."""
    return {
        "requirements": list(PYDANTIC1_REQUIREMENTS),
        "python": sys.version,
        "base": getattr(sys, "_base_executable", sys.executable),
    }


def _digest() -> str:
    return hashlib.sha256(json.dumps(_key(), sort_keys=True).encode()).hexdigest()


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _is_built(digest: str) -> bool:
    try:
        stamp = json.loads((PYDANTIC1 / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("digest") == digest and _python(PYDANTIC1).exists()


@contextmanager
def _locked() -> Iterator[None]:
    HOME.mkdir(parents=True, exist_ok=True)
    with open(HOME / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _recent_failure(digest: str) -> str | None:
    try:
        failure = json.loads(FAILURE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if failure.get("digest") != digest:
        return None
    if time.time() - float(failure.get("time", 0)) > FAILURE_REMEMBERED:
        return None
    return str(failure.get("reason"))


def _run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise EnvironmentUnavailable(f"{what} took more than {PIP_TIMEOUT:g}s") from None
    if result.returncode != 0:
        lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("ERROR")] or lines[-3:]
        raise EnvironmentUnavailable(f"{what} failed: {' | '.join(errors)[:500]}")


def _build(digest: str) -> None:
    shutil.rmtree(PYDANTIC1, ignore_errors=True)
    _run([sys.executable, "-m", "venv", str(PYDANTIC1)], "python -m venv")
    _run(
        [
            str(_python(PYDANTIC1)),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "--timeout",
            "20",
            "--retries",
            "2",
            *PYDANTIC1_REQUIREMENTS,
        ],
        f"pip install of the {len(PYDANTIC1_REQUIREMENTS)} pinned packages",
    )
    _run(
        [str(_python(PYDANTIC1)), "-c", "import fastapi, pydantic, uvicorn, multipart"],
        "importing the Pydantic 1 stack",
    )
    # Written last: a build cut short leaves no stamp and is redone.
    (PYDANTIC1 / STAMP).write_text(
        json.dumps({"digest": digest, **_key()}, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )


def pydantic1_python(*, retry: bool = False) -> Path:
    """The interpreter of FastAPI 0.99.1 + Pydantic 1.10, built first if need be.

    ``retry`` ignores a failure remembered from a recent attempt.
    """
    digest = _digest()
    if _is_built(digest):
        return _python(PYDANTIC1)
    with _locked():
        if _is_built(digest):  # another process built it while this one waited
            return _python(PYDANTIC1)
        remembered = None if retry else _recent_failure(digest)
        if remembered is not None:
            raise EnvironmentUnavailable(f"{remembered} (remembered from a recent attempt)")
        try:
            _build(digest)
        except EnvironmentUnavailable as exc:
            shutil.rmtree(PYDANTIC1, ignore_errors=True)
            FAILURE.write_text(
                json.dumps({"digest": digest, "time": time.time(), "reason": str(exc)}),
                encoding="utf-8",
            )
            raise
        FAILURE.unlink(missing_ok=True)
    return _python(PYDANTIC1)


def pydantic2_python() -> Path:
    """The interpreter of today's FastAPI + Pydantic 2: the one running this code."""
    return Path(sys.executable)


def versions(python: Path) -> str:
    """``fastapi X, pydantic Y, uvicorn Z`` as ``python`` imports them."""
    code = (
        "import fastapi, pydantic, uvicorn; "
        "print(f'fastapi {fastapi.__version__}, pydantic {pydantic.VERSION}, "
        "uvicorn {uvicorn.__version__}')"
    )
    result = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def main() -> int:
    started = time.monotonic()
    try:
        old = pydantic1_python(retry=True)
    except EnvironmentUnavailable as exc:
        print(f"error: the Pydantic 1 environment cannot be built: {exc}", file=sys.stderr)
        return 2
    took = time.monotonic() - started
    new = pydantic2_python()
    print(f"pydantic1: {old} ({versions(old)}), ready in {took:.1f}s")
    print(f"pydantic2: {new} ({versions(new)})")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
