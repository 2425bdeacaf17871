"""The response record: what was asked, and the status, media type and shape answered.

One record per file (``snapshots/responses/<probe>.json``, the pytest fixture's
``snapshots/tests/...``, a downstream service's ``snapshots/downstream/<service>/...``),
all in this format. A record never holds a secret: its sample and request go through the
one redaction rule set (:mod:`driftguard._redact`), and a shape keeps no example under a
credential's name or that looks like one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from driftguard._errors import SnapshotError
from driftguard._http import is_json_media_type, media_type_of
from driftguard._redact import is_secret_name, looks_secret, redact
from driftguard._types import Json
from driftguard.shapes import PathMatcher, Shape, infer_shape
from driftguard.shapes.values import ValueRule, select_values, selection_rule

__all__ = ["RECORD_VERSION", "ResponseRecord", "record_name", "redact_shape"]

RECORD_VERSION = 1


def redact_shape(shape: Shape, *, secret: bool = False) -> Shape:
    """The shape with examples dropped under credential names and where they look secret."""
    example = None if secret or looks_secret(shape.example) else shape.example
    items = None if shape.items is None else redact_shape(shape.items, secret=secret)
    values = None if shape.values is None else redact_shape(shape.values, secret=secret)
    fields = {
        name: redact_shape(child, secret=secret or is_secret_name(name))
        for name, child in shape.fields.items()
    }
    return replace(
        shape, example=example, items=items, fields=MappingProxyType(fields), values=values
    )


def record_name(method: str, template: str) -> str:
    """The file name of a route's record, ``GET /rates/{base}`` -> ``get-rates-base``: one
    rule, so that automatic probes and downstream records of a route are named alike."""
    words = re.sub(r"[^A-Za-z0-9._]+", "-", template.replace("{", "").replace("}", "")).strip("-")
    return f"{method.lower()}-{words or 'root'}"[:100].rstrip("-.")


@dataclass(frozen=True)
class ResponseRecord:
    """One recorded response: what was asked, and the status, media type and shape answered.

    ``request`` is None for records of parsed JSON (the pytest fixture's
    ``driftguard.check(response.json())``), as is ``status``. A request that got no answer
    at all (a dropped connection, a timeout) is recorded with status 0 and its ``error``.
    ``values`` is the redacted part of the body whose values are compared
    (:mod:`driftguard.shapes.values`), None when the probe compares none.
    """

    status: int | None
    media_type: str | None
    shape: Shape | None
    request: Mapping[str, Any] | None = None
    sample: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    values: Any = None

    @classmethod
    def no_answer(cls, request: Mapping[str, Any] | None, error: str) -> ResponseRecord:
        return cls(0, None, None, request, extra={"error": error})

    @property
    def error(self) -> str | None:
        """Why no answer came (status 0), else None."""
        if self.status != 0:
            return None
        return str(self.extra.get("error") or "no answer")

    @classmethod
    def from_json(
        cls,
        body: Json,
        *,
        status: int | None = None,
        media_type: str | None = "application/json",
        request: Mapping[str, Any] | None = None,
        ignore: PathMatcher | tuple[str, ...] | list[str] = (),
        values: ValueRule | None = None,
    ) -> ResponseRecord:
        """A record of a parsed JSON body, redacted; ``values`` says which values it keeps
        for comparison (by default, for a 4xx, the codes of FastAPI's error body)."""
        matcher = PathMatcher.of(ignore)
        shape = redact_shape(infer_shape(body, ignore=matcher))
        rule = selection_rule(values, status)
        chosen = None if rule is None else select_values(body, rule, ignore=matcher)
        # A sample redacts what it keeps; redacting the whole body first copied all of it.
        sample = redact(body, sample=True)
        return cls(status, media_type, shape, request, sample, values=chosen)

    @classmethod
    def from_response(
        cls,
        response: Any,
        *,
        request: Mapping[str, Any] | None = None,
        ignore: PathMatcher | tuple[str, ...] | list[str] = (),
        values: ValueRule | None = None,
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
            body,
            status=status,
            media_type=media_type,
            request=request,
            ignore=ignore,
            values=values,
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
        if self.values is not None:
            data["values"] = self.values
        data.update(redact(dict(self.extra)))  # an exception text may quote a credential
        return data

    def contract(self) -> tuple[Any, ...]:
        """What a check holds a response to: status, media type, shape (with its styles),
        request and the compared values; never the sample nor the examples, which change on
        every call.

        The one rule of when a stored record is rewritten (:func:`~.store.write_snapshot`
        keeps a file whose contract is unchanged, byte for byte): a part that a check
        compares joins this tuple, and then it decides rewrites too.
        """
        return (
            self.status,
            self.media_type,
            None if self.shape is None else self.shape.signature(styles=True),
            dict(self.request or {}),
            _canonical(self.values),
        )

    def same_contract(self, other: ResponseRecord) -> bool:
        """Equal but for the sample and the examples: nothing a check would report."""
        return self.contract() == other.contract()

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
        known = {"version", "status", "media_type", "shape", "request", "sample", "values"}
        extra = {k: v for k, v in data.items() if k not in known}
        sample = data.get("sample")
        return cls(status, media_type, shape, request, sample, extra, data.get("values"))


def _canonical(values: Any) -> str:
    """Values as the file writes them: ``1`` and ``1.0``, ``true`` and ``1`` differ."""
    return json.dumps(values, sort_keys=True)
