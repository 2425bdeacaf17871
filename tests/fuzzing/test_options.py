"""The settings of a fuzz run: arguments, then configuration, then defaults."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard import ConfigError, UsageError
from driftguard._config import Config
from driftguard.fuzzing.options import resolve_options


def test_options_layer_config_then_arguments_and_expand_variables() -> None:
    config = Config.model_validate(
        {
            "headers": {"X-Tenant": "acme", "Authorization": "Bearer ${DG_OPT_TOKEN}"},
            "fuzz": {"max_examples": 7, "headers": {"x-tenant": "beta"}},
        }
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DG_OPT_TOKEN", "t0ken")
        options = resolve_options(
            config, concurrency=3, headers=[("X-Extra", "1")], operations=["post /a"]
        )
    assert options.max_examples == 7
    assert options.concurrency == 3
    assert options.headers == {"Authorization": "Bearer t0ken", "x-tenant": "beta", "X-Extra": "1"}
    assert options.templates == {"Authorization": "Bearer ${DG_OPT_TOKEN}"}
    assert options.operations == ("POST /a",)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"headers": {"Bad Name": "x"}}, UsageError, "not a valid HTTP header name"),
        ({"headers": {"X": "a\nb"}}, UsageError, "one line"),
        ({"operations": ["users"]}, UsageError, "not an operation"),
        ({"max_examples": 0}, UsageError, "at least 1"),
        ({"headers": {"X": "${DG_SURELY_UNSET}"}}, ConfigError, "DG_SURELY_UNSET is not set"),
    ],
)
def test_bad_options_are_one_line_errors(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        resolve_options(None, **kwargs)
