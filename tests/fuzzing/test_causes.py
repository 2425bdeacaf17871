"""Causes read off an answer: located at what is at fault, never at the data."""

from __future__ import annotations

from driftguard.fuzzing.causes import exception_cause
from driftguard.fuzzing.transport import NoAnswer


def test_an_exception_cause_names_type_and_function_not_line() -> None:
    def handler() -> None:
        raise KeyError("missing")

    try:
        handler()
    except KeyError as exc:
        cause = exception_cause(exc)
    assert cause.location == "exception KeyError in handler"
    assert cause.details["exception"]["message"] == "'missing'"
    assert exception_cause(NoAnswer("no answer within 1s")).location == "no answer"
