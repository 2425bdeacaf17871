"""Why each check exists: one paragraph per rule id, for a reviewer reading a report.

A message says what changed (``response property 'status' became nullable``); a reviewer
also wants to know why driftguard cares and why at that severity. The ~400 schema keyword
rules are the product of a place and a change (:data:`~driftguard.rules.schema.WHERE` x
:data:`~driftguard.rules.schema.CHANGES`), so their paragraphs are built the same way: what
the place is, what the change does to the values it admits, and why that has the rule's
severity on its side of the exchange. The rule behind almost all of them is CHECKS.md's: *a
request that used to be valid must stay valid, and a response that a client used to accept
must stay acceptable*. Every other rule has a hand-written paragraph (:mod:`._texts`).

The reason is picked by the rule's own severity, never assumed from the change, so a severity
set id by id in CHECKS.md can never be explained with the wrong word.
"""

from __future__ import annotations

from functools import cache

from driftguard.findings import Severity
from driftguard.rules import RULES, get_rule
from driftguard.rules._texts import TEXTS
from driftguard.rules.schema import BOUNDS, CHANGES, WHERE, schema_rule

__all__ = ["explain"]

B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO

# What a change does to the set of values a place admits.
NARROWS, WIDENS, REPLACES, NEW_BOUND, NEUTRAL = "narrows", "widens", "replaces", "new", "neutral"

_PLACES = {
    "request-parameter": "a request parameter: a value the client sends in the path, the query "
    "string, a header or a cookie",
    "request-parameter-property": "a property inside a request parameter whose value is an "
    "object (a query, header or cookie parameter serialized from several fields)",
    "request-header-property": "a property inside a request header whose value is an object",
    "request-body": "the request body as a whole: the schema of what the client sends",
    "request-property": "a property of the request body: a field, at any depth, of what the "
    "client sends",
    "response-body": "the response body as a whole: the schema of what the server sends back",
    "response-property": "a property of a response body: a field, at any depth, that clients read",
    "response-header": "a response header: a value the server sends beside the body",
}

# change -> (what happened, its effect on the values admitted)
_CHANGES: dict[str, tuple[str, str]] = {
    "type-changed": (
        "Its type changed to one that neither contains nor is contained in the old one "
        "(a string became an integer, an object an array).",
        REPLACES,
    ),
    "type-generalized": (
        "Its type was generalized: the new type admits every value of the old one and more "
        "(integer to number, int32 to int64, a format dropped).",
        WIDENS,
    ),
    "type-specialized": (
        "Its type was specialized: the new type admits only some of the old one's values "
        "(number to integer, a type or a format declared where there was none).",
        NARROWS,
    ),
    "type-compatible": (
        "Its format changed to another format of the same JSON type (date to date-time, say).",
        NEUTRAL,
    ),
    "list-of-types-narrowed": ("Its list of types (`type: [...]`) lost a type.", NARROWS),
    "list-of-types-widened": ("Its list of types (`type: [...]`) gained a type.", WIDENS),
    "became-nullable": ("It became nullable: null is now one of its values.", WIDENS),
    "became-not-nullable": ("It is no longer nullable: null is not a valid value now.", NARROWS),
    "became-enum": (
        "It became an enum: only the listed values are valid now, where any value of its type was.",
        NARROWS,
    ),
    "enum-removed": (
        "It is no longer an enum: any value of its type is valid now, not only the listed ones.",
        WIDENS,
    ),
    "enum-value-added": ("Its enum gained values.", WIDENS),
    "enum-value-removed": ("Its enum lost values.", NARROWS),
    "default-value-added": ("A default value was declared for it.", NEUTRAL),
    "default-value-removed": ("Its default value was removed.", NEUTRAL),
    "default-value-changed": ("Its default value changed.", NEUTRAL),
    "pattern-added": (
        "A pattern (a regular expression its strings must match) was added.",
        NARROWS,
    ),
    "pattern-removed": ("Its pattern was removed: any string is valid now.", WIDENS),
    "pattern-changed": ("Its pattern changed to another regular expression.", REPLACES),
    "pattern-generalized": ("Its pattern was replaced by one that matches any string.", WIDENS),
    "one-of-added": ("Its oneOf gained branches: a value may now take another shape.", WIDENS),
    "one-of-removed": ("Its oneOf lost branches: fewer shapes are valid.", NARROWS),
    "any-of-added": ("Its anyOf gained branches: a value may now take another shape.", WIDENS),
    "any-of-removed": ("Its anyOf lost branches: fewer shapes are valid.", NARROWS),
    "all-of-added": ("Its allOf gained a branch: a value must satisfy one more schema.", NARROWS),
    "all-of-removed": (
        "Its allOf lost a branch: a value no longer has to satisfy that schema.",
        WIDENS,
    ),
    "all-of-added-annotation-only": (
        "An allOf branch holding only annotations (a title, a description, examples) was added.",
        NEUTRAL,
    ),
    "all-of-removed-annotation-only": (
        "An allOf branch holding only annotations (a title, a description, examples) was removed.",
        NEUTRAL,
    ),
    "wrapped-in-one-of": ("Its schema became one branch of a new oneOf.", REPLACES),
}
_DISCRIMINATOR = "a property whose value says which branch of a oneOf or anyOf a value is"
_MAPPING = "its discriminator's mapping (from a discriminating value to a branch's schema)"
_CHANGES.update(
    {
        "discriminator-added": (f"A discriminator was declared: {_DISCRIMINATOR}.", NEUTRAL),
        "discriminator-removed": (f"Its discriminator ({_DISCRIMINATOR}) was removed.", NEUTRAL),
        "discriminator-property-name-changed": (
            "Its discriminator now reads another property to tell the branches apart.",
            NEUTRAL,
        ),
        "discriminator-mapping-added": (f"Entries were added to {_MAPPING}.", NEUTRAL),
        "discriminator-mapping-deleted": (f"Entries were deleted from {_MAPPING}.", NEUTRAL),
        "discriminator-mapping-changed": (
            f"Entries of {_MAPPING} now lead to other schemas.",
            NEUTRAL,
        ),
    }
)

# JSON Schema 2020-12 subschemas (OpenAPI 3.1), and additionalProperties.
_CHANGES.update(
    {
        "if-added": ("An if/then/else condition was added to it.", NARROWS),
        "if-removed": ("Its if/then/else condition was removed.", WIDENS),
        "if-changed": ("Its `if` condition changed: 'then' and 'else' apply elsewhere.", REPLACES),
        "then-added": ("A `then` schema (applied when its `if` holds) was added.", NARROWS),
        "then-removed": ("Its `then` schema was removed.", WIDENS),
        "else-added": ("An `else` schema (applied when its `if` fails) was added.", NARROWS),
        "else-removed": ("Its `else` schema was removed.", WIDENS),
        "not-added": ("A `not` schema (values it must not match) was added.", NARROWS),
        "not-removed": ("Its `not` schema was removed.", WIDENS),
        "not-changed": ("Its `not` schema changed: other values are excluded now.", REPLACES),
        "contains-added": ("A `contains` schema (some item must match it) was added.", NARROWS),
        "contains-removed": ("Its `contains` schema was removed.", WIDENS),
        "prefix-items-added": ("Its prefixItems (the schemas of the first items) grew.", WIDENS),
        "prefix-items-removed": (
            "Its prefixItems (the schemas of the first items) shrank.",
            NARROWS,
        ),
        "pattern-property-added": (
            "patternProperties (schemas for matching names) were added.",
            NARROWS,
        ),
        "pattern-property-removed": ("Some of its patternProperties were removed.", WIDENS),
        "dependent-schema-added": (
            "dependentSchemas (applied when a property is present) were added.",
            NARROWS,
        ),
        "dependent-schema-removed": ("Some of its dependentSchemas were removed.", WIDENS),
        "dependent-required-added": (
            "dependentRequired (properties required together) were added.",
            NARROWS,
        ),
        "dependent-required-removed": (
            "Some of its dependentRequired entries were removed.",
            WIDENS,
        ),
        "dependent-required-changed": (
            "Some of its dependentRequired entries now require other properties.",
            REPLACES,
        ),
        "property-names-added": (
            "A `propertyNames` schema (what names are allowed) was added.",
            NARROWS,
        ),
        "property-names-removed": ("Its `propertyNames` schema was removed.", WIDENS),
        "unevaluated-items-added": ("An `unevaluatedItems` schema was added.", NARROWS),
        "unevaluated-items-removed": ("Its `unevaluatedItems` schema was removed.", WIDENS),
        "unevaluated-properties-added": ("An `unevaluatedProperties` schema was added.", NARROWS),
        "unevaluated-properties-removed": (
            "Its `unevaluatedProperties` schema was removed.",
            WIDENS,
        ),
        "content-schema-added": (
            "A `contentSchema` (the schema of its decoded content) was added.",
            NARROWS,
        ),
        "content-schema-removed": ("Its `contentSchema` was removed.", WIDENS),
        "content-media-type-changed": ("The media type of its encoded content changed.", REPLACES),
        "content-encoding-changed": (
            "The encoding of its content (base64, ...) changed.",
            REPLACES,
        ),
        "additional-properties-forbidden": (
            "It no longer admits properties beyond those it lists (`additionalProperties: false`).",
            NARROWS,
        ),
        "additional-properties-allowed": (
            "It admits properties beyond those it lists again.",
            WIDENS,
        ),
        "additional-properties-schema-added": (
            "Properties beyond those it lists must now match a schema.",
            NARROWS,
        ),
        "additional-properties-schema-removed": (
            "Properties beyond those it lists may hold anything again.",
            WIDENS,
        ),
    }
)
_EITHER_WAY = (
    "The new schema admits some values the old one refused and refuses some it admitted, "
    "which the spec alone cannot weigh, so it is a warning: look at which values moved."
)
_TOLERANT = (
    "A client ought to ignore properties it does not know, but one that validates strictly "
    "(a model that forbids extra fields) will not, and the spec cannot tell which kind of "
    "client there is: a warning."
)

_KEYWORD = {
    "maximum": "maximum (the largest number allowed)",
    "exclusiveMaximum": "exclusive maximum (the number every value must stay below)",
    "maxLength": "maxLength (the longest string allowed)",
    "maxItems": "maxItems (the most items an array may hold)",
    "minimum": "minimum (the smallest number allowed)",
    "exclusiveMinimum": "exclusive minimum (the number every value must stay above)",
    "minLength": "minLength (the shortest string allowed)",
    "minItems": "minItems (the fewest items an array may hold)",
    "maxProperties": "maxProperties (the most properties an object may hold)",
    "minProperties": "minProperties (the fewest properties an object may hold)",
    "maxContains": "maxContains (the most items that may match its `contains`)",
    "minContains": "minContains (the fewest items that must match its `contains`)",
}
for _keyword, (_word, _kind) in BOUNDS.items():
    _upper = _kind == "upper"
    _CHANGES[f"{_word}-increased"] = (
        f"Its {_KEYWORD[_keyword]} was raised.",
        WIDENS if _upper else NARROWS,
    )
    _CHANGES[f"{_word}-decreased"] = (
        f"Its {_KEYWORD[_keyword]} was lowered.",
        NARROWS if _upper else WIDENS,
    )
    _CHANGES[f"{_word}-set"] = (f"A {_KEYWORD[_keyword]} was set where there was none.", NEW_BOUND)
    _CHANGES[f"{_word}-unset"] = (f"Its {_KEYWORD[_keyword]} was removed.", WIDENS)

# (side, effect, severity) -> why: CHECKS.md's rule, said for each side.
_REASONS: dict[tuple[str, str, Severity], str] = {
    ("request", NARROWS, B): "On the request side that narrows what the server accepts, so a "
    "request that used to be valid may now be refused; CHECKS.md's rule is that such a request "
    "must stay valid, so it is breaking.",
    ("request", WIDENS, INFO): "On the request side that only widens what the server accepts: "
    "every request that was valid stays valid, so it is info.",
    ("request", REPLACES, B): "Requests written for the old definition no longer match it, so a "
    "request that used to be valid may now be refused: breaking.",
    ("request", NEW_BOUND, W): "A new bound where there was none is a warning: it narrows what "
    "the server accepts, but the old contract stated no limit, so whether clients ever send "
    "values past it the spec cannot tell.",
    ("response", WIDENS, B): "On the response side that widens what the server may send, so a "
    "client written against the old contract may meet a value it does not accept; CHECKS.md's "
    "rule is that a response a client used to accept must stay acceptable, so it is breaking.",
    ("response", NARROWS, INFO): "On the response side that only narrows what the server sends: "
    "every response stays one that clients already accept, so it is info.",
    ("response", REPLACES, B): "Clients that parse the old definition meet values of another "
    "kind, so a response they used to accept may now fail them: breaking.",
    ("response", NEW_BOUND, INFO): "A new bound on what the server sends only narrows it: every "
    "response stays acceptable to clients, so it is info.",
}
# change -> {side: why}, where the change itself is the reason (it moves no value, or CHECKS.md
# classes it apart from the rule above).
_CHANGE_REASONS: dict[str, dict[str, str]] = {
    "type-compatible": dict.fromkeys(
        ("request", "response"),
        "The JSON type a client sends or parses is the same, and JSON Schema treats a format "
        "as an annotation that validators need not enforce, so it is info; a client that "
        "parses the format (dates, say) should still have a look.",
    ),
    "enum-value-added": {
        "response": "A client ought to tolerate enum values it does not know, but code that "
        "switches over the listed values may not, and the spec cannot tell which kind of "
        "client there is: a warning.",
    },
    "enum-removed": {
        "response": "A client ought to tolerate values it does not know, but code that switches "
        "over the listed values may not, and the spec cannot tell which kind of client there "
        "is: a warning.",
    },
    "pattern-changed": {
        "request": "Whether the new expression accepts every string the old one did cannot be "
        "decided in general, so it is a warning: check that what clients send still matches.",
        "response": "Clients seldom check a pattern on what they read, so a different pattern "
        "in a response is info.",
    },
    "pattern-removed": {
        "response": "Clients seldom check a pattern on what they read, so a pattern dropped "
        "from a response is info.",
    },
    "pattern-generalized": {
        "response": "Clients seldom check a pattern on what they read, so a pattern loosened "
        "in a response is info.",
    },
    "all-of-removed": {
        "request": "It loosens what the server checks, so requests that were valid stay valid; "
        "but the branch may have carried properties the server reads, so it is a warning: "
        "check that nothing clients send is now ignored.",
        "response": "It can only loosen what the server promises; CHECKS.md lists it as info, "
        "as oasdiff does, but look at what the branch held: a property it required may now "
        "be missing from responses.",
    },
    "any-of-added": {
        "response": "CHECKS.md lists it as info, as oasdiff does, unlike a new oneOf branch: "
        "anyOf branches often describe other forms of one value (an expanded object beside "
        "its id), but a client that does not expect the new form will still meet it.",
    },
    "wrapped-in-one-of": dict.fromkeys(
        ("request", "response"),
        "A oneOf refuses a value that matches two branches and admits the other branches' "
        "shapes, so values valid before may be refused and values of a new shape may appear: "
        "breaking on either side.",
    ),
}
for _change in ("not-changed", "if-changed"):
    _CHANGE_REASONS[_change] = dict.fromkeys(("request", "response"), _EITHER_WAY)
for _change in ("additional-properties-allowed", "additional-properties-schema-removed"):
    _CHANGE_REASONS[_change] = {"response": _TOLERANT}
for _name in ("added-annotation-only", "removed-annotation-only"):
    _CHANGE_REASONS[f"all-of-{_name}"] = dict.fromkeys(
        ("request", "response"),
        "Annotations admit no value more or fewer, so it is info.",
    )
for _name in ("added", "removed", "changed"):
    _CHANGE_REASONS[f"default-value-{_name}"] = dict.fromkeys(
        ("request", "response"),
        "A default says what the server assumes when the value is absent; it admits no value "
        "more or fewer, so it is info (a client that relies on a default is safer sending "
        "the value).",
    )
for _change in _CHANGES:
    if _change.startswith("discriminator-"):
        _CHANGE_REASONS[_change] = dict.fromkeys(
            ("request", "response"),
            "The values admitted are those of the branches, which are compared on their own, "
            "so it is info; a generated client may still build its types differently.",
        )

# rule id -> why, where CHECKS.md gives a rule a severity of its own.
_RULE_REASONS = dict.fromkeys(
    (
        "request-parameter-default-value-added",
        "request-parameter-default-value-removed",
        "request-parameter-default-value-changed",
    ),
    "For a parameter CHECKS.md makes it breaking: a client that leaves the parameter out gets "
    "what the default says, so the same request now means something else.",
)
_RULE_REASONS["request-parameter-property-type-changed"] = (
    "Inside a parameter's object it is a warning rather than breaking: such values travel as "
    "text in the query or a header, so whether old requests still parse depends on the "
    "server's parsing, which the spec cannot tell."
)


def _matrix() -> dict[str, tuple[str, str]]:
    """rule id -> (where, change), from the same function the checks ask for ids."""
    places: dict[str, tuple[str, str]] = {}
    for where in WHERE:
        for change in CHANGES:
            rule_id = schema_rule(where, change)
            if rule_id is not None:
                places.setdefault(rule_id, (where, change))
    return places


_MATRIX = _matrix()


def _reason(rule_id: str, where: str, change: str, severity: Severity) -> str:
    side = WHERE[where][0]
    if rule_id in _RULE_REASONS:
        return _RULE_REASONS[rule_id]
    special = _CHANGE_REASONS.get(change, {}).get(side)
    if special is not None:
        return special
    effect = _CHANGES[change][1]
    try:
        return _REASONS[(side, effect, severity)]
    except KeyError:
        raise LookupError(f"no reason for {rule_id} ({side}, {effect}, {severity})") from None


@cache
def explain(rule_id: str) -> str:
    """One paragraph on what ``rule_id`` reports and why it has its default severity.

    A KeyError for an id the catalogue does not hold, as :func:`~driftguard.rules.get_rule`.
    """
    rule = get_rule(rule_id)
    if rule_id in TEXTS:
        return TEXTS[rule_id]
    where, change = _MATRIX[rule_id]
    what = _CHANGES[change][0]
    return f"The place is {_PLACES[where]}. {what} {_reason(rule_id, where, change, rule.severity)}"


def _unexplained() -> list[str]:
    """The ids without a paragraph (a test keeps this empty)."""
    return [rule_id for rule_id in RULES if rule_id not in TEXTS and rule_id not in _MATRIX]
