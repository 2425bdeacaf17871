"""Every rule explains itself, in words that agree with its severity and its side."""

from __future__ import annotations

import re

import pytest

from driftguard.rules import RULES
from driftguard.rules.explain import _unexplained, explain

SEVERITY_WORDS = ("breaking", "warning", "info")


def test_every_rule_has_an_explanation() -> None:
    assert _unexplained() == []
    for rule_id in RULES:
        text = explain(rule_id)
        assert 60 < len(text) < 700, rule_id
        assert text.endswith("."), rule_id
        assert "{" not in text, rule_id
        assert "  " not in text, rule_id


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_an_explanation_names_its_own_severity_and_no_other_as_its_verdict(rule_id: str) -> None:
    text, severity = explain(rule_id), RULES[rule_id].severity.value
    assert re.search(rf"\b{severity}\b", text), text
    for other in SEVERITY_WORDS:
        if other != severity:
            assert not re.search(rf"(so it is|is|: a|:) {other}\b", text), text


def test_an_unknown_id_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no-such-rule"):
        explain("no-such-rule")


def test_matrix_rules_say_the_place_the_change_and_the_side_of_the_rule() -> None:
    text = explain("request-property-max-length-decreased")
    assert text.startswith("The place is a property of the request body")
    assert "maxLength" in text
    assert "lowered" in text
    assert "a request that used to be valid may now be refused" in text
    assert text.endswith("so it is breaking.")

    text = explain("response-property-max-length-decreased")
    assert "only narrows what the server sends" in text
    assert text.endswith("so it is info.")

    text = explain("response-property-became-nullable")
    assert "null is now one of its values" in text
    assert "a response a client used to accept must stay acceptable" in text


def test_a_new_bound_is_a_warning_on_requests_and_info_on_responses() -> None:
    assert "A new bound where there was none is a warning" in explain("request-body-min-set")
    assert "where there was none" in explain("request-parameter-max-length-set")
    assert explain("response-property-min-items-set").endswith("so it is info.")


def test_ids_that_checks_md_classes_apart_give_their_own_reason() -> None:
    assert "a client that leaves the parameter out" in explain(
        "request-parameter-default-value-changed"
    )
    assert "unlike a new oneOf branch" in explain("response-property-any-of-added")
    assert "warning" in explain("request-parameter-property-type-changed")
    assert "switches over the listed values" in explain("response-property-enum-value-added")


def test_hand_written_rules_read_as_written() -> None:
    assert "Deprecating first" in explain("api-removed-without-deprecation")
    assert "re-spelling" in explain("response-property-renamed")
    assert "curl" in explain("server-error")
    assert "replaying a probe" in explain("response-field-type-changed")
    assert "Review it by hand" in explain("api-security-removed")
