"""The error tree and the one rule for an exception in a one-line message."""

from __future__ import annotations

import driftguard
from driftguard._errors import first_line, one_line


def test_every_public_error_is_a_driftguard_error_with_exit_code_2() -> None:
    for name in ("ConfigError", "LoadError", "RefError", "SnapshotError", "TargetError"):
        error = getattr(driftguard, name)("x")
        assert isinstance(error, driftguard.DriftguardError)
        assert error.exit_code == 2
    assert issubclass(driftguard.RefError, driftguard.LoadError)


def test_one_line_is_the_type_and_the_first_line_of_the_message() -> None:
    assert one_line(ValueError("bad value\n  more detail\n")) == "ValueError: bad value"
    assert one_line(ValueError("\n\n  indented first\nsecond")) == "ValueError: indented first"
    assert one_line(KeyError()) == "KeyError"
    assert one_line(RuntimeError("   ")) == "RuntimeError"


def test_first_line_skips_blank_lines() -> None:
    assert first_line("\n \nwarning: something\nnext") == "warning: something"
    assert first_line("") == ""
