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
        ({"login": {"username": "a"}}, UsageError, "login: password is required"),
        ({"login": {"username": "a", "password": "b", "pin": "1"}}, UsageError, "key 'pin'"),
        (
            {"login": {"username": "a", "password": "${DG_SURELY_UNSET}"}},
            ConfigError,
            "login password: environment variable DG_SURELY_UNSET is not set",
        ),
    ],
)
def test_bad_options_are_one_line_errors(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        resolve_options(None, **kwargs)


def test_serve_and_login_come_from_the_configuration_with_variables_kept() -> None:
    config = Config.model_validate(
        {"fuzz": {"serve": True, "login": {"username": "ada", "password": "${DG_OPT_PW}"}}}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DG_OPT_PW", "pa55")
        options = resolve_options(config)
    assert options.serve is True
    assert options.login is not None
    assert (options.login.username, options.login.password) == ("ada", "pa55")
    assert options.login.templates == {"password": "${DG_OPT_PW}"}
    assert (
        resolve_options(config, serve=False, login={"username": "b", "password": "c"}).serve
        is False
    )
