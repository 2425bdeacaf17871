"""The schema rules, as data: every id ``driftguard diff`` can report.

Three sources:

- Tier 1 and Tier 2 of CHECKS.md (:mod:`driftguard.rules.checks_md`), id by id with severity;
- driftguard's own ids (renames) and a few "tier 3" ids that complete the request/response
  matrix where CHECKS.md names no id, so that every keyword change is reported in both
  directions. Their severity follows CHECKS.md's rule: a request that was valid must stay
  valid (request narrowing breaks), a response a client accepted must stay acceptable
  (response widening breaks), and a new bound where there was none is a warning.

Schema keyword rules are the product of *where* (request body, response property, ...) and
*change* (``max-length-decreased``, ``became-nullable``, ...): :data:`WHERE` and
:data:`CHANGES` below. Checks ask :func:`schema_rule` for the id of a (where, change) pair and
never spell an id themselves. Every rule's direction and area are declared here, with the
place or the group it belongs to, never guessed from its id.
"""

from __future__ import annotations

from driftguard._types import Direction
from driftguard.findings import Severity
from driftguard.rules._model import Rule
from driftguard.rules.checks_md import LISTED, TIER1, TIER2

__all__ = ["BOUNDS", "CHANGES", "RULES", "WHERE", "counterpart", "schema_rule"]

B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO

# -- schema keyword rules: where x change -----------------------------------------------------

# where -> (direction, area, how the message names the place)
WHERE: dict[str, tuple[Direction, str, str]] = {
    "request-parameter": ("request", "parameters", "{in} parameter '{parameter}'"),
    "request-parameter-property": (
        "request",
        "parameters",
        "property '{property}' of {in} parameter '{parameter}'",
    ),
    "request-header-property": (
        "request",
        "parameters",
        "property '{property}' of header '{parameter}'",
    ),
    "request-body": ("request", "request-body", "request body"),
    "request-property": ("request", "request-body", "request property '{property}'"),
    "response-body": ("response", "responses", "response body"),
    "response-property": ("response", "responses", "response property '{property}'"),
    "response-header": ("response", "response-headers", "response header '{header}'"),
}
# Nested properties of a header parameter use these ids unless a header-specific one exists.
_FALLBACK_WHERE = {"request-header-property": "request-parameter-property"}
# The few ids CHECKS.md spells differently from the pattern.
_ALIASES = {"response-body-enum-value-removed": "response-mediatype-enum-value-removed"}

# Bounds: keyword -> (id word, "upper" or "lower")
BOUNDS: dict[str, tuple[str, str]] = {
    "maximum": ("max", "upper"),
    "exclusiveMaximum": ("exclusive-max", "upper"),
    "maxLength": ("max-length", "upper"),
    "maxItems": ("max-items", "upper"),
    "minimum": ("min", "lower"),
    "exclusiveMinimum": ("exclusive-min", "lower"),
    "minLength": ("min-length", "lower"),
    "minItems": ("min-items", "lower"),
    "maxProperties": ("max-properties", "upper"),
    "minProperties": ("min-properties", "lower"),
    "maxContains": ("max-contains", "upper"),
    "minContains": ("min-contains", "lower"),
}

# change -> (severity on the request side, on the response side, message)
CHANGES: dict[str, tuple[Severity, Severity, str]] = {
    "type-changed": (B, B, "type changed from {old} to {new}"),
    "type-generalized": (INFO, B, "type generalized from {old} to {new}"),
    "type-specialized": (B, INFO, "type specialized from {old} to {new}"),
    "type-compatible": (INFO, INFO, "type changed compatibly from {old} to {new}"),
    "list-of-types-narrowed": (B, INFO, "list of types narrowed from {old} to {new}"),
    "list-of-types-widened": (INFO, B, "list of types widened from {old} to {new}"),
    "became-nullable": (INFO, B, "became nullable"),
    "became-not-nullable": (B, INFO, "became not nullable"),
    "became-enum": (B, INFO, "became an enum of {new}"),
    "enum-removed": (INFO, W, "is no longer an enum (was {old})"),
    "enum-value-added": (INFO, W, "enum values added: {values}"),
    "enum-value-removed": (B, INFO, "enum values removed: {values}"),
    "default-value-added": (INFO, INFO, "default value {new} added"),
    "default-value-removed": (INFO, INFO, "default value {old} removed"),
    "default-value-changed": (INFO, INFO, "default value changed from {old} to {new}"),
    "pattern-added": (B, INFO, "pattern {new} added"),
    "pattern-removed": (INFO, INFO, "pattern {old} removed"),
    "pattern-changed": (W, INFO, "pattern changed from {old} to {new}"),
    "pattern-generalized": (INFO, INFO, "pattern generalized from {old} to {new}"),
    "one-of-added": (INFO, B, "oneOf branches added: {branches}"),
    "one-of-removed": (B, INFO, "oneOf branches removed: {branches}"),
    "any-of-added": (INFO, B, "anyOf branches added: {branches}"),
    "any-of-removed": (B, INFO, "anyOf branches removed: {branches}"),
    "all-of-added": (B, INFO, "allOf branches added: {branches}"),
    "all-of-removed": (W, INFO, "allOf branches removed: {branches}"),
    "all-of-added-annotation-only": (INFO, INFO, "annotation-only allOf branches added"),
    "all-of-removed-annotation-only": (INFO, INFO, "annotation-only allOf branches removed"),
    "wrapped-in-one-of": (B, B, "was wrapped in a oneOf (as {branch})"),
    # Subschemas of JSON Schema 2020-12 (OpenAPI 3.1): a new constraint narrows what is
    # valid, a removed one widens it; the catalogue says what that means on each side.
    "if-added": (B, INFO, "if/then/else condition added"),
    "if-removed": (INFO, B, "if/then/else condition removed"),
    "if-changed": (W, W, "if condition changed (which instances 'then' applies to)"),
    "then-added": (B, INFO, "'then' schema added"),
    "then-removed": (INFO, B, "'then' schema removed"),
    "else-added": (B, INFO, "'else' schema added"),
    "else-removed": (INFO, B, "'else' schema removed"),
    "not-added": (B, INFO, "'not' schema added"),
    "not-removed": (INFO, B, "'not' schema removed"),
    "not-changed": (W, W, "'not' schema changed (what is excluded)"),
    "contains-added": (B, INFO, "'contains' schema added"),
    "contains-removed": (INFO, B, "'contains' schema removed"),
    "prefix-items-added": (INFO, B, "prefixItems grew from {old} to {new} items"),
    "prefix-items-removed": (B, INFO, "prefixItems shrank from {old} to {new} items"),
    "pattern-property-added": (B, INFO, "patternProperties added: {values}"),
    "pattern-property-removed": (INFO, B, "patternProperties removed: {values}"),
    "dependent-schema-added": (B, INFO, "dependentSchemas added for {values}"),
    "dependent-schema-removed": (INFO, B, "dependentSchemas removed for {values}"),
    "dependent-required-added": (B, INFO, "dependentRequired added for {values}"),
    "dependent-required-removed": (INFO, B, "dependentRequired removed for {values}"),
    "dependent-required-changed": (B, B, "dependentRequired changed for {values}"),
    "property-names-added": (B, INFO, "'propertyNames' schema added"),
    "property-names-removed": (INFO, B, "'propertyNames' schema removed"),
    "unevaluated-items-added": (B, INFO, "'unevaluatedItems' added"),
    "unevaluated-items-removed": (INFO, B, "'unevaluatedItems' removed"),
    "unevaluated-properties-added": (B, INFO, "'unevaluatedProperties' added"),
    "unevaluated-properties-removed": (INFO, B, "'unevaluatedProperties' removed"),
    "content-schema-added": (B, INFO, "'contentSchema' added"),
    "content-schema-removed": (INFO, B, "'contentSchema' removed"),
    "content-media-type-changed": (B, B, "contentMediaType changed from {old} to {new}"),
    "content-encoding-changed": (B, B, "contentEncoding changed from {old} to {new}"),
    # additionalProperties: false (or a schema) where any extra property was accepted.
    "additional-properties-forbidden": (B, INFO, "no longer accepts additional properties"),
    "additional-properties-allowed": (INFO, W, "accepts additional properties again"),
    "additional-properties-schema-added": (
        B,
        INFO,
        "additional properties must now match a schema",
    ),
    "additional-properties-schema-removed": (
        INFO,
        W,
        "additional properties may be anything again",
    ),
    "discriminator-added": (INFO, INFO, "discriminator on '{new}' added"),
    "discriminator-removed": (INFO, INFO, "discriminator on '{old}' removed"),
    "discriminator-property-name-changed": (
        INFO,
        INFO,
        "discriminator property changed from '{old}' to '{new}'",
    ),
    "discriminator-mapping-added": (INFO, INFO, "discriminator mapping added: {values}"),
    "discriminator-mapping-deleted": (INFO, INFO, "discriminator mapping deleted: {values}"),
    "discriminator-mapping-changed": (INFO, INFO, "discriminator mapping changed: {values}"),
}
_UPPER_CHANGES = {
    "decreased": (B, INFO, "decreased from {old} to {new}"),
    "increased": (INFO, B, "increased from {old} to {new}"),
    "set": (W, INFO, "set to {new}"),
    "unset": (INFO, B, "removed (was {old})"),
}
_LOWER_CHANGES = {
    "increased": (B, INFO, "increased from {old} to {new}"),
    "decreased": (INFO, B, "decreased from {old} to {new}"),
    "set": (W, INFO, "set to {new}"),
    "unset": (INFO, B, "removed (was {old})"),
}
_BOUND_TEXT = {
    "max": "maximum",
    "exclusive-max": "exclusive maximum",
    "max-length": "max length",
    "max-items": "max items",
    "min": "minimum",
    "exclusive-min": "exclusive minimum",
    "min-length": "min length",
    "min-items": "min items",
    "max-properties": "max properties",
    "min-properties": "min properties",
    "max-contains": "max contains",
    "min-contains": "min contains",
}
for _word, _kind in BOUNDS.values():
    for _change, (_req, _resp, _text) in (
        _UPPER_CHANGES if _kind == "upper" else _LOWER_CHANGES
    ).items():
        CHANGES[f"{_word}-{_change}"] = (_req, _resp, f"{_BOUND_TEXT[_word]} {_text}")

# Response headers are compared on their type and nullability only.
_HEADER_CHANGES = frozenset(
    {
        "type-changed",
        "type-generalized",
        "type-specialized",
        "type-compatible",
        "list-of-types-narrowed",
        "list-of-types-widened",
        "became-nullable",
        "became-not-nullable",
    }
)
# Properties of a header parameter have ids of their own only for these changes.
_HEADER_PROPERTY_CHANGES = frozenset({"became-enum"})

# -- ids outside the schema matrix ------------------------------------------------------------


def _property_lifecycle(side: str) -> dict[str, str]:
    """The sunset and stability messages of a request or a response property."""
    subject = f"{side} property '{{property}}'"
    return {
        f"{side}-property-deprecated-with-sunset": f"{subject} deprecated, with sunset {{sunset}}",
        f"{side}-property-deprecated-sunset-missing": (
            f"{subject} deprecated without an x-sunset; the deprecation policy asks for one "
            "at least {grace} days away"
        ),
        f"{side}-property-deprecated-sunset-invalid": (
            f"x-sunset {{sunset}} of {subject} is not an RFC 3339 date"
        ),
        f"{side}-property-sunset-date-too-small": (
            f"{subject} deprecated with sunset {{sunset}}, {{days}} days away; the deprecation "
            "policy asks for at least {grace}"
        ),
        f"{side}-property-stability-decreased": (
            f"stability level of {subject} decreased from {{old}} to {{new}}"
        ),
        f"{side}-property-stability-increased": (
            f"stability level of {subject} increased from {{old}} to {{new}}"
        ),
    }


# (area, direction) -> id -> message: the ids outside the keyword matrix.
_OUTLINE: dict[tuple[str, Direction], dict[str, str]] = {
    ("paths", "none"): {
        "api-path-removed-without-deprecation": (
            "path {path} was removed without being deprecated first"
        ),
        "api-path-removed-with-deprecation": "deprecated path {path} was removed",
        "api-removed-without-deprecation": "operation was removed without being deprecated first",
        "api-removed-with-deprecation": "deprecated operation was removed",
        "endpoint-added": "operation added",
        "endpoint-deprecated": "operation deprecated",
        "endpoint-reactivated": "operation is no longer deprecated",
        "endpoint-deprecated-with-sunset": "operation deprecated, with sunset {sunset}",
        "api-deprecated-sunset-missing": (
            "operation deprecated without an x-sunset; the deprecation policy asks for one "
            "at least {grace} days away"
        ),
        "api-deprecated-sunset-parse": "operation's x-sunset {sunset} is not an RFC 3339 date",
        "api-sunset-date-too-small": (
            "operation deprecated with sunset {sunset}, {days} days away; the deprecation "
            "policy asks for at least {grace}"
        ),
        "sunset-deleted": "x-sunset {old} removed from the deprecated operation",
        "api-sunset-date-changed-too-small": (
            "sunset of the deprecated operation moved earlier, from {old} to {new}"
        ),
        "api-removed-before-sunset": "deprecated operation was removed before its sunset {sunset}",
        "api-path-removed-before-sunset": "path {path} was removed before its sunset {sunset}",
        "api-path-sunset-parse": (
            "removed operation's x-sunset {sunset} is not an RFC 3339 date: the removal "
            "cannot be held against it"
        ),
        "api-stability-decreased": "stability level decreased from {old} to {new}",
        "api-stability-increased": "stability level increased from {old} to {new}",
        "api-invalid-stability-level": (
            "x-stability-level {value!r} is not one of draft, alpha, beta, stable"
        ),
        "api-operation-id-removed": "operationId {old} removed (now {new})",
        "api-operation-id-added": "operationId {new} added",
        "api-tag-added": "tag {tag} added",
        "api-tag-removed": "tag {tag} removed",
        "webhook-added": "webhook {name} added",
        "webhook-removed": "webhook {name} removed",
    },
    ("components", "none"): {
        "api-schema-removed": "component schema {name} removed",
        "component-renamed": "component schema {from} was renamed to {to}",
    },
    ("parameters", "request"): {
        "new-required-request-parameter": "new required {in} parameter '{parameter}'",
        "new-optional-request-parameter": "new optional {in} parameter '{parameter}'",
        "new-request-path-parameter": "new path parameter '{parameter}'",
        "new-required-request-default-parameter-to-existing-path": (
            "new required {in} parameter '{parameter}' for every operation of the path"
        ),
        "new-optional-request-default-parameter-to-existing-path": (
            "new optional {in} parameter '{parameter}' for every operation of the path"
        ),
        "request-parameter-removed": "{in} parameter '{parameter}' removed",
        "request-parameter-removed-with-deprecation": (
            "deprecated {in} parameter '{parameter}' removed"
        ),
        "request-parameter-renamed": "{in} parameter '{from}' was renamed to '{to}'",
        "request-parameter-became-required": "{in} parameter '{parameter}' became required",
        "request-parameter-became-optional": "{in} parameter '{parameter}' became optional",
        "request-parameter-deprecated": "{in} parameter '{parameter}' deprecated",
        "request-parameter-reactivated": "{in} parameter '{parameter}' is no longer deprecated",
        "request-parameter-removed-before-sunset": (
            "deprecated {in} parameter '{parameter}' removed before its sunset {sunset}"
        ),
        "request-parameter-sunset-parse": (
            "x-sunset {sunset} of {in} parameter '{parameter}' is not an RFC 3339 date"
        ),
        "request-parameter-deprecated-sunset-missing": (
            "{in} parameter '{parameter}' deprecated without an x-sunset; the deprecation "
            "policy asks for one at least {grace} days away"
        ),
        "request-parameter-sunset-date-too-small": (
            "{in} parameter '{parameter}' deprecated with sunset {sunset}, {days} days away; "
            "the deprecation policy asks for at least {grace}"
        ),
        "request-parameter-sunset-deleted": (
            "x-sunset {old} removed from deprecated {in} parameter '{parameter}'"
        ),
        "request-parameter-sunset-date-changed-too-small": (
            "sunset of deprecated {in} parameter '{parameter}' moved earlier, from {old} to {new}"
        ),
        "new-required-request-header-property": (
            "new required property '{property}' in header '{parameter}'"
        ),
        "request-header-property-became-required": (
            "property '{property}' of header '{parameter}' became required"
        ),
    },
    ("request-body", "request"): {
        "request-body-added-required": "required request body added",
        "request-body-added-optional": "optional request body added",
        "request-body-removed": "request body removed",
        "request-body-became-required": "request body became required",
        "request-body-became-optional": "request body became optional",
        "request-body-media-type-added": "request media type {media} added",
        "request-body-media-type-removed": "request media type {media} removed",
        "request-body-media-type-schema-added": "schema added to request media type {media}",
        "request-body-media-type-schema-removed": "schema removed from request media type {media}",
        "new-required-request-property": "new required request property '{property}'",
        "new-required-request-property-with-default": (
            "new required request property '{property}' (with a default)"
        ),
        "new-optional-request-property": "new optional request property '{property}'",
        "request-property-removed": "request property '{property}' removed",
        "request-property-renamed": "request property '{from}' was renamed to '{to}'",
        "request-property-became-required": "request property '{property}' became required",
        "request-property-became-required-with-default": (
            "request property '{property}' became required (it has a default)"
        ),
        "request-property-became-optional": "request property '{property}' became optional",
        "request-property-deprecated": "request property '{property}' deprecated",
        "request-property-reactivated": "request property '{property}' is no longer deprecated",
        **_property_lifecycle("request"),
    },
    ("responses", "response"): {
        "response-success-status-added": "success status {status} added",
        "response-success-status-removed": "success status {status} removed",
        "response-non-success-status-added": "status {status} added",
        "response-non-success-status-removed": "status {status} removed",
        "response-media-type-added": "response {status} media type {media} added",
        "response-media-type-removed": "response {status} media type {media} removed",
        "response-media-type-name-changed": (
            "response {status} media type changed from {old} to {new}"
        ),
        "response-media-type-name-generalized": (
            "response {status} media type generalized from {old} to {new}"
        ),
        "response-media-type-name-specialized": (
            "response {status} media type specialized from {old} to {new}"
        ),
        "response-body-media-type-schema-added": "schema added to response {status} {media}",
        "response-body-media-type-schema-removed": "schema removed from response {status} {media}",
        "response-required-property-added": "new required response property '{property}'",
        "response-optional-property-added": "new optional response property '{property}'",
        "response-required-property-removed": "required response property '{property}' removed",
        "response-optional-property-removed": "optional response property '{property}' removed",
        "response-property-renamed": "response property '{from}' was renamed to '{to}'",
        "response-property-became-optional": "response property '{property}' became optional",
        "response-property-became-required": "response property '{property}' became required",
        "response-property-deprecated": "response property '{property}' deprecated",
        "response-property-reactivated": "response property '{property}' is no longer deprecated",
        **_property_lifecycle("response"),
    },
    ("response-headers", "response"): {
        "response-header-added": "response {status} header '{header}' added",
        "required-response-header-removed": "required response {status} header '{header}' removed",
        "optional-response-header-removed": "optional response {status} header '{header}' removed",
        "response-header-became-optional": "response {status} header '{header}' became optional",
        "response-header-became-required": "response {status} header '{header}' became required",
    },
    ("security", "none"): {
        "api-security-added": "security requirement {requirement} added",
        "api-security-removed": "security requirement {requirement} removed",
        "api-security-scope-added": "scopes {scopes} added to security scheme {scheme}",
        "api-security-scope-removed": "scopes {scopes} removed from security scheme {scheme}",
        "api-global-security-added": "global security requirement {requirement} added",
        "api-global-security-removed": "global security requirement {requirement} removed",
        "api-global-security-scope-added": (
            "scopes {scopes} added to global security scheme {scheme}"
        ),
        "api-global-security-scope-removed": (
            "scopes {scopes} removed from global security scheme {scheme}"
        ),
        "api-security-component-added": "security scheme {name} added",
        "api-security-component-removed": "security scheme {name} removed",
    },
}
# The issue asks a breaking change without a major bump to warn; CHECKS.md lists it as info.
_ISSUE_SEVERITY = {"api-major-version-not-bumped": W}
_OUTLINE[("info", "none")] = {
    "api-version-not-bumped": "info.version {new} was not bumped, though the API changed",
    "api-version-decreased": "info.version decreased from {old} to {new}",
    "api-major-version-not-bumped": (
        "{breaking} breaking change(s) without a {needed} bump of info.version ({old} -> {new})"
    ),
}
# Own ids (CHECKS.md "driftguard's own ids", core like Tier 1) and the tier-3 id that
# completes the matrix.
_CORE_OWN: dict[str, Severity] = {
    "response-property-renamed": B,
    "request-property-renamed": B,
    "request-parameter-renamed": B,
    "component-renamed": INFO,
}
_TIER3 = {"response-header-became-required": INFO}


def _tier(rule_id: str) -> int:
    if rule_id in TIER1 or rule_id in _CORE_OWN:
        return 1
    if rule_id in TIER2:
        return 2
    return 3


def _matrix() -> tuple[dict[tuple[str, str], str], list[Rule]]:
    ids: dict[tuple[str, str], str] = {}
    rules: list[Rule] = []
    for where, (side, area, subject) in WHERE.items():
        for change, (request, response, text) in CHANGES.items():
            if where == "response-header" and change not in _HEADER_CHANGES:
                continue
            if where == "request-header-property" and change not in _HEADER_PROPERTY_CHANGES:
                continue  # falls back to request-parameter-property (see schema_rule)
            rule_id = _ALIASES.get(f"{where}-{change}", f"{where}-{change}")
            severity = LISTED.get(rule_id, request if side == "request" else response)
            ids[(where, change)] = rule_id
            rules.append(
                Rule(rule_id, severity, "schema", f"{subject} {text}", side, area, _tier(rule_id))
            )
    return ids, rules


_SCHEMA_IDS, _MATRIX = _matrix()

RULES: list[Rule] = [
    *_MATRIX,
    *(
        Rule(
            rule_id,
            _ISSUE_SEVERITY.get(rule_id)
            or LISTED.get(rule_id)
            or _CORE_OWN.get(rule_id)
            or _TIER3[rule_id],
            "schema",
            message,
            direction,
            area,
            _tier(rule_id),
        )
        for (area, direction), messages in _OUTLINE.items()
        for rule_id, message in messages.items()
    ),
]


# The request-side id that means, for the other party, what a response-side id means (and
# back): in a webhook or a callback the API sends the request, so its receiver is in the
# place of a client reading a response. Object and media rules; the keyword matrix mirrors
# itself by place (:func:`counterpart`).
_COUNTERPARTS = {
    "new-required-request-property": "response-required-property-added",
    "new-required-request-property-with-default": "response-required-property-added",
    "new-optional-request-property": "response-optional-property-added",
    "request-property-became-required": "response-property-became-required",
    "request-property-became-required-with-default": "response-property-became-required",
    "request-property-became-optional": "response-property-became-optional",
    "request-body-media-type-added": "response-media-type-added",
    "request-body-media-type-removed": "response-media-type-removed",
    "request-body-media-type-schema-added": "response-body-media-type-schema-added",
    "request-body-media-type-schema-removed": "response-body-media-type-schema-removed",
}
_COUNTERPARTS.update({b: a for a, b in list(_COUNTERPARTS.items())})
_OTHER_PLACE = {
    "request-body": "response-body",
    "request-property": "response-property",
    "response-body": "request-body",
    "response-property": "request-property",
}
_PLACES = {rule_id: place for place, rule_id in _SCHEMA_IDS.items()}


def counterpart(rule_id: str, details: dict[str, object]) -> str | None:
    """The id of the same change seen from the other side of the exchange, if any.

    A removed request property is a removed required or optional response property,
    as ``details["required"]`` says.
    """
    if rule_id == "request-property-removed":
        return f"response-{'required' if details.get('required') else 'optional'}-property-removed"
    if rule_id in ("response-required-property-removed", "response-optional-property-removed"):
        return "request-property-removed"
    if rule_id in _COUNTERPARTS:
        return _COUNTERPARTS[rule_id]
    place = _PLACES.get(rule_id)
    if place is None or place[0] not in _OTHER_PLACE:
        return None
    return _SCHEMA_IDS.get((_OTHER_PLACE[place[0]], place[1]))


def schema_rule(where: str, change: str) -> str | None:
    """The id for ``change`` at ``where`` (e.g. response-property, max-length-increased)."""
    rule_id = _SCHEMA_IDS.get((where, change))
    if rule_id is None and where in _FALLBACK_WHERE:
        rule_id = _SCHEMA_IDS.get((_FALLBACK_WHERE[where], change))
    return rule_id
