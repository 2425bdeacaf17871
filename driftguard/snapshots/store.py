"""The snapshot directory (CONTRACT section 4) and the response record stored in it.

    snapshots/
      openapi.json                the OpenAPI document as the target served it
      responses/<probe>.json      one ResponseRecord per probe
      tests/...                   the pytest fixture's records (never touched here)

Three promises, each kept in one place below:

- No secret reaches a file: headers and fields named like credentials are replaced by
  ``"<redacted>"`` (:func:`redact_value`), and shape examples under such names are dropped.
- A reader never sees a mixture of two runs: the new ``openapi.json`` and ``responses/`` are
  written completely in a staging directory beside the old ones, then swapped in under an
  exclusive lock on the directory, with a journal, so that a crash half-way is completed by
  the next reader instead of leaving a mixed snapshot. Readers hold a shared lock.
- A file that cannot be parsed is a :class:`SnapshotError` naming it, and is left untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from driftguard._errors import DriftguardError, SnapshotError
from driftguard._http import is_json_media_type, media_type_of
from driftguard._io import atomic_write_text, canonical_json
from driftguard.shapes import PathMatcher, Shape, infer_shape

try:  # POSIX; elsewhere writes are still staged and swapped, only without the lock.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "RECORD_VERSION",
    "REDACTED",
    "ResponseRecord",
    "Snapshot",
    "SnapshotChanges",
    "ci_is_set",
    "is_secret_name",
    "load_snapshot",
    "read_record",
    "record_name",
    "redact_headers",
    "redact_shape",
    "redact_value",
    "short_sample",
    "write_record",
    "write_snapshot",
]

REDACTED = "<redacted>"
RECORD_VERSION = 1
SPEC_FILE = "openapi.json"
RESPONSES = "responses"
_JOURNAL = ".driftguard-swap"
_STAGING = ".driftguard-staging-"

# Header names that carry credentials whatever they are called otherwise.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SECRET_NAME = re.compile(
    r"token|passw|passphrase|pwd|secret|credential|api[-_]?key|apikey|private[-_]?key"
    r"|session|^auth$|authori[sz]ation|cookie|signature|^otp$",
    re.IGNORECASE,
)
_SECRET_VALUE = re.compile(
    r"(?:bearer|basic|token)\s+\S{8,}"  # an Authorization header value pasted into a body
    r"|eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*"  # a JWT
    r"|(?:sk|pk|rk)_(?:live|test)_\w{8,}",  # Stripe-style keys
    re.IGNORECASE,
)


_FALSE = frozenset({"", "0", "false", "no", "off", "n", "f"})


def ci_is_set(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``CI`` holds a true value (``true``, ``1``, ``yes``...): snapshots are then
    read-only, so that a CI run can never bless its own drift."""
    env = os.environ if environ is None else environ
    return env.get("CI", "").strip().lower() not in _FALSE


def is_secret_name(name: str) -> bool:
    """Whether a header or field name says its value is a credential."""
    return name.lower() in SECRET_HEADERS or _SECRET_NAME.search(name) is not None


def _looks_secret(value: Any) -> bool:
    return isinstance(value, str) and _SECRET_VALUE.search(value) is not None


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        name: REDACTED if is_secret_name(name) or _looks_secret(value) else value
        for name, value in headers.items()
    }


def redact_value(value: Any) -> Any:
    """A copy of JSON data with every credential-named field and credential-looking string
    replaced by ``"<redacted>"``."""
    if isinstance(value, dict):
        return {
            key: REDACTED if is_secret_name(str(key)) and item is not None else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return REDACTED if _looks_secret(value) else value


def redact_shape(shape: Shape, *, secret: bool = False) -> Shape:
    """The shape with examples dropped under credential names and where they look secret."""
    example = None if secret or _looks_secret(shape.example) else shape.example
    items = None if shape.items is None else redact_shape(shape.items, secret=secret)
    fields = {
        name: redact_shape(child, secret=secret or is_secret_name(name))
        for name, child in shape.fields.items()
    }
    return replace(shape, example=example, items=items, fields=MappingProxyType(fields))


SAMPLE_ITEMS = 2
SAMPLE_STRING = 200
SAMPLE_DEPTH = 8


def short_sample(value: Any, *, _depth: int = 0) -> Any:
    """A redacted excerpt of a body for humans reading the snapshot: the first items of each
    array, long strings cut. Never compared."""
    if _depth > SAMPLE_DEPTH:
        return "…"
    if isinstance(value, dict):
        return {
            key: REDACTED
            if is_secret_name(str(key)) and item is not None
            else short_sample(item, _depth=_depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [short_sample(item, _depth=_depth + 1) for item in value[:SAMPLE_ITEMS]]
    if isinstance(value, str):
        if _looks_secret(value):
            return REDACTED
        return value if len(value) <= SAMPLE_STRING else value[:SAMPLE_STRING] + "…"
    return value


def record_name(method: str, template: str) -> str:
    """The file name of a route's record, ``GET /rates/{base}`` -> ``get-rates-base``: one
    rule, so that automatic probes and downstream records of a route are named alike."""
    words = re.sub(r"[^A-Za-z0-9._]+", "-", template.replace("{", "").replace("}", "")).strip("-")
    return f"{method.lower()}-{words or 'root'}"[:100].rstrip("-.")


@dataclass(frozen=True)
class ResponseRecord:
    """One recorded response: what was asked, and the status, media type and shape answered.

    ``request`` is None for records of parsed JSON (the pytest fixture's
    ``driftguard.check(response.json())``), as is ``status``.
    """

    status: int | None
    media_type: str | None
    shape: Shape | None
    request: Mapping[str, Any] | None = None
    sample: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(
        cls,
        body: Any,
        *,
        status: int | None = None,
        media_type: str | None = "application/json",
        request: Mapping[str, Any] | None = None,
        ignore: PathMatcher | tuple[str, ...] | list[str] = (),
    ) -> ResponseRecord:
        """A record of a parsed JSON body, redacted."""
        shape = redact_shape(infer_shape(body, ignore=PathMatcher.of(ignore)))
        # short_sample redacts what it keeps; redacting the whole body first copied all of it.
        return cls(status, media_type, shape, request, short_sample(body))

    @classmethod
    def from_response(
        cls,
        response: Any,
        *,
        request: Mapping[str, Any] | None = None,
        ignore: PathMatcher | tuple[str, ...] | list[str] = (),
    ) -> ResponseRecord:
        """A record of an httpx (or requests, or TestClient) response that has been read."""
        status = int(response.status_code)
        media_type = media_type_of(response.headers.get("content-type"))
        content = response.content
        if not content or not is_json_media_type(media_type):
            return cls(status, media_type, None, request)
        try:
            body = json.loads(content)
        except ValueError:
            return cls(status, media_type, None, request, extra={"invalid_json": True})
        return cls.from_json(
            body, status=status, media_type=media_type, request=request, ignore=ignore
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": RECORD_VERSION,
            "status": self.status,
            "media_type": self.media_type,
            "shape": None if self.shape is None else self.shape.to_dict(),
        }
        if self.request is not None:
            data["request"] = dict(self.request)
        if self.sample is not None:
            data["sample"] = self.sample
        data.update(self.extra)
        return data

    def same_contract(self, other: ResponseRecord) -> bool:
        """Equal but for the sample and the examples: nothing a check would report."""
        mine = None if self.shape is None else self.shape.signature(styles=True)
        theirs = None if other.shape is None else other.shape.signature(styles=True)
        return (
            self.status == other.status
            and self.media_type == other.media_type
            and mine == theirs
            and dict(self.request or {}) == dict(other.request or {})
        )

    @classmethod
    def from_dict(cls, data: Any, *, where: str) -> ResponseRecord:
        """Read a record; anything malformed is a SnapshotError naming ``where``."""
        if not isinstance(data, dict):
            raise SnapshotError(f"{where}: corrupt snapshot: expected a JSON object")
        version = data.get("version", RECORD_VERSION)
        if version != RECORD_VERSION:
            raise SnapshotError(
                f"{where}: snapshot record version {version!r} is not supported "
                f"(this driftguard reads version {RECORD_VERSION})"
            )
        status = data.get("status")
        if status is not None and (not isinstance(status, int) or isinstance(status, bool)):
            raise SnapshotError(f"{where}: corrupt snapshot: 'status' must be a number")
        media_type = data.get("media_type")
        if media_type is not None and not isinstance(media_type, str):
            raise SnapshotError(f"{where}: corrupt snapshot: 'media_type' must be a string")
        request = data.get("request")
        if request is not None and not isinstance(request, dict):
            raise SnapshotError(f"{where}: corrupt snapshot: 'request' must be an object")
        shape = None
        if data.get("shape") is not None:
            try:
                shape = Shape.from_dict(data["shape"])
            except ValueError as exc:
                raise SnapshotError(f"{where}: corrupt snapshot: shape {exc}") from None
        known = {"version", "status", "media_type", "shape", "request", "sample"}
        extra = {k: v for k, v in data.items() if k not in known}
        return cls(status, media_type, shape, request, data.get("sample"), extra)


def _parse_json_file(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such snapshot file") from None
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: corrupt snapshot: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}: corrupt snapshot: not JSON ({exc.msg} at line {exc.lineno} "
            f"column {exc.colno}); fix or delete it"
        ) from None


def read_record(path: str | os.PathLike[str]) -> ResponseRecord:
    """One record file, e.g. ``snapshots/tests/test_users/test_get_user.json``."""
    file = Path(path)
    return ResponseRecord.from_dict(_parse_json_file(file), where=str(file))


def write_record(path: str | os.PathLike[str], record: ResponseRecord) -> None:
    """Write one record atomically (readers see the old file or the new one)."""
    try:
        atomic_write_text(path, canonical_json(record.to_dict()))
    except DriftguardError as exc:
        raise SnapshotError(str(exc)) from None


@dataclass(frozen=True)
class Snapshot:
    """A snapshot directory as read: the OpenAPI document and one record per probe."""

    directory: Path
    spec: dict[str, Any] | None
    records: Mapping[str, ResponseRecord]


@dataclass
class SnapshotChanges:
    """What a write replaced, so that nothing is ever overwritten silently."""

    directory: Path
    spec: str  # "created", "replaced", "unchanged", or "none" (no document written)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.directory / SPEC_FILE}: {self.spec}"] if self.spec != "none" else []
        for label, names in (
            ("new", self.added),
            ("replaced (shape, status or request changed)", self.changed),
            ("rewritten (same contract, new sample)", self.refreshed),
            ("removed (no longer probed)", self.removed),
        ):
            if names:
                out.append(f"{len(names)} probe(s) {label}: {', '.join(sorted(names))}")
        return out


@contextlib.contextmanager
def _locked(directory: Path, *, exclusive: bool) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover
        yield
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        raise SnapshotError(f"{directory}: cannot open: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _finish_interrupted_swap(directory: Path) -> None:
    """Complete a swap that a crash interrupted (call under the exclusive lock).

    The staging directory named by the journal was complete before the journal was
    written, so rolling forward is always right; every step can be repeated.
    """
    journal = directory / _JOURNAL
    try:
        name = journal.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return
    stage = directory / name
    if name.startswith(_STAGING) and "/" not in name and stage.is_dir():
        staged_responses = stage / RESPONSES
        if staged_responses.is_dir():
            current = directory / RESPONSES
            if current.exists():
                current.rename(stage / "replaced-responses")
            staged_responses.rename(current)
        staged_spec = stage / SPEC_FILE
        if staged_spec.exists():
            os.replace(staged_spec, directory / SPEC_FILE)
    journal.unlink(missing_ok=True)
    shutil.rmtree(stage, ignore_errors=True)


def _sweep_stale_staging(directory: Path, *, older_than: float = 3600.0) -> None:
    """Staging directories of writers that died before swapping (under the exclusive lock)."""
    now = time.time()
    for entry in directory.glob(_STAGING + "*"):
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime > older_than:
                shutil.rmtree(entry, ignore_errors=True)


def load_snapshot(directory: str | os.PathLike[str]) -> Snapshot:
    """Read a snapshot directory written by ``driftguard snapshot``; corrupt files raise."""
    root = Path(directory)
    if not root.is_dir():
        raise SnapshotError(f"{root}: no snapshot here (run 'driftguard snapshot' to create it)")
    if (root / _JOURNAL).exists():
        with _locked(root, exclusive=True):
            _finish_interrupted_swap(root)
    with _locked(root, exclusive=False):
        spec_path = root / SPEC_FILE
        spec = None
        if spec_path.exists():
            spec = _parse_json_file(spec_path)
            if not isinstance(spec, dict):
                raise SnapshotError(f"{spec_path}: corrupt snapshot: expected a JSON object")
        records: dict[str, ResponseRecord] = {}
        responses = root / RESPONSES
        if responses.is_dir():
            for file in sorted(responses.glob("*.json")):
                records[file.stem] = read_record(file)
        if spec is None and not records:
            raise SnapshotError(
                f"{root}: no snapshot here (no {SPEC_FILE}; run 'driftguard snapshot')"
            )
        return Snapshot(root, spec, records)


def write_snapshot(
    directory: str | os.PathLike[str],
    spec: Mapping[str, Any] | None,
    records: Mapping[str, ResponseRecord],
    *,
    previous: Snapshot | None = None,
) -> SnapshotChanges:
    """Replace the snapshot's ``openapi.json`` and ``responses/`` in one step.

    ``previous`` (the snapshot as loaded before) is only used to say what changed; the
    caller loads it first so that a corrupt snapshot stops the run before anything is
    written. Everything else in the directory (the pytest fixture's ``tests/``) is kept.
    """
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
        stage = root / f"{_STAGING}{os.getpid()}-{secrets.token_hex(4)}"
        (stage / RESPONSES).mkdir(parents=True)
    except OSError as exc:
        raise SnapshotError(f"{root}: cannot write the snapshot: {exc.strerror or exc}") from None
    try:
        if spec is not None:
            _write_plain(stage / SPEC_FILE, canonical_json(spec))
        for name, record in sorted(records.items()):
            _write_plain(stage / RESPONSES / f"{name}.json", canonical_json(record.to_dict()))
        with _locked(root, exclusive=True):
            _finish_interrupted_swap(root)
            changes = _changes(root, spec, records, previous)
            atomic_write_text(root / _JOURNAL, stage.name + "\n")
            _finish_interrupted_swap(root)
            _sweep_stale_staging(root)
        return changes
    except DriftguardError as exc:
        raise SnapshotError(str(exc)) from None
    except OSError as exc:
        raise SnapshotError(f"{root}: cannot write the snapshot: {exc.strerror or exc}") from None
    finally:
        if stage.exists() and not (root / _JOURNAL).exists():
            shutil.rmtree(stage, ignore_errors=True)


def _write_plain(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _changes(
    root: Path,
    spec: Mapping[str, Any] | None,
    records: Mapping[str, ResponseRecord],
    previous: Snapshot | None,
) -> SnapshotChanges:
    old_records: Mapping[str, ResponseRecord] = previous.records if previous else {}
    old_spec = previous.spec if previous else None
    if previous is None and (root / SPEC_FILE).exists():
        old_spec = {}  # unreadable or unread: report it as replaced, never as new
    if spec is None:
        spec_state = "none"
    elif old_spec is None:
        spec_state = "created"
    else:
        spec_state = "unchanged" if canonical_json(old_spec) == canonical_json(spec) else "replaced"
    changes = SnapshotChanges(root, spec_state)
    old_names = set(old_records)
    if previous is None and (root / RESPONSES).is_dir():
        old_names = {p.stem for p in (root / RESPONSES).glob("*.json")}
    for name, record in sorted(records.items()):
        before = old_records.get(name)
        if name not in old_names:
            changes.added.append(name)
        elif before is None or not before.same_contract(record):
            changes.changed.append(name)
        else:
            changes.refreshed.append(name)
    changes.removed = sorted(old_names - set(records))
    return changes
