"""OpenAPI documents compared semantically: the engine behind ``driftguard diff``.

The pipeline, one module per stage: :mod:`~driftguard.openapi.load` (bytes to a checked
document) -> :mod:`~driftguard.openapi.normalize` (one canonical spelling per contract) ->
:mod:`~driftguard.openapi.diff` and :mod:`~driftguard.openapi.schemadiff` (a pure tree of what
changed, :mod:`~driftguard.openapi.tree`) -> :mod:`~driftguard.openapi.checks` (findings, read
through the one walker of :mod:`~driftguard.openapi.walk`, ids and severities from the data in
:mod:`driftguard.rules.schema`). :func:`driftguard.diff_specs` (in
:mod:`~driftguard.openapi.compare`) runs it.
"""
