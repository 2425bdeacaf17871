"""The schema rule catalogue, as data: every id ``driftguard diff`` can report.

Three sources, registered with :func:`driftguard.catalogue.register` when this module is
imported (the catalogue imports it on first use):

- Tier 1 of CHECKS.md, copied here id by id with its severity (a test compares the two);
- the Tier 2 ids of CHECKS.md that the checks implement (lifecycle, tags, discriminators);
- driftguard's own ids (renames) and a few "tier 3" ids that complete the request/response
  matrix where CHECKS.md names no id, so that every keyword change is reported in both
  directions. Their severity follows CHECKS.md's rule: a request that was valid must stay
  valid (request narrowing breaks), a response a client accepted must stay acceptable
  (response widening breaks), and a new bound where there was none is a warning.

Schema keyword rules are the product of *where* (request body, response property, ...) and
*change* (``max-length-decreased``, ``became-nullable``, ...): :data:`WHERE` and
:data:`CHANGES` below. Checks ask :func:`schema_rule` for the id of a (where, change) pair and
never spell an id themselves.
"""

from __future__ import annotations

from typing import Literal

from driftguard.catalogue import Rule, register
from driftguard.findings import Severity

__all__ = [
    "BOUNDS",
    "CHANGES",
    "LISTED",
    "RULES",
    "WHERE",
    "schema_rule",
]

B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
_SEVERITY = {"B": B, "W": W, "I": INFO}
Side = Literal["request", "response", "none"]

# -- CHECKS.md, Tier 1 (264 ids) and the Tier 2 ids implemented here -------------------------

_TIER1 = """
    # Paths and operations (8)
    B: api-path-removed-without-deprecation api-removed-without-deprecation
    I: endpoint-added api-path-removed-with-deprecation api-removed-with-deprecation
    I: api-operation-id-removed api-operation-id-added api-schema-removed
    # Request parameters and headers (58)
    B: new-required-request-default-parameter-to-existing-path new-required-request-parameter
    B: new-request-path-parameter new-required-request-header-property
    B: request-header-property-became-enum request-header-property-became-required
    B: request-parameter-became-enum request-parameter-became-not-nullable
    B: request-parameter-property-became-not-nullable request-parameter-default-value-changed
    B: request-parameter-default-value-added request-parameter-default-value-removed
    B: request-parameter-enum-value-removed request-parameter-property-enum-value-removed
    B: request-parameter-max-items-decreased request-parameter-max-length-decreased
    B: request-parameter-max-decreased request-parameter-exclusive-max-decreased
    B: request-parameter-min-items-increased request-parameter-min-length-increased
    B: request-parameter-min-increased request-parameter-exclusive-min-increased
    B: request-parameter-pattern-added request-parameter-became-required
    B: request-parameter-type-changed request-parameter-property-type-specialized
    B: request-parameter-list-of-types-narrowed
    B: request-parameter-property-list-of-types-narrowed
    W: request-parameter-max-length-set request-parameter-max-set
    W: request-parameter-exclusive-max-set request-parameter-min-items-set
    W: request-parameter-min-set request-parameter-exclusive-min-set
    W: request-parameter-pattern-changed request-parameter-removed
    W: request-parameter-property-type-changed
    I: new-optional-request-default-parameter-to-existing-path new-optional-request-parameter
    I: request-parameter-became-nullable request-parameter-property-became-nullable
    I: request-parameter-enum-value-added request-parameter-property-enum-value-added
    I: request-parameter-max-items-increased request-parameter-max-length-increased
    I: request-parameter-max-increased request-parameter-exclusive-max-increased
    I: request-parameter-min-items-decreased request-parameter-min-length-decreased
    I: request-parameter-min-decreased request-parameter-exclusive-min-decreased
    I: request-parameter-pattern-removed request-parameter-pattern-generalized
    I: request-parameter-became-optional request-parameter-type-generalized
    I: request-parameter-property-type-generalized request-parameter-list-of-types-widened
    I: request-parameter-property-list-of-types-widened
    # Request body (100)
    B: request-body-added-required request-body-became-enum request-body-media-type-removed
    B: request-body-media-type-schema-added request-body-removed request-body-became-required
    B: request-body-all-of-added request-property-all-of-added request-body-any-of-removed
    B: request-property-any-of-removed request-property-became-enum
    B: request-body-became-not-nullable request-property-became-not-nullable
    B: request-property-enum-value-removed request-body-max-decreased
    B: request-property-max-decreased request-body-exclusive-max-decreased
    B: request-property-exclusive-max-decreased request-body-max-length-decreased
    B: request-property-max-length-decreased request-body-min-increased
    B: request-property-min-increased request-body-exclusive-min-increased
    B: request-property-exclusive-min-increased request-body-min-items-increased
    B: request-property-min-items-increased request-body-min-length-increased
    B: request-property-min-length-increased request-body-one-of-removed
    B: request-property-one-of-removed request-property-pattern-added
    B: request-property-became-required request-property-became-required-with-default
    B: request-body-type-changed request-property-type-changed new-required-request-property
    B: new-required-request-property-with-default request-body-wrapped-in-one-of
    B: request-body-enum-value-removed request-body-list-of-types-narrowed
    B: request-property-list-of-types-narrowed
    W: request-body-all-of-removed request-property-all-of-removed request-body-max-length-set
    W: request-property-max-length-set request-body-max-set request-property-max-set
    W: request-body-exclusive-max-set request-property-exclusive-max-set
    W: request-body-min-items-set request-property-min-items-set request-body-min-set
    W: request-property-min-set request-body-exclusive-min-set
    W: request-property-exclusive-min-set request-property-pattern-changed
    W: request-property-removed
    I: request-body-added-optional request-body-media-type-added
    I: request-body-media-type-schema-removed request-body-became-optional
    I: request-body-all-of-added-annotation-only request-body-all-of-removed-annotation-only
    I: request-property-all-of-added-annotation-only
    I: request-property-all-of-removed-annotation-only request-body-any-of-added
    I: request-property-any-of-added request-body-became-nullable
    I: request-property-became-nullable request-body-default-value-added
    I: request-body-default-value-removed request-body-default-value-changed
    I: request-property-default-value-added request-property-default-value-removed
    I: request-property-default-value-changed request-property-enum-value-added
    I: request-body-max-increased request-property-max-increased
    I: request-body-exclusive-max-increased request-property-exclusive-max-increased
    I: request-body-max-length-increased request-property-max-length-increased
    I: request-body-min-decreased request-property-min-decreased
    I: request-body-exclusive-min-decreased request-property-exclusive-min-decreased
    I: request-body-min-length-decreased request-property-min-length-decreased
    I: request-body-one-of-added request-property-one-of-added request-property-pattern-removed
    I: request-property-pattern-generalized request-property-became-optional
    I: request-body-type-generalized request-body-type-compatible
    I: request-property-type-generalized request-property-type-compatible
    I: new-optional-request-property request-body-list-of-types-widened
    I: request-property-list-of-types-widened
    # Responses (80)
    B: response-media-type-removed response-media-type-name-generalized
    B: response-property-became-nullable response-body-became-nullable
    B: response-property-became-optional response-body-max-increased
    B: response-property-max-increased response-body-exclusive-max-increased
    B: response-property-exclusive-max-increased response-body-max-length-increased
    B: response-property-max-length-increased response-body-max-length-unset
    B: response-property-max-length-unset response-body-min-decreased
    B: response-property-min-decreased response-body-exclusive-min-decreased
    B: response-property-exclusive-min-decreased response-body-min-items-decreased
    B: response-property-min-items-decreased response-body-min-items-unset
    B: response-property-min-items-unset response-body-min-length-decreased
    B: response-property-min-length-decreased response-body-one-of-added
    B: response-property-one-of-added response-body-type-changed response-body-type-generalized
    B: response-property-type-changed response-property-type-generalized
    B: response-required-property-removed response-body-wrapped-in-one-of
    B: response-success-status-removed response-body-list-of-types-widened
    B: response-property-list-of-types-widened
    W: response-body-media-type-schema-removed response-optional-property-removed
    W: response-property-enum-value-added
    I: response-body-media-type-schema-added response-media-type-added
    I: response-media-type-name-changed response-media-type-name-specialized
    I: response-optional-property-added response-property-pattern-added
    I: response-property-pattern-changed response-property-pattern-removed
    I: response-body-all-of-added response-body-all-of-removed response-property-all-of-added
    I: response-property-all-of-removed response-body-all-of-added-annotation-only
    I: response-body-all-of-removed-annotation-only
    I: response-property-all-of-added-annotation-only
    I: response-property-all-of-removed-annotation-only response-body-any-of-added
    I: response-body-any-of-removed response-property-any-of-added
    I: response-property-any-of-removed response-property-became-not-nullable
    I: response-body-became-not-nullable response-property-became-required
    I: response-body-default-value-added response-body-default-value-removed
    I: response-body-default-value-changed response-property-default-value-added
    I: response-property-default-value-removed response-property-default-value-changed
    I: response-body-one-of-removed response-property-one-of-removed
    I: response-body-type-specialized response-body-type-compatible
    I: response-property-type-specialized response-property-type-compatible
    I: response-required-property-added response-success-status-added
    I: response-non-success-status-removed response-non-success-status-added
    I: response-property-enum-value-removed response-mediatype-enum-value-removed
    I: response-body-list-of-types-narrowed response-property-list-of-types-narrowed
    # Response headers (10)
    B: response-header-became-optional required-response-header-removed
    B: response-header-type-changed response-header-type-generalized
    B: response-header-became-nullable
    W: optional-response-header-removed
    I: response-header-added response-header-type-specialized response-header-type-compatible
    I: response-header-became-not-nullable
    # Security (8)
    I: api-security-removed api-security-added api-security-scope-added
    I: api-security-scope-removed api-global-security-removed api-global-security-added
    I: api-global-security-scope-added api-global-security-scope-removed
"""

_TIER2 = """
    # Lifecycle
    I: endpoint-deprecated endpoint-reactivated request-parameter-deprecated
    I: request-parameter-reactivated request-parameter-removed-with-deprecation
    I: request-property-deprecated request-property-reactivated response-property-deprecated
    I: response-property-reactivated
    # Tags, security schemes, webhooks
    I: api-tag-added api-tag-removed api-security-component-added api-security-component-removed
    I: webhook-added
    B: webhook-removed
    # Discriminators
    I: request-body-discriminator-added request-body-discriminator-removed
    I: request-body-discriminator-property-name-changed request-body-discriminator-mapping-added
    I: request-body-discriminator-mapping-deleted request-body-discriminator-mapping-changed
    I: request-property-discriminator-added request-property-discriminator-removed
    I: request-property-discriminator-property-name-changed
    I: request-property-discriminator-mapping-added request-property-discriminator-mapping-deleted
    I: request-property-discriminator-mapping-changed
    I: response-body-discriminator-added response-body-discriminator-removed
    I: response-body-discriminator-property-name-changed
    I: response-body-discriminator-mapping-added response-body-discriminator-mapping-deleted
    I: response-body-discriminator-mapping-changed
    I: response-property-discriminator-added response-property-discriminator-removed
    I: response-property-discriminator-property-name-changed
    I: response-property-discriminator-mapping-added
    I: response-property-discriminator-mapping-deleted
    I: response-property-discriminator-mapping-changed
"""


def _parse(block: str) -> dict[str, Severity]:
    table: dict[str, Severity] = {}
    for line in block.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        level, _, ids = line.partition(":")
        for rule_id in ids.split():
            table[rule_id] = _SEVERITY[level]
    return table


TIER1 = _parse(_TIER1)
TIER2 = _parse(_TIER2)
LISTED = {**TIER1, **TIER2}

# -- schema keyword rules: where x change -----------------------------------------------------

# where -> (side, how the message names the place)
WHERE: dict[str, tuple[Side, str]] = {
    "request-parameter": ("request", "{in} parameter '{parameter}'"),
    "request-parameter-property": (
        "request",
        "property '{property}' of {in} parameter '{parameter}'",
    ),
    "request-header-property": ("request", "property '{property}' of header '{parameter}'"),
    "request-body": ("request", "request body"),
    "request-property": ("request", "request property '{property}'"),
    "response-body": ("response", "response body"),
    "response-property": ("response", "response property '{property}'"),
    "response-header": ("response", "response header '{header}'"),
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

# -- ids outside the schema matrix ------------------------------------------------------------

_MESSAGES: dict[str, str] = {
    # paths and operations
    "api-path-removed-without-deprecation": "path {path} was removed without being deprecated first",
    "api-path-removed-with-deprecation": "deprecated path {path} was removed",
    "api-removed-without-deprecation": "operation was removed without being deprecated first",
    "api-removed-with-deprecation": "deprecated operation was removed",
    "endpoint-added": "operation added",
    "endpoint-deprecated": "operation deprecated",
    "endpoint-reactivated": "operation is no longer deprecated",
    "api-operation-id-removed": "operationId {old} removed (now {new})",
    "api-operation-id-added": "operationId {new} added",
    "api-schema-removed": "component schema {name} removed",
    "component-renamed": "component schema {from} was renamed to {to}",
    "api-tag-added": "tag {tag} added",
    "api-tag-removed": "tag {tag} removed",
    "webhook-added": "webhook {name} added",
    "webhook-removed": "webhook {name} removed",
    # parameters
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
    "request-parameter-removed-with-deprecation": "deprecated {in} parameter '{parameter}' removed",
    "request-parameter-renamed": "{in} parameter '{from}' was renamed to '{to}'",
    "request-parameter-became-required": "{in} parameter '{parameter}' became required",
    "request-parameter-became-optional": "{in} parameter '{parameter}' became optional",
    "request-parameter-deprecated": "{in} parameter '{parameter}' deprecated",
    "request-parameter-reactivated": "{in} parameter '{parameter}' is no longer deprecated",
    "new-required-request-header-property": (
        "new required property '{property}' in header '{parameter}'"
    ),
    "request-header-property-became-required": (
        "property '{property}' of header '{parameter}' became required"
    ),
    # request body
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
    # responses
    "response-success-status-added": "success status {status} added",
    "response-success-status-removed": "success status {status} removed",
    "response-non-success-status-added": "status {status} added",
    "response-non-success-status-removed": "status {status} removed",
    "response-media-type-added": "response {status} media type {media} added",
    "response-media-type-removed": "response {status} media type {media} removed",
    "response-media-type-name-changed": "response {status} media type changed from {old} to {new}",
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
    # response headers
    "response-header-added": "response {status} header '{header}' added",
    "required-response-header-removed": "required response {status} header '{header}' removed",
    "optional-response-header-removed": "optional response {status} header '{header}' removed",
    "response-header-became-optional": "response {status} header '{header}' became optional",
    "response-header-became-required": "response {status} header '{header}' became required",
    # security
    "api-security-added": "security requirement {requirement} added",
    "api-security-removed": "security requirement {requirement} removed",
    "api-security-scope-added": "scopes {scopes} added to security scheme {scheme}",
    "api-security-scope-removed": "scopes {scopes} removed from security scheme {scheme}",
    "api-global-security-added": "global security requirement {requirement} added",
    "api-global-security-removed": "global security requirement {requirement} removed",
    "api-global-security-scope-added": "scopes {scopes} added to global security scheme {scheme}",
    "api-global-security-scope-removed": (
        "scopes {scopes} removed from global security scheme {scheme}"
    ),
    "api-security-component-added": "security scheme {name} added",
    "api-security-component-removed": "security scheme {name} removed",
}
# Own ids (CHECKS.md "driftguard's own ids") and tier-3 ids that complete the matrix.
_OWN: dict[str, Severity] = {
    "response-property-renamed": B,
    "request-property-renamed": B,
    "request-parameter-renamed": B,
    "component-renamed": INFO,
    "response-header-became-required": INFO,
}


def _side(rule_id: str) -> Side:
    if rule_id.startswith(("request-", "new-")) or "-request-" in rule_id:
        return "request"
    if rule_id.startswith("response-") or "-response-" in rule_id:
        return "response"
    return "none"


def _area(rule_id: str) -> str:
    if "security" in rule_id:
        return "security"
    if "header" in rule_id and "response" in rule_id:
        return "response-headers"
    if rule_id.startswith("response"):
        return "responses"
    if "parameter" in rule_id or "request-header" in rule_id:
        return "parameters"
    if _side(rule_id) == "request":
        return "request-body"
    if "schema" in rule_id or rule_id.startswith("component"):
        return "components"
    return "paths"


# CHECKS.md's own schema ids: core, like Tier 1.
_CORE_OWN = frozenset(
    {
        "response-property-renamed",
        "request-property-renamed",
        "request-parameter-renamed",
        "component-renamed",
    }
)


def _tier(rule_id: str) -> int:
    if rule_id in TIER1 or rule_id in _CORE_OWN:
        return 1
    if rule_id in TIER2:
        return 2
    return 3


def _schema_rules() -> tuple[dict[tuple[str, str], str], list[Rule]]:
    ids: dict[tuple[str, str], str] = {}
    rules: list[Rule] = []
    for where, (side, subject) in WHERE.items():
        for change, (request, response, text) in CHANGES.items():
            if where == "response-header" and change not in _HEADER_CHANGES:
                continue
            if where == "request-header-property":
                continue  # falls back to request-parameter-property except the listed ids
            rule_id = _ALIASES.get(f"{where}-{change}", f"{where}-{change}")
            severity = LISTED.get(rule_id, request if side == "request" else response)
            ids[(where, change)] = rule_id
            rules.append(
                Rule(
                    rule_id,
                    severity,
                    "schema",
                    f"{subject} {text}",
                    side,
                    _area(rule_id),
                    _tier(rule_id),
                )
            )
    header_subject = WHERE["request-header-property"][1]
    for change in ("became-enum",):
        rule_id = f"request-header-property-{change}"
        ids[("request-header-property", change)] = rule_id
        rules.append(
            Rule(
                rule_id,
                LISTED[rule_id],
                "schema",
                f"{header_subject} {CHANGES[change][2]}",
                "request",
                "parameters",
                _tier(rule_id),
            )
        )
    return ids, rules


_SCHEMA_IDS, _MATRIX = _schema_rules()


def _other_rules() -> list[Rule]:
    rules = []
    for rule_id, message in _MESSAGES.items():
        severity = LISTED.get(rule_id) or _OWN[rule_id]
        rules.append(
            Rule(
                rule_id, severity, "schema", message, _side(rule_id), _area(rule_id), _tier(rule_id)
            )
        )
    return rules


RULES: list[Rule] = [*_MATRIX, *_other_rules()]


def schema_rule(where: str, change: str) -> str | None:
    """The id for ``change`` at ``where`` (e.g. response-property, max-length-increased)."""
    rule_id = _SCHEMA_IDS.get((where, change))
    if rule_id is None and where in _FALLBACK_WHERE:
        rule_id = _SCHEMA_IDS.get((_FALLBACK_WHERE[where], change))
    return rule_id


register(RULES)
