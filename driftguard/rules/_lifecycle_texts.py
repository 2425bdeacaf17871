"""Hand-written paragraphs for the lifecycle rules: sunsets, stability levels and versions.

The same reasons hold for an operation, a parameter and a property, so each family's
paragraphs are built from one set of sentences (:func:`_family`), with the place named.
"""

from __future__ import annotations

__all__ = ["LIFECYCLE_TEXTS"]

_SUNSET = (
    "An x-sunset (an RFC 3339 date) tells clients the day after which it may go; the "
    "deprecation policy (deprecation_days) sets how far away that day must be."
)
_PROMISE = "Clients planned their move on that date, so breaking the promise is breaking."


def _family(thing: str) -> dict[str, str]:
    """The paragraphs of one place (``an operation``, ``a parameter``, ``a request property``),
    by the change they explain."""
    return {
        "with-sunset": f"{thing.capitalize()} was marked deprecated with a sunset date far "
        f"enough away. {_SUNSET} Nothing changes on the wire yet, so it is info.",
        "missing": f"{thing.capitalize()} was marked deprecated without an x-sunset, while the "
        f"deprecation policy asks for one. {_SUNSET} Clients are not told how long they have, "
        f"so it is breaking.",
        "invalid": f"{thing.capitalize()} carries an x-sunset that is not an RFC 3339 date "
        f"(2026-12-31 or a date-time). Neither clients nor driftguard can tell when it goes, "
        f"so it is breaking.",
        "too-small": f"{thing.capitalize()} was deprecated with a sunset closer than the "
        f"deprecation policy allows (or already past). {_SUNSET} Clients get less time than "
        f"promised, so it is breaking.",
        "deleted": f"The x-sunset of {thing}, still deprecated, was removed. Clients planned "
        f"on that date and are now told nothing, so it is breaking.",
        "earlier": f"The sunset of {thing}, deprecated, was moved to an earlier date. {_PROMISE}",
        "before": f"{thing.capitalize()} that was deprecated was removed before its sunset "
        f"date. {_PROMISE}",
        "decreased": f"The x-stability-level of {thing} moved backward (draft < alpha < beta "
        f"< stable). A level may only move forward: clients relied on the promise of the old "
        f"level, so it is breaking.",
        "increased": f"The x-stability-level of {thing} moved forward (draft < alpha < beta "
        f"< stable). It promises more than before and changes nothing on the wire, so it is "
        f"info.",
    }


_OPERATION = _family("an operation")
_PARAMETER = _family("a parameter")

LIFECYCLE_TEXTS: dict[str, str] = {
    "endpoint-deprecated-with-sunset": _OPERATION["with-sunset"],
    "api-deprecated-sunset-missing": _OPERATION["missing"],
    "api-deprecated-sunset-parse": _OPERATION["invalid"],
    "api-sunset-date-too-small": _OPERATION["too-small"],
    "sunset-deleted": _OPERATION["deleted"],
    "api-sunset-date-changed-too-small": _OPERATION["earlier"],
    "api-removed-before-sunset": _OPERATION["before"],
    "api-path-removed-before-sunset": "A whole path was removed while one of its deprecated "
    f"operations had a sunset still to come. {_PROMISE}",
    "api-path-sunset-parse": "A deprecated operation was removed, but its x-sunset is not an "
    "RFC 3339 date, so whether its time was up cannot be told; to be safe it is breaking.",
    "api-stability-decreased": _OPERATION["decreased"],
    "api-stability-increased": _OPERATION["increased"],
    "api-invalid-stability-level": "An x-stability-level must be draft, alpha, beta or stable. "
    "Any other value leaves clients unsure what they may rely on, so it is breaking.",
    "request-parameter-deprecated-sunset-missing": _PARAMETER["missing"],
    "request-parameter-sunset-parse": _PARAMETER["invalid"],
    "request-parameter-sunset-date-too-small": _PARAMETER["too-small"],
    "request-parameter-sunset-deleted": _PARAMETER["deleted"],
    "request-parameter-sunset-date-changed-too-small": _PARAMETER["earlier"],
    "request-parameter-removed-before-sunset": _PARAMETER["before"],
    "api-version-not-bumped": "The API changed but info.version (semver) stayed the same. "
    "Clients and caches that key on the version cannot tell the documents apart; nothing "
    "breaks on the wire, so it is info.",
    "api-version-decreased": "info.version (semver) went down. A newer document with an older "
    "version confuses whoever orders releases by it; it says nothing on the wire, so CHECKS.md "
    "lists it as info.",
    "api-major-version-not-bumped": "The document has breaking changes but info.version "
    "(semver) did not get a major bump (below 1.0.0, a minor one). Clients pinned to the "
    "major version get the break unannounced. CHECKS.md lists it as info; the lifecycle "
    "issue asks for a warning, so it is a warning.",
}
for _side in ("request", "response"):
    _property = _family(f"a {_side} property")
    for _change, _suffix in (
        ("with-sunset", "deprecated-with-sunset"),
        ("missing", "deprecated-sunset-missing"),
        ("invalid", "deprecated-sunset-invalid"),
        ("too-small", "sunset-date-too-small"),
        ("decreased", "stability-decreased"),
        ("increased", "stability-increased"),
    ):
        LIFECYCLE_TEXTS[f"{_side}-property-{_suffix}"] = _property[_change]
