"""What differs between the schemathesis releases driftguard supports, bridged in one place.

pyproject.toml states the range (``[project.optional-dependencies] fuzz``) and ``make
test-compat`` runs the fuzz tests at both of its ends. Code that needs something one end has
and the other does not asks this module; a release that moves a name is one edit here. Each
bridge asks schemathesis what it has (a name, a parameter) rather than its version number.

Found by running tests/fuzzing's compat subset with 4.30.0, 4.30.1, 4.31.0 and 4.32.5 (4.32.0's
names looked at only); 4.30.1 is the oldest that passes them:

- 4.32.3 and older build coverage cases from ``CoverageGenerator(as_strategy_kwargs=...)``,
  not ``override=``, and their ``Override`` has no ``as_strategy_kwargs()``:
  :func:`coverage_cases` and :func:`strategy_kwargs` build either from the supplied headers.
- 4.32.0 and older (4.32.1 to 4.32.3 not looked at) have ``OpenApiParameter._get_validator()``
  only (:func:`parameter_validator`) and no ``APIOperation.get_body_for_media_type``
  (:func:`body_for_media_type`: an exact media type first, then their
  ``get_bodies_for_media_type``).
- 4.31 and older have no ``ContentDeserializationError``: a body that cannot be read is a
  plain ``Failure`` titled "Content deserialization error" (:func:`is_unreadable_body`).
- 4.32.4 and older have no ``CaseMetadata.is_negative_at`` (:func:`is_negative_at`).
- ``specs.openapi.utils.parameter_types`` and ``sent_text_is_valid`` are there from 4.30.0 on
  with the same answers, and so is ``generation.meta.REQUEST_SHAPE_PROBES``.
- 4.30.0 is not supported: it generates an ``Authorization`` value that is not ASCII
  (``Bearer \\x80``), which httpx cannot send, so fuzzing an app with bearer auth crashes;
  no shim here can send what HTTP cannot carry (4.30.1 keeps positive bearer tokens ASCII).
  4.29 and older were not tried (4.28 and older lack ``REQUEST_SHAPE_PROBES`` as well).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from schemathesis.core.failures import Failure
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.openapi import checks as _openapi_checks

__all__ = [
    "body_for_media_type",
    "coverage_cases",
    "is_negative_at",
    "is_unreadable_body",
    "parameter_validator",
    "strategy_kwargs",
]

# 4.31 and older: no class of its own; the title they give the plain Failure instead.
_UNREADABLE: type[Failure] | None = getattr(_openapi_checks, "ContentDeserializationError", None)
_UNREADABLE_TITLE = "Content deserialization error"


def is_negative_at(meta: Any, location: Any) -> bool:
    """Whether a case's component at ``location`` was generated in negative mode
    (``CaseMetadata.is_negative_at`` from 4.32.5 on; read from its components before)."""
    component = meta.components.get(location)
    return component is not None and bool(component.mode.is_negative)


def body_for_media_type(operation: Any, media_type: str | None) -> Any:
    """The body ``operation`` declares for ``media_type``, an exact match first, or None
    (``APIOperation.get_body_for_media_type`` from 4.32.4 on)."""
    own = getattr(operation, "get_body_for_media_type", None)
    if own is not None:
        return own(media_type)
    if media_type is None:
        return None
    for body in operation.body:
        if body.media_type == media_type:
            return body
    return next(operation.get_bodies_for_media_type(media_type), None)


def parameter_validator(parameter: Any) -> Any:
    """The JSON Schema validator of an OpenAPI parameter, cached on it
    (``get_validator()`` from 4.32.4 on, ``_get_validator()`` before)."""
    own = getattr(parameter, "get_validator", None)
    return own() if own is not None else parameter._get_validator()


def is_unreadable_body(failure: Failure) -> bool:
    """Whether a response check failed because the body cannot be read as its media type."""
    if _UNREADABLE is not None:
        return isinstance(failure, _UNREADABLE)
    return type(failure) is Failure and failure.title == _UNREADABLE_TITLE


def strategy_kwargs(headers: Mapping[str, str]) -> dict[str, Any]:
    """``as_strategy`` keyword arguments that fix the supplied headers' values (what
    ``Override(headers=...).as_strategy_kwargs()`` gives from 4.32.4 on)."""
    return {"headers": dict(headers)} if headers else {}


def coverage_cases(
    operation: Any, generation_config: Any, modes: list[Any], headers: Mapping[str, str]
) -> Iterable[Any]:
    """schemathesis's coverage-phase cases of ``operation``, the supplied headers fixed."""
    fixed: dict[str, Any]
    if "override" in inspect.signature(CoverageGenerator).parameters:
        from schemathesis.generation.overrides import Override

        fixed = {"override": Override(headers=dict(headers))}
    else:  # 4.32.3 and older
        fixed = {"as_strategy_kwargs": strategy_kwargs(headers)}
    generator: Iterable[Any] = CoverageGenerator(
        operation=operation,
        generation_modes=modes,
        generation_config=generation_config,
        auth_storage=None,
        feedback=FeedbackSources(),
        **fixed,
    )
    return generator
