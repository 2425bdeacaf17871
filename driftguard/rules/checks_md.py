"""CHECKS.md's schema ids with their severities, copied id by id (a test compares the two).

Tier 1 is every id the diff must report, Tier 2 the ids of CHECKS.md's second tier that the
checks implement (lifecycle, tags, discriminators). The blocks are written as CHECKS.md lists
them, severity first, so that a reader can hold one against the other.
"""

from __future__ import annotations

from driftguard.findings import Severity

__all__ = ["LISTED", "TIER1", "TIER2"]

_SEVERITY = {"B": Severity.BREAKING, "W": Severity.WARNING, "I": Severity.INFO}

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
    # Lifecycle: sunsets, stability levels, versions
    B: request-property-deprecated-sunset-missing request-property-deprecated-sunset-invalid
    B: request-property-sunset-date-too-small response-property-deprecated-sunset-missing
    B: response-property-deprecated-sunset-invalid response-property-sunset-date-too-small
    B: api-stability-decreased request-property-stability-decreased
    B: response-property-stability-decreased api-deprecated-sunset-parse
    B: api-deprecated-sunset-missing api-invalid-stability-level api-sunset-date-too-small
    B: request-parameter-deprecated-sunset-missing request-parameter-sunset-date-too-small
    B: api-path-sunset-parse api-path-removed-before-sunset api-removed-before-sunset
    B: sunset-deleted api-sunset-date-changed-too-small request-parameter-sunset-deleted
    B: request-parameter-sunset-date-changed-too-small request-parameter-sunset-parse
    B: request-parameter-removed-before-sunset
    I: request-property-deprecated-with-sunset response-property-deprecated-with-sunset
    I: api-version-not-bumped api-version-decreased api-major-version-not-bumped
    I: api-stability-increased request-property-stability-increased
    I: response-property-stability-increased endpoint-deprecated-with-sunset
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
    # JSON Schema 2020-12 subschemas (OpenAPI 3.1)
    B: request-body-prefix-items-removed request-property-prefix-items-removed
    B: response-body-prefix-items-added response-property-prefix-items-added
    I: request-body-prefix-items-added request-property-prefix-items-added
    I: response-body-prefix-items-removed response-property-prefix-items-removed
    B: request-body-if-added request-body-then-added request-body-else-added
    B: request-property-if-added request-property-then-added request-property-else-added
    B: response-body-if-removed response-body-then-removed response-body-else-removed
    B: response-property-if-removed response-property-then-removed response-property-else-removed
    I: request-body-if-removed request-body-then-removed request-body-else-removed
    I: request-property-if-removed request-property-then-removed request-property-else-removed
    I: response-body-if-added response-body-then-added response-body-else-added
    I: response-property-if-added response-property-then-added response-property-else-added
    B: request-body-contains-added request-body-min-contains-increased
    B: request-body-max-contains-decreased request-property-contains-added
    B: request-property-min-contains-increased request-property-max-contains-decreased
    B: response-body-contains-removed response-body-min-contains-decreased
    B: response-body-max-contains-increased response-property-contains-removed
    B: response-property-min-contains-decreased response-property-max-contains-increased
    I: request-body-contains-removed request-body-min-contains-decreased
    I: request-body-max-contains-increased request-property-contains-removed
    I: request-property-min-contains-decreased request-property-max-contains-increased
    I: response-body-contains-added response-body-min-contains-increased
    I: response-body-max-contains-decreased response-property-contains-added
    I: response-property-min-contains-increased response-property-max-contains-decreased
    B: request-body-dependent-required-added request-body-dependent-required-changed
    B: request-property-dependent-required-added request-property-dependent-required-changed
    B: response-body-dependent-required-removed response-body-dependent-required-changed
    B: response-property-dependent-required-removed response-property-dependent-required-changed
    I: request-body-dependent-required-removed request-property-dependent-required-removed
    I: response-body-dependent-required-added response-property-dependent-required-added
    B: request-body-dependent-schema-added request-property-dependent-schema-added
    B: response-body-dependent-schema-removed response-property-dependent-schema-removed
    I: request-body-dependent-schema-removed request-property-dependent-schema-removed
    I: response-body-dependent-schema-added response-property-dependent-schema-added
    B: request-body-pattern-property-added request-property-pattern-property-added
    B: response-body-pattern-property-removed response-property-pattern-property-removed
    I: request-body-pattern-property-removed request-property-pattern-property-removed
    I: response-body-pattern-property-added response-property-pattern-property-added
    B: request-body-property-names-added request-property-property-names-added
    B: response-body-property-names-removed response-property-property-names-removed
    I: request-body-property-names-removed request-property-property-names-removed
    I: response-body-property-names-added response-property-property-names-added
    B: request-body-unevaluated-items-added request-body-unevaluated-properties-added
    B: request-property-unevaluated-items-added request-property-unevaluated-properties-added
    B: response-body-unevaluated-items-removed response-body-unevaluated-properties-removed
    B: response-property-unevaluated-items-removed response-property-unevaluated-properties-removed
    I: request-body-unevaluated-items-removed request-body-unevaluated-properties-removed
    I: request-property-unevaluated-items-removed request-property-unevaluated-properties-removed
    I: response-body-unevaluated-items-added response-body-unevaluated-properties-added
    I: response-property-unevaluated-items-added response-property-unevaluated-properties-added
    B: request-body-content-schema-added request-body-content-media-type-changed
    B: request-body-content-encoding-changed request-property-content-schema-added
    B: request-property-content-media-type-changed request-property-content-encoding-changed
    B: response-body-content-schema-removed response-body-content-media-type-changed
    B: response-body-content-encoding-changed response-property-content-schema-removed
    B: response-property-content-media-type-changed response-property-content-encoding-changed
    I: request-body-content-schema-removed request-property-content-schema-removed
    I: response-body-content-schema-added response-property-content-schema-added
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
