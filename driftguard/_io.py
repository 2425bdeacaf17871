"""Files that are never half-written, and JSON that every parser reads.

A file is written to a temporary file beside it, then renamed over it. Snapshot files are
canonical JSON (UTF-8, sorted keys, 2-space indent, trailing newline) so that a change reads
well in ``git diff``. Every JSON driftguard writes (snapshots, ``--format json``) is strict:
Python would write ``NaN`` and ``Infinity`` (which JSON has not) and lone surrogates (which
UTF-8 cannot encode), both of which a target can send.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from driftguard._errors import DriftguardError

__all__ = ["atomic_write_text", "canonical_json", "json_text"]

_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_DECIMAL_BITS = 14_000  # about the 4,300 digits Python converts an int to text at most


def json_text(data: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """Strict JSON text: non-finite numbers as strings, lone surrogates as escapes."""
    options: dict[str, Any] = {"indent": indent, "sort_keys": sort_keys, "ensure_ascii": False}
    try:
        text = json.dumps(data, allow_nan=False, default=str, **options)
    except ValueError:  # NaN or Infinity somewhere, or an integer too long for decimal text
        text = json.dumps(_strict(data), allow_nan=False, default=str, **options)
    if _SURROGATE.search(text):  # only inside strings: JSON's own syntax is ASCII
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def _strict(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value).replace("inf", "Infinity").replace("nan", "NaN")
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value.bit_length() < _MAX_DECIMAL_BITS else f"{value:#x}"
    if isinstance(value, Mapping):
        return {key: _strict(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(item) for item in value]
    return value


def canonical_json(data: Any) -> str:
    return json_text(data, indent=2, sort_keys=True) + "\n"


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777  # keep an existing file's mode
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` in one step; readers see the old file or the new one."""
    target = Path(path)
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise DriftguardError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        # backslashreplace: a lone surrogate in a text report must not lose the whole file
        with os.fdopen(
            fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n"
        ) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); give it the mode any other new file gets.
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DriftguardError(f"{target}: cannot write: {exc.strerror or exc}") from None
        raise
