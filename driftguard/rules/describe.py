"""One line per rule for ``driftguard checks``, derived from the catalogue, never kept beside it.

A rule's message template already says what it reports; its placeholders only need to go.
Values (``from {old} to {new}``, ``(was {old})``, the branches or enum values listed after a
colon) are dropped with the words that introduce them; a name right after the noun it names
(``property '{property}'``, ``status {status}``, ``{in} parameter``) is dropped and the noun
kept; a field or a probe left in the sentence becomes "a field", "a probe". A template that
leads with the particulars only a finding has (``{probe} answered {new} instead of
{old}``) or is built around what a run found (``server error: {cause}``) says nothing once
they are gone, so such a rule takes the first sentence of its explanation instead.
"""

from __future__ import annotations

import re
from functools import cache

from driftguard.rules import get_rule

__all__ = ["description"]

# Applied in order; each removes or rewords one kind of placeholder.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # values and what introduces them
        (r" from '?\{old\}'? to '?\{new\}'?(?: items)?", ""),
        (
            r" \((?:was \{old\}|now \{new\}|documented: \{documented\}|as \{branch\}"
            r"|\{old\} -> \{new\})\)",
            "",
        ),
        (r"(?:: | for )\{(?:values|branches|cause)\}", ""),
        (r": \{old\} -> \{new\}", ""),
        (r" instead of \{old\}", ""),
        (r" (?:to|of|on) '?\{(?:new|old|to)\}'?", ""),
        (r"\{from\} -> \{to\} \(renamed\)", "renamed"),
        # a name after its noun, and the parameter's location before it
        (r" ?'?\{(?:property|parameter|header|name|tag|scheme|requirement|scopes)\}'?", ""),
        (r" ?'?\{(?:media|content_type|status|old|new|from|in|needed)\}'?", ""),
        (r" ?'?\{(?:sunset|value)(?:!r)?\}'?", ""),
        (r"\b(field|path) \{path\}", r"\1"),
        # what is left stands for a thing, or a number
        (r"\{(?:grace|days|breaking)\}", "N"),
        (r"\{path\}", "a field"),
        (r"\{probe\}", "a probe"),
    )
)
# Templates that say nothing without a finding's particulars.
_PARTICULAR = re.compile(r"^\{(?:cause|probe|path)\}|\{cause\}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@cache
def description(rule_id: str) -> str:
    """What ``rule_id`` reports, in one line without placeholders: ``response property became
    nullable``. A KeyError for an id the catalogue does not hold."""
    rule = get_rule(rule_id)
    if _PARTICULAR.search(rule.message):
        from driftguard.rules.explain import explain

        sentence = _SENTENCE_END.split(explain(rule_id), maxsplit=1)[0].rstrip(".")
        return sentence[:1].lower() + sentence[1:]
    text = rule.message
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return " ".join(text.split()).strip(" :;,")
