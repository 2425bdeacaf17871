"""Real git repositories built in ``tmp_path``, and driftguard run in them as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["GIT_ENV", "commit", "driftguard", "git", "new_repo", "write"]

# The tests' own git commands commit as one author, unsigned, whatever the machine's setup.
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_COUNT": "1",
    "GIT_CONFIG_KEY_0": "commit.gpgsign",
    "GIT_CONFIG_VALUE_0": "false",
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
}


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; its standard output."""
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``files`` (path -> text or bytes) under ``root``."""
    for name, content in files.items():
        file = root / name
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            file.write_bytes(content)
        else:
            file.write_text(content, encoding="utf-8")


def commit(
    repo: Path, files: Mapping[str, str | bytes] | None = None, message: str = "change"
) -> str:
    """Write ``files``, commit everything, and return the new commit's id."""
    write(repo, files or {})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def driftguard(
    cwd: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI as a separate process in ``cwd`` (``python -m driftguard.cli``)."""
    return subprocess.run(
        [sys.executable, "-m", "driftguard.cli", *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "CI": "", **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
