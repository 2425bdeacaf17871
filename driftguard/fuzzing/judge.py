"""Judging one exchange: schemathesis' checks on the answer, mapped onto driftguard's causes.

Each response goes through schemathesis' own checks (status codes, media types, response
schemas, acceptance of invalid and rejection of valid data, missing headers), and their
failures become :class:`~driftguard.fuzzing.evidence.Cause` values located at what is at fault
(a field, a status, an exception), never at the data, so findings are stable across seeds.
The parts that need no schemathesis object are in :mod:`driftguard.fuzzing.causes`.

The fuzz engine (:mod:`driftguard.fuzzing.engine`) calls it for every answer.
"""

from __future__ import annotations

import http
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import schemathesis
from schemathesis.checks import CheckContext
from schemathesis.core import NotSet
from schemathesis.core.failures import AcceptedNegativeData, Failure
from schemathesis.core.jsonschema import make_validator
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import (
    REQUEST_SHAPE_PROBES,
    CoverageScenario,
    coverage_scenario,
)
from schemathesis.openapi.checks import (
    JsonSchemaError,
    MissingContentType,
    MissingHeaderNotRejected,
    RejectedPositiveData,
    UndefinedContentType,
    UndefinedStatusCode,
)
from schemathesis.specs.openapi import checks as st_checks

from driftguard.findings import Severity
from driftguard.fuzzing._compat import body_for_media_type, is_negative_at, is_unreadable_body
from driftguard.fuzzing.auth import Slot, has_credentials
from driftguard.fuzzing.causes import (
    business_rejection,
    clip,
    error_pointer,
    exception_cause,
    framework_answer,
    invalid_headers,
    missing_header,
    page_size_exceeded,
    rejected_valid,
    schema_violation,
    status_cause,
    undocumented_status,
    unenforced_auth,
    unique,
)
from driftguard.fuzzing.evidence import COERCED, Cause
from driftguard.fuzzing.reading import (
    query_list_valid,
    sent_query_value_is_invalid,
    sent_value_is_valid,
    split_header_list,
)
from driftguard.fuzzing.schema import keyword, lax_coerce
from driftguard.fuzzing.transport import Exchange

__all__ = ["CHECKS_CONFIG", "Judge", "check_context", "leaves"]

# The checks whose failures driftguard reports (others: server errors, auth and resources
# are judged here or in the probes).
_CHECKS = (
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    st_checks.negative_data_rejection,
    st_checks.positive_data_acceptance,
    st_checks.missing_required_header,
)
# Only a 2xx to invalid data, or to a request missing a required header, is a finding.
_NOT_2XX = ["1xx", "3xx", "4xx", "5xx"]
CHECKS_CONFIG = {
    "checks": {
        "negative_data_rejection": {"expected-statuses": _NOT_2XX},
        "missing_required_header": {"expected-statuses": _NOT_2XX},
    }
}


def check_context(operation: Any, headers: dict[str, str]) -> CheckContext:
    """The context an operation's answers are checked in; ``headers`` are the supplied ones."""
    from requests.structures import CaseInsensitiveDict

    config = operation.schema.config.checks_config_for(operation=operation, phase="fuzzing")
    return CheckContext(
        override=None,
        auth=None,
        headers=CaseInsensitiveDict(headers) if headers else None,
        config=config,
        transport_kwargs=None,
        response_checks=None,
    )


@dataclass(frozen=True)
class Judge:
    """Reads what one exchange of a run shows; holds what stays the same for the whole run."""

    # accepted coercions are breaking, and the framework's own answers count
    strict: bool
    # the path of the run's base URL, where the app's routes start
    base_path: str
    # the names of the headers the user supplied, lower-cased
    supplied: frozenset[str]

    def causes(
        self,
        operation: Any,
        case: Any,
        context: CheckContext,
        prepared: Any,
        exchange: Exchange,
        slots: list[Slot],
    ) -> list[Cause]:
        """The causes an answer shows; ``slots`` are the operation's credential slots."""
        if exchange.error is not None:
            return [exception_cause(exchange.error)]
        causes: list[Cause] = invalid_headers(exchange)
        status = exchange.status
        scenario = coverage_scenario(case)
        if scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD and status == 501:
            return causes  # "not implemented" is a fine answer to a method nobody declared
        if status >= 500:
            causes.append(status_cause(status, exchange.request))
        if scenario in REQUEST_SHAPE_PROBES or status >= 500:
            return causes
        framework = not self.strict and framework_answer(
            exchange, route=operation.path, base_path=self.base_path
        )
        response = _schemathesis_response(exchange, prepared)
        failures = _failures(context, response, case)
        for failure in failures:
            causes.extend(
                self._failure_causes(operation, case, exchange, failure, slots, framework=framework)
            )
        missed = not any(isinstance(f, AcceptedNegativeData) for f in failures)
        if missed and exchange.succeeded and sent_query_value_is_invalid(case, exchange):
            causes.extend(self._accepted_invalid(operation, case, exchange, slots))
        causes.extend(_auth_causes(case, exchange, slots))
        causes.extend(page_size_exceeded(exchange, _query_maxima(operation)))
        return unique(causes)

    def _failure_causes(
        self,
        operation: Any,
        case: Any,
        exchange: Exchange,
        failure: Failure,
        slots: list[Slot],
        *,
        framework: bool,
    ) -> list[Cause]:
        status = exchange.status
        if isinstance(failure, UndefinedStatusCode):
            if framework:
                return []
            return [undocumented_status(status, failure.defined_status_codes)]
        if isinstance(failure, UndefinedContentType | MissingContentType):
            if framework:
                return []
            content_type = (getattr(failure, "content_type", None) or "(none)").split(";")[0]
            media_types: list[str] = list(
                getattr(failure, "defined_content_types", None)
                or getattr(failure, "media_types", None)
                or []
            )
            return [
                Cause(
                    "undocumented-content-type",
                    f"response {status} {content_type}",
                    {
                        "status": status,
                        "content_type": content_type,
                        "documented": ", ".join(media_types),
                    },
                )
            ]
        if isinstance(failure, JsonSchemaError):
            return [
                schema_violation(
                    status,
                    instance_path=failure.instance_path,
                    schema_path=failure.schema_path,
                    schema=failure.schema,
                    instance=failure.instance,
                    message=failure.validation_message,
                )
            ]
        if is_unreadable_body(failure):
            return [
                Cause(
                    "response-schema-violation",
                    f"response {status} body",
                    {"status": status, "cause": f"the body cannot be read: {failure.title}"},
                )
            ]
        if isinstance(failure, AcceptedNegativeData):
            if not exchange.succeeded:
                return []
            return self._accepted_invalid(operation, case, exchange, slots)
        if isinstance(failure, RejectedPositiveData):
            if business_rejection(exchange) or split_header_list(exchange, operation):
                return []
            return [rejected_valid(exchange)]
        if isinstance(failure, MissingHeaderNotRejected):
            name = failure.header_name
            if not exchange.succeeded or self._credential_header(name, slots):
                return []
            return [missing_header(name, status)]
        return []

    def _credential_header(self, name: str, slots: list[Slot]) -> bool:
        """A header that carries credentials: supplied by the user or declared as security."""
        wanted = name.lower()
        if wanted in self.supplied:
            return True
        return any(s.where == "header" and s.name.lower() == wanted for s in slots)

    def _accepted_invalid(
        self, operation: Any, case: Any, exchange: Exchange, slots: list[Slot]
    ) -> list[Cause]:
        """One cause per invalid field of an accepted request (per parameter outside bodies)."""
        meta = case.meta
        request, status = exchange.request, exchange.status
        causes: list[Cause] = []
        data = meta.phase.data
        description = data.description or "invalid data"
        judged_elsewhere = False
        for location in (
            ParameterLocation.PATH,
            ParameterLocation.QUERY,
            ParameterLocation.HEADER,
            ParameterLocation.COOKIE,
        ):
            if not is_negative_at(meta, location):
                continue
            where = location.value
            for name in _negated_names(data, location):
                if location == ParameterLocation.HEADER:
                    if self._credential_header(name, slots):
                        judged_elsewhere = True  # as auth-not-enforced
                        continue
                    if request.header(name) is None:
                        causes.append(missing_header(name, status))
                        continue
                if location == ParameterLocation.QUERY and query_list_valid(case, request, name):
                    judged_elsewhere = True  # FastAPI reads `tags=0` as [0]: valid
                    continue
                if sent_value_is_valid(case, request, location, name):
                    judged_elsewhere = True  # `[0.0]` for an integer is sent `0.0`: valid
                    continue
                causes.append(
                    Cause(
                        "accepted-invalid-input",
                        f"request {where} {name}",
                        {"cause": f"{where} parameter {name}: {description}", "field": name},
                    )
                )
        if is_negative_at(meta, ParameterLocation.BODY):
            causes.extend(self._body_causes(operation, case, description))
        if not causes and not judged_elsewhere:
            causes.append(Cause("accepted-invalid-input", "request", {"cause": description}))
        return causes

    def _body_causes(self, operation: Any, case: Any, description: str) -> list[Cause]:
        body = case.body
        if isinstance(body, bytes | NotSet):
            what = "a body that is not valid JSON" if isinstance(body, bytes) else "no body"
            return [
                Cause(
                    "accepted-invalid-input",
                    "request body (malformed)" if isinstance(body, bytes) else "request body",
                    {"cause": f"{what} was accepted ({description})", "field": "(body)"},
                )
            ]
        alternative = body_for_media_type(operation, case.media_type)
        if alternative is None:
            return []
        schema = alternative.optimized_schema
        try:
            validator = make_validator(schema, operation.schema.adapter.jsonschema_validator_cls)
            errors = list(validator.iter_errors(body))
            remaining = {
                error_pointer(e, schema)
                for e in validator.iter_errors(lax_coerce(body, schema, schema))
            }
        except Exception:  # a schema the validator cannot read (e.g. a non-ECMA pattern)
            return []
        causes = []
        for error in errors:
            pointer = error_pointer(error, schema)
            coercion = pointer not in remaining
            details: dict[str, Any] = {
                "cause": f"body {pointer}: {clip(error.message)}",
                "field": pointer,
                "keyword": error.kind.name,
                "coercion": coercion,
            }
            severity = None
            if coercion:
                details["cause"] += " (Pydantic's lax mode coerces it)"
                severity = None if self.strict else Severity.WARNING
            location = f"request body {pointer}" + (COERCED if coercion else "")
            causes.append(Cause("accepted-invalid-input", location, details, severity))
        return causes


def _auth_causes(case: Any, exchange: Exchange, slots: list[Slot]) -> list[Cause]:
    """A secured operation that answered 2xx to a request without real credentials."""
    if not slots or not exchange.succeeded:
        return []
    meta = case.meta
    if meta is not None and is_negative_at(meta, ParameterLocation.PATH):
        return []  # the request may not have reached the operation's route at all
    if has_credentials(exchange.request, slots):
        return []  # credentials that may be valid (supplied) or not: the probe decides
    return [unenforced_auth("without credentials", exchange.status, slots)]


def _query_maxima(operation: Any) -> dict[str, int | float]:
    """The documented ``maximum`` of each query parameter that has one."""
    maxima: dict[str, int | float] = {}
    for parameter in operation.query:
        schema = parameter.validation_schema
        maximum = keyword(schema, schema, "maximum")
        if isinstance(maximum, int | float) and not isinstance(maximum, bool):
            maxima[parameter.name] = maximum
    return maxima


def leaves(exc: BaseException) -> Iterator[BaseException]:
    """The exceptions inside (nested) exception groups, or ``exc`` itself."""
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from leaves(inner)
    else:
        yield exc


def _failures(context: CheckContext, response: Any, case: Any) -> list[Failure]:
    failures: list[Failure] = []
    for check in _CHECKS:
        try:
            check(context, response, case)
        except Failure as failure:
            failures.append(failure)
        except BaseExceptionGroup as group:
            failures.extend(f for f in leaves(group) if isinstance(f, Failure))
        except Exception:  # a check that cannot read this answer says nothing
            continue
    return failures


def _schemathesis_response(exchange: Exchange, prepared: Any) -> Any:
    try:
        reason = http.HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    encoding = None
    content_type = exchange.content_type or ""
    if "charset=" in content_type:
        encoding = content_type.split("charset=", 1)[1].split(";")[0].strip() or None
    return schemathesis.Response(
        status_code=exchange.status,
        headers={name: list(values) for name, values in exchange.headers.items()},
        content=exchange.content,
        request=prepared,
        elapsed=exchange.elapsed,
        verify=True,
        message=reason,
        encoding=encoding,
    )


def _negated_names(data: Any, location: ParameterLocation) -> list[str]:
    names = [
        m.parameter
        for m in getattr(data, "mutations", ())
        if m.parameter_location == location and m.parameter
    ]
    if not names and data.parameter and data.parameter_location == location:
        names = [data.parameter]
    return list(dict.fromkeys(names)) or ["*"]
