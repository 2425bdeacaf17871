"""Every rule has a one-line description, derived from its own message template."""

from __future__ import annotations

import re

import pytest

from driftguard.rules import RULES
from driftguard.rules.describe import description


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_has_a_one_line_description_without_placeholders(rule_id: str) -> None:
    text = description(rule_id)
    assert text.strip() == text
    assert 8 <= len(text) <= 150, text
    assert "\n" not in text
    assert not re.search(r"[{}]", text), text  # no unfilled {placeholder}
    assert "  " not in text, text
    assert not re.search(r"[:;,(]$", text), text  # nothing left dangling where a value was
    assert "''" not in text, text  # no quotes left around a removed name


def test_descriptions_keep_the_change_and_drop_the_values() -> None:
    assert description("request-parameter-max-decreased") == "parameter maximum decreased"
    assert description("response-property-became-nullable") == ("response property became nullable")
    assert description("request-body-min-length-unset") == "request body min length removed"
    assert description("response-success-status-removed") == "success status removed"
    assert description("component-renamed") == "component schema was renamed"
    assert description("api-path-removed-without-deprecation") == (
        "path was removed without being deprecated first"
    )
    assert description("response-field-removed") == (
        "field is missing from the response of a probe"
    )


def test_a_template_that_only_holds_what_a_run_found_takes_its_explanation() -> None:
    # "server error: {cause}" and "{probe} answered {new} instead of {old}" say nothing alone
    assert description("server-error") == (
        "the server answered 5xx, or no valid answer at all (an in-process app raised, a "
        "response header is not valid HTTP, the connection closed unanswered)"
    )
    assert description("response-status-changed") == (
        "the probe was answered with another status code than the one recorded"
    )


def test_descriptions_tell_most_rules_apart() -> None:
    # a few pairs differ only in a value the description drops (type-changed vs -compatible
    # keeps its word, request and response sides keep theirs)
    texts = [description(rule_id) for rule_id in RULES]
    assert len(set(texts)) > 0.9 * len(texts)


def test_an_unknown_id_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no-such-rule"):
        description("no-such-rule")
