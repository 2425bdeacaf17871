"""Every error a user can see is one of these.

    DriftguardError            could not run (exit code 2, one ``error:`` line)
    ├── UsageError             bad arguments or an option value that makes no sense
    ├── ConfigError            pyproject.toml / driftguard.toml: unknown key, wrong type, bad TOML
    ├── LoadError              a TARGET could not be read as an OpenAPI document
    │   └── RefError           a ``$ref`` that is broken, remote without permission, or absurd
    ├── TargetError            a TARGET that cannot be reached or imported
    └── SnapshotError          a snapshot directory that is missing, corrupt or may not be written

Messages are written for the terminal: they say what went wrong and where (a file, a key,
a URL), in one line, without a traceback.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DriftguardError",
    "LoadError",
    "RefError",
    "SnapshotError",
    "TargetError",
    "UsageError",
    "first_line",
    "one_line",
]


class DriftguardError(Exception):
    """driftguard could not do what was asked; the message says what and where."""

    exit_code = 2


class UsageError(DriftguardError):
    """A command-line argument or API argument is invalid."""


class ConfigError(DriftguardError):
    """The configuration file is invalid."""


class LoadError(DriftguardError):
    """An OpenAPI document could not be read, parsed or accepted."""


class RefError(LoadError):
    """A ``$ref`` could not be resolved."""


class TargetError(DriftguardError):
    """A TARGET could not be reached (an app that fails to import, a service that is down)."""


class SnapshotError(DriftguardError):
    """A snapshot is missing, corrupt, or may not be written here."""


def first_line(text: str) -> str:
    """The first line of ``text`` that is not blank, stripped (warnings, tracebacks...)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def one_line(exc: BaseException) -> str:
    """An exception as one line of a message: ``ValueError: the first line of its text``."""
    line = first_line(str(exc))
    name = type(exc).__name__
    return f"{name}: {line}" if line else name
